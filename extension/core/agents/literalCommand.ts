/**
 * A task that is a command ("npm test", "pytest -k auth", "go test ./...") is run exactly
 * as written, after approval. It is split into an argument array the way a POSIX shell
 * splits words (quotes and backslashes), but nothing is expanded and no shell ever runs:
 * text with pipes, redirections, substitutions or command lists is not a command here.
 */

/** Programs whose invocation the builtin agent runs as written: build, test and lint tools. */
const PROGRAMS = new Set([
  'npm', 'pnpm', 'yarn', 'npx', 'bun', 'deno', 'node',
  'pytest', 'python', 'python3', 'tox', 'nox', 'poetry', 'uv', 'ruff', 'black', 'mypy', 'flake8', 'pylint',
  'make', 'cargo', 'go', 'gofmt', 'golangci-lint',
  'tsc', 'eslint', 'prettier', 'biome', 'jest', 'vitest', 'mocha', 'ava', 'tap',
  'rspec', 'bundle', 'rake', 'phpunit', 'composer', 'mvn', 'gradle', './gradlew', 'dotnet', 'mix',
]);

/** Words that show a sentence rather than arguments ("run prettier on the repo"). */
const SENTENCE_WORDS = new Set([
  'the', 'and', 'on', 'in', 'of', 'me', 'if', 'it', 'what', 'tell', 'please', 'a', 'an', 'my', 'for', 'is', 'are',
  'le', 'la', 'les', 'et', 'sur', 'dans', 'el', 'los', 'las', 'y', 'en', 'die', 'der', 'das', 'und', 'auf',
]);

const SHELL_ONLY = /[|;&<>`$\n\r]/;

/** Splits `text` into words like `sh` would, without expanding anything; undefined on an open quote. */
export function splitWords(text: string): string[] | undefined {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const char = text[i] ?? '';
    if (quote) {
      if (char === quote) quote = undefined;
      else if (char === '\\' && quote === '"' && i + 1 < text.length) current += text[++i];
      else current += char;
    } else if (char === '"' || char === "'") {
      quote = char;
      inWord = true;
    } else if (char === '\\' && i + 1 < text.length) {
      current += text[++i];
      inWord = true;
    } else if (/\s/.test(char)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += char;
      inWord = true;
    }
  }
  if (quote) return undefined;
  if (inWord) words.push(current);
  return words;
}

/** Leading verbs that wrap a command ("run `npm test`", "lance make lint"). */
const WRAPPER = /^(?:please\s+)?(?:run|execute|exec|lance|lancer|execute|ejecuta|ejecutar|corre|fuhre|führe|starte)\s+/i;

/**
 * The argument array of a task that is a command, or undefined when the task is a
 * sentence. `run "yarn build"` and `` run `pnpm test` `` count; `python` only with `-m`.
 */
export function parseLiteralCommand(task: string): string[] | undefined {
  // A closing full stop is punctuation, but "go test ./..." ends in a package pattern.
  let text = task.trim().replace(/!+$|(?<![./])\.$/, '').trim();
  const wrapped = WRAPPER.exec(text);
  if (wrapped) text = text.slice(wrapped[0].length).trim();
  const fenced = /^(`+|"|')(.+)\1$/s.exec(text);
  if (fenced) text = (fenced[2] ?? '').trim();
  if (!text || SHELL_ONLY.test(text)) return undefined;
  const words = splitWords(text);
  const program = words?.[0];
  if (!words || !program || !PROGRAMS.has(program)) return undefined;
  if (words.slice(1).some((word) => SENTENCE_WORDS.has(word.toLowerCase()))) return undefined;
  if ((program === 'python' || program === 'python3') && words[1] !== '-m') return undefined;
  // Environment assignments and options before the program would need a shell.
  return words;
}
