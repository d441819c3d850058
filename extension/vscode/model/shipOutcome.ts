import type { Shipped } from '../../../shared/sessions.js';

export interface ShipAnswer {
  shipped: Shipped;
  notice?: string;
}

/** What the panel and the notification say after Push branch / Open pull request. */
export function shipOutcome(action: 'push' | 'pr', answer: ShipAnswer): { text: string; url?: string } {
  const { shipped, notice } = answer;
  const where = `${shipped.remote}/${shipped.branch}`;
  const pr = shipped.pullRequest;
  if (pr) {
    const kind = pr.draft ? 'Draft pull request' : 'Pull request';
    return { text: `${kind} #${pr.number} ${pr.existing ? 'was already open' : 'opened'} for ${where}.`, url: pr.url };
  }
  if (action === 'pr' && notice) return { text: `Pushed ${where}. ${notice}`, ...(shipped.compareUrl ? { url: shipped.compareUrl } : {}) };
  return { text: `Pushed ${where} (${shipped.commit.slice(0, 7)}).`, ...(shipped.compareUrl ? { url: shipped.compareUrl } : {}) };
}
