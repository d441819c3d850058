import assert from 'node:assert/strict';
import { route } from '../../shared/routing/route.js';

// Messages that name code only to rule it out. The first group was written before the rule,
// in lists J, Q and R (the rule was written from the English misses of list J; the French,
// Portuguese and list Q and R sentences were not read until it was done).
const WRITTEN_BEFORE: ReadonlyArray<[text: string, expected: 'code' | 'cowork']> = [
  ["pas besoin de toucher au code, rédige juste le mail aux clients pour la panne de paiement d'hier soir", 'cowork'],
  ['não precisa mexer no código, só escreve o comunicado pros clientes sobre o aumento de preço', 'cowork'],
  ['no need to touch code, just draft the email to customers about the checkout outage', 'cowork'],
  ["what are the pros and cons of monorepos? no code needed, it's for a discussion", 'cowork'],
  ["not a code thing, don't open anything — what's a good agenda for a sprint review", 'cowork'],
  ["don't open a code session yet, but the tests fail on main, fix them", 'code'],
];

// Declines in the other languages the router reads, and look-alikes that are coding work:
// a constraint after a coding request, and "code" meaning a code sent to a person.
const MORE: ReadonlyArray<[text: string, expected: 'code' | 'cowork']> = [
  ['не трогай код, просто напиши письмо клиентам', 'cowork'],
  ['コードは触らないで、メールの下書きだけお願い', 'cowork'],
  ['不要改代码，帮我写一封邮件', 'cowork'],
  ['코드는 건드리지 말고 이메일 초안만 써줘', 'cowork'],
  ['kodu değiştirme, sadece müşterilere bir e-posta yaz', 'cowork'],
  ['rör inte koden, skriv bara ett mejl till kunderna', 'cowork'],
  ['keine Code-Änderungen nötig, fass nur die Diskussion zusammen', 'cowork'],
  ['refactor the parser, don\'t change the tests', 'code'],
  ["fix the failing login test in auth.ts, don't touch the code in payments/", 'code'],
  ['修复登录的bug，不要改代码的其他部分', 'code'],
  ["the verification code doesn't arrive, no code is sent on signup", 'code'],
];

describe('a message that declines work on code', () => {
  for (const [text, expected] of [...WRITTEN_BEFORE, ...MORE]) {
    it(`"${text}" → ${expected}`, () => {
      const decision = route(text);
      assert.equal(decision.route, expected, decision.reason);
      assert.equal(decision.forced, false);
      // The reason a person reads says why the code words did not count.
      if (expected === 'cowork') assert.match(decision.reason, /needs no work on code/);
    });
  }
});
