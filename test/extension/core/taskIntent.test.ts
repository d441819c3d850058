import assert from 'node:assert/strict';
import { parseTaskIntent } from '../../../extension/core/agents/taskIntent.js';
import { parseLiteralCommand, splitWords } from '../../../extension/core/agents/literalCommand.js';
import { PHRASINGS } from './intent/phrasings.js';

describe('builtin task intents: sentences written before the parser', () => {
  for (const phrasing of PHRASINGS) {
    it(`"${phrasing.text}" → ${phrasing.action ?? 'not builtin'}${phrasing.branch ? ` on ${phrasing.branch}` : ''}`, () => {
      const intent = parseTaskIntent(phrasing.text);
      assert.equal(intent?.action, phrasing.action);
      if (phrasing.branch !== undefined) assert.equal(intent?.branch, phrasing.branch);
      if (phrasing.repo !== undefined) assert.equal(intent?.repo, phrasing.repo);
      if (phrasing.command) assert.deepEqual(intent?.command, phrasing.command);
      if (phrasing.updates) assert.deepEqual(intent?.updates, phrasing.updates);
      if (phrasing.bulk) assert.equal(intent?.bulk, phrasing.bulk);
    });
  }
});

describe('literal commands', () => {
  it('splits words like a shell without expanding anything', () => {
    assert.deepEqual(splitWords(`pytest -k "auth and not slow" 'a b' c\\ d $HOME`), ['pytest', '-k', 'auth and not slow', 'a b', 'c d', '$HOME']);
    assert.equal(splitWords('npm test "open'), undefined);
  });

  it('refuses what only a shell could run: pipes, lists, redirections, substitutions', () => {
    for (const text of ['npm test | tee out', 'npm test; rm -rf /', 'make && make install', 'npm test > out.txt', 'npm test $(whoami)', 'npm test `id`']) {
      assert.equal(parseLiteralCommand(text), undefined, text);
    }
  });

  it('runs only build, test and lint tools as written', () => {
    assert.equal(parseLiteralCommand('rm -rf node_modules'), undefined);
    assert.equal(parseLiteralCommand('python setup.py install'), undefined);
    assert.deepEqual(parseLiteralCommand('python3 -m unittest'), ['python3', '-m', 'unittest']);
  });

  it('does not take a long message for a task', () => {
    assert.equal(parseTaskIntent(`run the tests ${'and more '.repeat(60)}`), undefined);
  });
});
