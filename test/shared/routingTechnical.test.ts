import assert from 'node:assert/strict';
import { isEnglishWord } from '../../shared/routing/englishWords.js';
import { route } from '../../shared/routing/route.js';
import { technicalSignals } from '../../shared/routing/technical.js';

const signals = (text: string) => technicalSignals(text);

describe('technical words', () => {
  it('the English word list knows words and their regular inflections, not tool names', () => {
    for (const word of ['shipping', 'parties', 'tagged', 'running', 'moment']) assert.equal(isEnglishWord(word), true, word);
    for (const word of ['kubernetes', 'dayjs', 'lodash', 'memoize', 'isfail']) assert.equal(isEnglishWord(word), false, word);
  });

  it('finds names shaped like code: dots, dashes, colons, scopes, PascalCase', () => {
    assert.deepEqual(signals('swap moment for date-fns, drop lodash.get, use node:assert and @sentry/node in CheckoutForm').shaped, [
      'date-fns',
      'lodash.get',
      'node:assert',
      '@sentry/node',
    ]);
    assert.deepEqual(signals('the CheckoutForm never clears').shaped, ['CheckoutForm']);
  });

  it('does not take domains, abbreviations, English compounds, clitics or office brands for code', () => {
    assert.deepEqual(signals('see example.com, e.g. the follow-up e-mail about LinkedIn; est-ce que dis-moi').shaped, []);
  });

  it('an unknown lowercase word counts in English messages only, and capitalised names not at all', () => {
    assert.deepEqual(signals('wrap the signup form in formik').unknown, ['formik']);
    assert.deepEqual(signals('send the deck to Sarah in Lisbon').unknown, []);
    assert.deepEqual(signals('remplace le module par la nouvelle version').unknown, []);
    assert.deepEqual(signals('fix teh failign tests').unknown, [], 'one typo from an English word is a typo');
  });

  describe('judged against the sentence’s shape', () => {
    for (const text of ['swap moment for date-fns', 'move us off lodash.get onto optional chaining', 'passe de jest à vitest', 'wechsle von jest zu vitest']) {
      it(`"${text}" is coding work`, () => assert.equal(route(text).route, 'code'));
    }
    for (const text of [
      'summarize the Kubernetes release blog',
      'summarize the React 19 release notes',
      'translate our pricing page copy into pt-br',
      'write a LinkedIn post about our move to date-fns',
      'plan a covid-19 safe team dinner',
      'explain what GraphQL is to my manager in two sentences',
    ]) {
      it(`"${text}" stays cowork`, () => assert.equal(route(text).route, 'cowork'));
    }
  });
});

describe('the override in five languages', () => {
  const cases: ReadonlyArray<readonly [string, string]> = [
    ['ouvre une session Code et rédige le compte rendu', 'rédige le compte rendu'],
    ['abre una sesión de Claude Code y ordena mis notas', 'ordena mis notas'],
    ['abra uma sessão do Code e escreva a ata', 'escreva a ata'],
    ['öffne bitte eine Code-Session und schreib das Protokoll', 'schreib das Protokoll'],
    ['kannst du eine Code-Session starten und die Tests reparieren', 'die Tests reparieren'],
  ];
  for (const [text, task] of cases) {
    it(`"${text}" forces a Code session`, () => {
      const decision = route(text);
      assert.equal(decision.forced, true);
      assert.equal(decision.task, task);
    });
  }
  for (const text of ["n'ouvre pas de session Code, explique-moi git", 'comment ouvrir une session Code ?', '¿cómo abro una sesión de Code?', 'öffne keine Code-Session, erklär mir nur git']) {
    it(`"${text}" forces nothing`, () => assert.equal(route(text).forced, false));
  }
});
