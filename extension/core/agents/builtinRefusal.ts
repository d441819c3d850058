import type { AgentOutcome } from './agent.js';

/** What the builtin agent can do, for the message of a task it cannot: short enough to read on a phone. */
export const CAPABILITIES = [
  'run the tests, the linter, the type check or the build ("are the tests passing on main?")',
  'update a dependency ("bump axios to 1.7") or format the code, and commit',
  'audit the dependencies, or list the outdated ones',
  'review a branch ("review my changes on branch feat/login")',
  'run a command as written ("npm test")',
];

/** The refusal's first line; the result's error says the same, so the chat shows it once. */
export const REFUSED = 'Not something the builtin agent can do without a model';

/** The message for any task the builtin agent cannot do. Never a fake success. */
export const FREE_FORM_MESSAGE =
  `${REFUSED} (for free-form coding set DISPATCH_AGENT=claude or codex). It can:\n${CAPABILITIES.map((line) => `• ${line}`).join('\n')}`;

/** What each check offered instead is called in a reply. */
export const INSTEAD_TEXT = { test: 'run the tests', lint: 'run the linter', build: 'run the build' } as const;

/** A check the refused task mentions, offered instead ("run the tests and then fix whatever fails"). */
export function suggestionFor(task: string): keyof typeof INSTEAD_TEXT | undefined {
  const text = task.toLowerCase();
  // The suite or the runner by name counts too ("what does the mocha suite say right now").
  if (/\btests?\b|\bspecs?\b|pruebas|\bsuites?\b|\b(?:mocha|jest|vitest|pytest)\b/.test(text)) return 'test';
  if (/\blint/.test(text)) return 'lint';
  if (/\bbuild\b|\bcompil/.test(text)) return 'build';
  return undefined;
}

/** The outcome of a refused task: what the agent can do, and the check it could run instead. */
export function refusal(task: string): AgentOutcome {
  const instead = suggestionFor(task);
  const summary = instead ? `${FREE_FORM_MESSAGE}\nReply "${INSTEAD_TEXT[instead]}" to ${INSTEAD_TEXT[instead]} instead.` : FREE_FORM_MESSAGE;
  return { status: 'failed', summary, error: REFUSED, commitChanges: false, ...(instead ? { instead } : {}) };
}
