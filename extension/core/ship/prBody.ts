import type { SessionResult } from '../../../shared/sessions.js';

/** What a pull request says about the session that made it. */
export interface PullRequestText {
  title: string;
  body: string;
}

export interface PullRequestFacts {
  task: string;
  result: SessionResult;
  agent: string;
  /** Where the conversation is: a Slack permalink, a Discord message link, the web chat's session. */
  threadUrl?: string;
  requester: { platform: string; name: string };
}

const PLATFORM_NAMES: Record<string, string> = { slack: 'Slack', discord: 'Discord', web: 'the web chat', cli: 'the command line', editor: 'the editor' };
const MAX_TITLE = 250;
/** GitHub's body limit is 65,536 characters; leave room. */
const MAX_BODY = 60_000;

/**
 * Title: the task's first line. Body: the summary, the tests run and their result, the
 * diffstat, the agent, a link back to the chat thread, and who dispatched it from where.
 */
export function pullRequestText(facts: PullRequestFacts): PullRequestText {
  const { result } = facts;
  const firstLine = facts.task.trim().split(/\r?\n/, 1)[0]?.trim() ?? '';
  const title = (firstLine || 'Dispatch session').slice(0, MAX_TITLE);
  const sections = [`## Summary\n\n${result.summary.trim() || '(no summary)'}`];
  if (result.tests) {
    const t = result.tests;
    const counts = `${t.passed} passed, ${t.failed} failed${t.skipped ? `, ${t.skipped} skipped` : ''}`;
    const failures = t.failures.length ? `\n\n${t.failures.slice(0, 20).map((failure) => `- ${failure}`).join('\n')}` : '';
    sections.push(`## Tests\n\n\`${t.command}\`: ${counts}${failures}`);
  } else {
    sections.push('## Tests\n\nNo tests were run in this session.');
  }
  if (result.diffstat.trim()) sections.push(`## Changes\n\n\`\`\`\n${result.diffstat.trim()}\n\`\`\``);
  const platform = PLATFORM_NAMES[facts.requester.platform] ?? facts.requester.platform;
  // In a code span: a chat name after "@" would otherwise mention (and notify) a GitHub user of that name.
  const who = `\`@${facts.requester.name.replace(/^@/, '').replace(/`/g, '')}\``;
  const thread = facts.threadUrl ? `[the chat thread](${facts.threadUrl})` : undefined;
  sections.push(
    [`Agent: ${facts.agent}`, `Dispatched from ${platform} by ${who}.`, ...(thread ? [`Conversation: ${thread}`] : [])].join('\n'),
  );
  let body = sections.join('\n\n');
  if (body.length > MAX_BODY) body = `${body.slice(0, MAX_BODY)}\n\n…(cut)`;
  return { title, body };
}
