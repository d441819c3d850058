/**
 * Scope words: where a task runs. "on main", "on the auth-refactor branch", "on branch
 * X" (and "sur la branche X", "en la rama X", "auf dem Branch X") start the worktree from
 * that branch; "in the X repo" names the repository. Found in the original text so a
 * branch keeps its case, then cut out so the rest reads as the request alone.
 */

export interface Scope {
  branch?: string;
  repo?: string;
  /** The task without the scope phrases. */
  rest: string;
}

const REF = String.raw`([A-Za-z0-9][A-Za-z0-9._/-]{0,199})`;
const BRANCH_WORD = String.raw`(?:branch|branche|rama|zweig)`;

/** Most specific first: a keyword names the branch, a bare "on X" only when X is not a common word. */
const BRANCH_PATTERNS: RegExp[] = [
  new RegExp(String.raw`\b(?:on|at|in|for|from|of)\s+(?:the\s+)?${BRANCH_WORD}\s+\`?${REF}\`?`, 'i'),
  new RegExp(String.raw`\b(?:on|at|in|for|from|of)\s+(?:the\s+)?\`?${REF}\`?\s+${BRANCH_WORD}\b`, 'i'),
  new RegExp(String.raw`\b(?:sur|dans|de)\s+(?:la\s+)?${BRANCH_WORD}\s+\`?${REF}\`?`, 'i'),
  new RegExp(String.raw`\b(?:en|de)\s+(?:la\s+)?${BRANCH_WORD}\s+\`?${REF}\`?`, 'i'),
  new RegExp(String.raw`\b(?:auf|im|in)\s+(?:dem\s+|den\s+)?${BRANCH_WORD}\s+\`?${REF}\`?`, 'i'),
  new RegExp(String.raw`\b${BRANCH_WORD}\s+\`?${REF}\`?`, 'i'),
];

/** Common words that follow "on" without naming a branch ("on the repo", "on it"). */
const NOT_A_BRANCH = new Set([
  'the', 'a', 'an', 'it', 'this', 'that', 'my', 'our', 'your', 'repo', 'repository', 'project', 'code', 'codebase',
  'ci', 'top', 'and', 'then', 'all', 'every', 'each', 'them', 'here', 'there', 'files', 'file', 'everything',
]);

// Bare "on X": X starts with a letter, so "auf 1.7" (a version) is no branch.
const BARE_ON = new RegExp(String.raw`\b(?:on|sur|auf)\s+\`?(?=[A-Za-z])${REF}\`?(?=\s*(?:[,.!?;:]|$|\s+(?:and|then|et|y|und|please|stp|svp|bitte|have|,)\b))`, 'i');

const REPO_WORD = String.raw`(?:repo|repository|repositories|depot|dépôt|repositorio|repositorium)`;
const REPO_PATTERNS: RegExp[] = [
  new RegExp(String.raw`\b(?:in|for|on|of)\s+(?:the\s+)?\`?([A-Za-z0-9][\w.-]{0,99})\`?\s+${REPO_WORD}\b`, 'i'),
  new RegExp(String.raw`\b(?:in|for|on|of)\s+(?:the\s+)?${REPO_WORD}\s+\`?([A-Za-z0-9][\w.-]{0,99})\`?`, 'i'),
  new RegExp(String.raw`\b(?:dans|du|sur)\s+(?:le\s+)?(?:depot|dépôt|repo)\s+\`?([A-Za-z0-9][\w.-]{0,99})\`?`, 'i'),
  new RegExp(String.raw`\b(?:en|del)\s+(?:el\s+)?(?:repo|repositorio)\s+\`?([A-Za-z0-9][\w.-]{0,99})\`?`, 'i'),
  new RegExp(String.raw`\b(?:im|in)\s+(?:dem\s+)?(?:repo|repository|repositorium)\s+\`?([A-Za-z0-9][\w.-]{0,99})\`?`, 'i'),
];

function cut(text: string, match: RegExpExecArray): string {
  return `${text.slice(0, match.index)} ${text.slice(match.index + match[0].length)}`.replace(/\s+/g, ' ').trim();
}

/** Finds the branch and repository a task names and returns the task without them. */
export function extractScope(task: string): Scope {
  let rest = task;
  const scope: Scope = { rest };
  for (const pattern of REPO_PATTERNS) {
    const match = pattern.exec(rest);
    if (match?.[1] && !NOT_A_BRANCH.has(match[1].toLowerCase())) {
      scope.repo = match[1];
      rest = cut(rest, match);
      break;
    }
  }
  for (const pattern of [...BRANCH_PATTERNS, BARE_ON]) {
    const match = pattern.exec(rest);
    const name = match?.[1]?.replace(/[.,!?;:]+$/, '');
    if (match && name && !NOT_A_BRANCH.has(name.toLowerCase())) {
      scope.branch = name;
      rest = cut(rest, match);
      break;
    }
  }
  scope.rest = rest;
  return scope;
}
