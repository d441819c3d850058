import { DispatchError } from '../../../shared/errors.js';

/**
 * Splits a command line into words the way a person reads it, without a shell: spaces
 * separate words, "double" and 'single' quotes group them, and a backslash is an
 * ordinary character (Windows paths) except for `\"` inside double quotes. Nothing is
 * expanded. Unbalanced quotes are a `bad_input` error.
 */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i] ?? '';
    if (quote) {
      if (char === quote) quote = undefined;
      else if (quote === '"' && char === '\\' && text[i + 1] === '"') word += text[++i];
      else word += char;
      continue;
    }
    if (char === '"' || char === "'") {
      quote = char;
      inWord = true;
    } else if (/\s/.test(char)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += char;
      inWord = true;
    }
  }
  if (quote) throw new DispatchError('bad_input', `Unbalanced ${quote} quote in ${JSON.stringify(text.slice(0, 200))}`);
  if (inWord) words.push(word);
  return words;
}

/**
 * Shell syntax that makes a command string more than "one program and its arguments":
 * chaining, pipes, redirection, substitution, globs, escapes, comments. Checked over the
 * whole string, quotes included, on purpose: when in doubt, a command is not plain.
 */
const SHELL_SYNTAX = /[;&|<>()`$*?~{}[\]#!\\\n\r]/;

/**
 * The argument array of a shell command string when it is plainly one program with
 * arguments (`npm test`, `git log --oneline`), else undefined. Only a plain command may
 * be judged by its program (the safe list, per-program grants): `git status && rm -rf x`
 * must never look like `git status`.
 */
export function plainCommand(text: string): string[] | undefined {
  if (SHELL_SYNTAX.test(text)) return undefined;
  let words: string[];
  try {
    words = splitWords(text);
  } catch {
    return undefined;
  }
  // `FOO=1 npm test` sets a variable first: not a plain program call.
  if (words.length === 0 || words[0]?.includes('=')) return undefined;
  return words;
}

/** The placeholder a command template puts the task text in. */
export const TASK_PLACEHOLDER = '{task}';

/** Parses a command template (DISPATCH_AGENT_COMMAND) into words; `bad_config` when unusable. */
export function parseTemplate(template: string): string[] {
  let words: string[];
  try {
    words = splitWords(template);
  } catch (error) {
    throw new DispatchError('bad_config', `DISPATCH_AGENT_COMMAND: ${(error as Error).message}`);
  }
  if (words.length === 0 || !words[0]) throw new DispatchError('bad_config', 'DISPATCH_AGENT_COMMAND is empty.');
  if (words[0].includes(TASK_PLACEHOLDER)) {
    throw new DispatchError('bad_config', 'DISPATCH_AGENT_COMMAND must start with a program, not {task}.');
  }
  return words;
}

/**
 * The argument array for one task: `{task}` is replaced inside the word that holds it,
 * so the task stays ONE argument whatever it contains (spaces, quotes, `; rm -rf ~`).
 * A template without `{task}` gets the task as its last argument.
 */
export function fillTemplate(words: readonly string[], task: string): string[] {
  if (!words.some((word) => word.includes(TASK_PLACEHOLDER))) return [...words, task];
  // A function replacement, so `$&` or `$1` in the task are not replacement patterns.
  return words.map((word) => word.split(TASK_PLACEHOLDER).join(task));
}
