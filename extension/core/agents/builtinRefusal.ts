import type { AgentOutcome } from './agent.js';

/** What the builtin agent can do, for the message of a task it cannot. */
export const CAPABILITIES = [
  'run the tests, the linter, the type check or the build ("run the tests and tell me what fails", "does the build pass on main?")',
  'format the code and commit the result ("format the code")',
  'audit the dependencies or list the outdated ones',
  'update a dependency, with its peers, and run the tests ("bump axios to 1.7", "update React to 19")',
  'look at a failing build on a branch ("look at the failing CI on main")',
  'review the changes on a branch ("review my changes on branch auth-refactor")',
  'run a test, lint or build command exactly as written ("npm test", "pytest -k auth", "go test ./...")',
];

/** The message for any task the builtin agent cannot do. Never a fake success. */
export const FREE_FORM_MESSAGE =
  `The builtin agent has no model, so it only does what it can do without one:\n${CAPABILITIES.map((line) => `• ${line}`).join('\n')}\n` +
  'A model-backed agent must be configured for free-form coding (set DISPATCH_AGENT, e.g. DISPATCH_AGENT=claude).';

/** What each check offered instead is called in a reply. */
export const INSTEAD_TEXT = { test: 'run the tests', lint: 'run the linter', build: 'run the build' } as const;

/** A check the refused task mentions, offered instead ("run the tests and then fix whatever fails"). */
export function suggestionFor(task: string): keyof typeof INSTEAD_TEXT | undefined {
  const text = task.toLowerCase();
  if (/\btests?\b|\bspecs?\b|pruebas|\btests\b/.test(text)) return 'test';
  if (/\blint/.test(text)) return 'lint';
  if (/\bbuild\b|\bcompil/.test(text)) return 'build';
  return undefined;
}

/** The outcome of a refused task: what the agent can do, and the check it could run instead. */
export function refusal(task: string): AgentOutcome {
  const instead = suggestionFor(task);
  const summary = instead ? `${FREE_FORM_MESSAGE}\nReply "${INSTEAD_TEXT[instead]}" to ${INSTEAD_TEXT[instead]} instead.` : FREE_FORM_MESSAGE;
  return { status: 'failed', summary, error: 'Not something the builtin agent can do without a model', commitChanges: false, ...(instead ? { instead } : {}) };
}
