import assert from 'node:assert/strict';
import { shipIntent, type ShipIntent } from '../../bridge/shipIntent.js';

/**
 * Written before the rule: what people type in a session's thread when they want the
 * branch pushed or a pull request opened, in the languages the router knows, and
 * follow-ups that merely mention pushes or PRs and must stay follow-ups.
 */
const PR: ShipIntent = { action: 'pr', draft: true };
const READY_PR: ShipIntent = { action: 'pr', draft: false };
const PUSH: ShipIntent = { action: 'push', draft: true };

const TABLE: Array<{ text: string; expected: ShipIntent | undefined }> = [
  // English
  { text: 'open a PR', expected: PR },
  { text: 'Open a pull request', expected: PR },
  { text: 'please open a PR', expected: PR },
  { text: 'can you open a PR?', expected: PR },
  { text: 'create a pull request for this', expected: PR },
  { text: 'make it a draft PR', expected: PR },
  { text: 'open a draft pull request please', expected: PR },
  { text: 'PR please', expected: PR },
  { text: 'ship it', expected: PR },
  { text: 'open a PR, ready for review', expected: READY_PR },
  { text: 'open a non-draft PR', expected: READY_PR },
  { text: 'push it', expected: PUSH },
  { text: 'Push the branch.', expected: PUSH },
  { text: 'push', expected: PUSH },
  { text: 'go ahead and push it to GitHub', expected: PUSH },
  { text: 'push the changes', expected: PUSH },
  // French
  { text: 'ouvre une PR', expected: PR },
  { text: 'ouvre une pull request stp', expected: PR },
  { text: 'crée une PR en brouillon', expected: PR },
  { text: 'fais-en une PR brouillon', expected: PR },
  { text: 'pousse la branche', expected: PUSH },
  { text: 'push la branche s’il te plaît', expected: PUSH },
  // Spanish
  { text: 'abre un PR', expected: PR },
  { text: 'crea una pull request en borrador', expected: PR },
  { text: 'haz un PR borrador por favor', expected: PR },
  { text: 'sube la rama', expected: PUSH },
  { text: 'haz push', expected: PUSH },
  // German
  { text: 'öffne einen PR', expected: PR },
  { text: 'Erstelle bitte einen Pull Request', expected: PR },
  { text: 'mach einen Draft-PR daraus', expected: PR },
  { text: 'push den Branch', expected: PUSH },
  { text: 'schieb den Branch hoch', expected: PUSH },
  // Portuguese
  { text: 'abre um PR', expected: PR },
  { text: 'abra um pull request em rascunho', expected: PR },
  { text: 'cria um PR por favor', expected: PR },
  { text: 'envia a branch', expected: PUSH },
  { text: 'dá push', expected: PUSH },
  // Follow-ups that mention pushes or PRs, and refusals: not ship requests.
  { text: "don't open a PR yet", expected: undefined },
  { text: 'do not push', expected: undefined },
  { text: 'push the timeout to 30 seconds', expected: undefined },
  { text: 'fix the failing test in the PR template', expected: undefined },
  { text: 'update the pull request template in .github', expected: undefined },
  { text: 'add a test for push notifications', expected: undefined },
  { text: 'open a PR and also fix the lint errors', expected: undefined },
  { text: 'should I open a PR?', expected: undefined },
  { text: 'ne pousse pas la branche', expected: undefined },
  { text: 'no abras un PR todavía', expected: undefined },
  { text: 'noch keinen PR öffnen', expected: undefined },
  { text: 'não abra um PR ainda', expected: undefined },
  { text: 'also run the tests', expected: undefined },
  { text: 'open the README and fix the typo', expected: undefined },
];

describe('ship requests in a session thread (a table of sentences written before the rule)', () => {
  for (const { text, expected } of TABLE) {
    it(`${JSON.stringify(text)} → ${expected ? `${expected.action}${expected.action === 'pr' ? (expected.draft ? ' (draft)' : ' (ready)') : ''}` : 'a follow-up'}`, () => {
      assert.deepEqual(shipIntent(text), expected);
    });
  }

  it('an over-long message is never a ship request', () => {
    assert.equal(shipIntent(`open a PR ${'please '.repeat(200)}`), undefined);
  });
});
