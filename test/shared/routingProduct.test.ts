import assert from 'node:assert/strict';
import { commandLine } from '../../shared/routing/commandLine.js';
import { route } from '../../shared/routing/route.js';

// Command lines, product words in five languages, wishes and questions about the user's own
// product, terse requests, and the override as phones spell it; each with office look-alikes
// that share the words but not the shape.
const CASES: ReadonlyArray<[text: string, expected: 'code' | 'cowork' | 'forced']> = [
  ['go test ./...', 'code'],
  ['pytest -k auth', 'code'],
  ['make lint', 'code'],
  ['npx vitest run', 'code'],
  ['./gradlew build', 'code'],
  ['docker compose up -d', 'code'],
  ['make a table of the top five project management tools', 'cowork'],
  ['go to the summary and shorten it', 'cowork'],
  ['npm vs yarn, which should a beginner learn?', 'cowork'],
  ['so like I want a button on the profile page that lets people delete their account', 'code'],
  ['I want a slide about the dashboard numbers for friday', 'cowork'],
  ['how does our app decide which users get the beta banner', 'code'],
  ['how do we handle refunds for customers who paid twice?', 'cowork'],
  ['where do we stand on the budget for the offsite?', 'cowork'],
  ['fix login pls', 'code'],
  ['fix the typo in my cover letter', 'cowork'],
  ['Login kaputt', 'code'],
  ['tests?', 'code'],
  ['git vs svn', 'cowork'],
  ['set up sentry', 'code'],
  ['o app trava quando envio uma foto grande', 'code'],
  ['la page produit met dix secondes à charger', 'code'],
  ['help me reply to a customer who says the delivery shows the wrong address', 'cowork'],
  ['opne a code sesion and fix the tests', 'forced'],
  ['kannst du ne Code-Session starten', 'forced'],
  ["don't open a code sesion, just explain what a linter is", 'cowork'],
];

describe('routing product words, command lines and terse requests', () => {
  for (const [text, expected] of CASES) {
    it(`"${text}" → ${expected}`, () => {
      const decision = route(text);
      assert.equal(decision.forced, expected === 'forced', decision.reason);
      assert.equal(decision.route, expected === 'forced' ? 'code' : expected, decision.reason);
    });
  }

  it('a command line is read only from the start of a short message', () => {
    assert.equal(commandLine('cargo test')?.label, 'a command line');
    assert.equal(commandLine('please tell me about cargo test flags and what they do in rust projects today'), undefined);
    assert.equal(commandLine('git'), undefined);
  });
});
