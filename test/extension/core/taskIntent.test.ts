import assert from 'node:assert/strict';
import { parseBuiltinIntent } from '../../../extension/core/agents/taskIntent.js';

const TABLE: { text: string; expected: ReturnType<typeof parseBuiltinIntent> }[] = [
  { text: 'run the tests', expected: 'test' },
  { text: 'Run the tests please.', expected: 'test' },
  { text: 'can you run all the unit tests in backend', expected: 'test' },
  { text: 'test', expected: 'test' },
  { text: 'lance les tests', expected: 'test' },
  { text: 'Exécute les tests', expected: 'test' },
  { text: 'ejecuta las pruebas', expected: 'test' },
  { text: 'Führe die Tests aus', expected: 'test' },
  { text: 'run the linter', expected: 'lint' },
  { text: 'lint', expected: 'lint' },
  { text: 'build', expected: 'build' },
  { text: 'build the project', expected: 'build' },
  { text: 'audit dependencies', expected: 'audit' },
  { text: 'npm audit', expected: 'audit' },
  { text: 'list outdated dependencies', expected: 'outdated' },
  { text: 'check outdated packages', expected: 'outdated' },
  { text: 'refactor the auth module', expected: undefined },
  { text: 'add tests for the parser', expected: undefined },
  { text: 'run the tests and then fix whatever fails', expected: undefined },
  { text: 'bump axios to 1.7', expected: undefined },
];

describe('builtin task intents', () => {
  for (const { text, expected } of TABLE) {
    it(`"${text}" → ${expected ?? 'not builtin'}`, () => assert.equal(parseBuiltinIntent(text), expected));
  }
});
