/**
 * A message that is a command line: "go test ./...", "pytest -k auth", "cargo test",
 * "make lint", "npx vitest run". People paste or type the command they want run; its first
 * word is a developer tool and the next one a subcommand, a flag or a path. Words that are
 * also English ("make", "go", "git") count only with one of their own subcommands, so that
 * "make a table" and "go to the store" stay office work.
 */

import type { StructuralSignal } from './structure.js';

export const COMMAND_LINE: StructuralSignal = { weight: 4, label: 'a command line' };

const MAX_WORDS = 12;
const SPACES = /\s+/;
// Tools that are never English words: any subcommand, flag or path may follow.
const TOOLS = new Set(
  'npm npx pnpm pnpx yarn bun bunx deno pytest cargo rustc rustup tsc ruff mypy black flake8 pylint mvn gradle gradlew pip pip3 pipx poetry uv tox nox rspec rake rails composer dotnet kubectl terraform eslint prettier jest vitest mocha playwright cypress webpack vite tsx gofmt golangci-lint cmake ninja bazel phpunit'.split(' '),
);
// Tools whose name is also a word: only with a subcommand of theirs.
const SUBCOMMANDS: ReadonlyMap<string, ReadonlySet<string>> = new Map(
  (
    [
      ['go', 'test vet build run mod get fmt generate install tool work'],
      ['make', 'lint test tests build install clean check fmt format all deploy run dev dist release docs typecheck ci e2e'],
      ['docker', 'compose build run ps push pull exec logs images rm rmi stop start'],
      ['git', 'rebase commit push pull stash cherry-pick bisect log status diff merge checkout reset fetch switch restore revert blame tag branch clone add rm mv am apply'],
      ['node', '--test --inspect --version -e'],
      ['python', '-m -c manage.py setup.py'],
      ['python3', '-m -c manage.py setup.py'],
      ['bundle', 'exec install update'],
      ['helm', 'install upgrade template lint'],
      ['swift', 'build test run package'],
      ['flutter', 'test build run pub analyze'],
    ] as const
  ).map(([tool, words]) => [tool, new Set(words.split(' '))]),
);
// A subcommand, a flag, a path or a target: "test", "-k", "--noEmit", "./...", ".", "run:dev".
const ARGUMENT = /^(?:-{1,2}[A-Za-z]|\.{1,2}(?:\/|$)|[a-z][\w:.-]*$)/;
const NOT_ARGUMENTS = new Set('vs versus or and is are was the a an to for of what which how why or with in on'.split(' '));
const FIRST_WORDS = /^\s*(\S{1,40})/;
const LOCAL_SCRIPT = /^\.\/[\w.-]+$/;

/**
 * Whether a message is a command line to run.
 *
 * @param masked - The normalised message, code masked (case kept).
 * @returns The signal, or undefined.
 */
export function commandLine(masked: string): StructuralSignal | undefined {
  // Cheap test first: most messages start with an English word that is no tool.
  const head = FIRST_WORDS.exec(masked);
  const opening = (head?.[1] ?? '').toLowerCase();
  if (!TOOLS.has(opening) && !SUBCOMMANDS.has(opening) && opening !== 'run' && opening !== '$' && !opening.startsWith('./')) return undefined;
  const words = masked.trim().split(SPACES, MAX_WORDS + 1);
  if (words.length > MAX_WORDS) return undefined;
  let first = 0;
  if (words[first] === '$' || words[first]?.toLowerCase() === 'run') first++;
  const tool = (words[first] ?? '').toLowerCase();
  const argument = words[first + 1] ?? '';
  if (LOCAL_SCRIPT.test(tool) && (argument === '' || ARGUMENT.test(argument))) return COMMAND_LINE;
  if (argument === '' || !ARGUMENT.test(argument) || NOT_ARGUMENTS.has(argument)) return undefined;
  if (TOOLS.has(tool)) return COMMAND_LINE;
  return SUBCOMMANDS.get(tool)?.has(argument) ? COMMAND_LINE : undefined;
}
