import assert from 'node:assert/strict';
import { route } from '../../shared/routing/route.js';

// Questions in Polish, Russian, Turkish, Swedish, Japanese, Korean and Chinese, from lists Q, R and 4 (written
// before the rule by people who never read the router): a question of general knowledge is Cowork, even when it
// names technical things; a question about the user's own code stays Code.
const CASES: ReadonlyArray<[text: string, expected: 'code' | 'cowork']> = [
  ['co to jest CVE i skąd się biorą te numery?', 'cowork'],
  ['wyjaśnij mi, co to jest wyścig (race condition), na prostym przykładzie', 'cowork'],
  ['wyjaśnij, czym jest mikroserwis', 'cowork'],
  ['что такое семантическое версионирование и зачем оно нужно?', 'cowork'],
  ['что такое состояние гонки простыми словами?', 'cowork'],
  ['race condition nedir, basitçe anlatır mısın', 'cowork'],
  ['vad är en CVE och hur allvarlig är CVSS 9.8?', 'cowork'],
  ['vad är skillnaden mellan SQL och NoSQL?', 'cowork'],
  ['RESTとGraphQLの違いを説明して', 'cowork'],
  ['Kubernetesとは何か、非エンジニアの上司向けに3行で説明して', 'cowork'],
  ['API가 뭔지 마케팅팀한테 설명할 수 있게 쉽게 알려줘', 'cowork'],
  ['用通俗的话给我老板解释一下什么是Kubernetes', 'cowork'],
  ['通俗解释一下什么是死锁', 'cowork'],
  ['jak działa u nas cache w serwisie zamówień? wytłumacz na podstawie kodu', 'code'],
  ['объясни, как у нас устроена очередь задач в воркере', 'code'],
  ['bizim sepet servisindeki stok kontrolü nasıl çalışıyor, koddan anlat', 'code'],
  ['förklara hur vår fakturamodul räknar ut förfallodatum', 'code'],
  ['우리 알림 서비스 코드가 푸시를 어떻게 보내는지 설명해줘', 'code'],
];

describe('questions in Polish, Russian, Turkish, Swedish, Japanese, Korean and Chinese', () => {
  for (const [text, expected] of CASES) {
    it(`"${text}" → ${expected}`, () => {
      const decision = route(text);
      assert.equal(decision.route, expected, decision.reason);
    });
  }
});
