import assert from 'node:assert/strict';
import { route } from '../../shared/routing/route.js';

// The rules of issue #12, checked on sentences outside routingDevP.jsonl: release readiness,
// Italian and Dutch questions about one's own code, and the office look-alikes that share their words.
const CASES: ReadonlyArray<[rule: string, text: string, expected: 'code' | 'cowork']> = [
  ['ready to release', 'are we ready to ship the new version tonight?', 'code'],
  ['ready to release', 'siamo pronti a rilasciare la 2.4?', 'code'],
  ['ready to release', 'zijn we klaar om te releasen?', 'code'],
  ['a launch verb needs a version word', 'are we ready to launch the spring campaign?', 'cowork'],
  ['things shipped are not software', 'can we ship the order to the client by Friday?', 'cowork'],
  ['Italian question about our code', 'dove salviamo le preferenze degli utenti nel nostro codice?', 'code'],
  ['Dutch question about our build', 'waarom is onze build zo traag geworden?', 'code'],
  ['a Dutch diagnostic question', 'wat is er mis met onze build?', 'code'],
  ['an explanation stays office work', "spiegami cos'è un deadlock", 'cowork'],
  ['an explanation stays office work', 'leg uit wat een deadlock is', 'cowork'],
  ['a question about any website is general', 'why does a website get slower when lots of people visit it?', 'cowork'],
  ['people as the agent stays research', 'perché i clienti abbandonano il carrello?', 'cowork'],
];

describe('release readiness and Italian and Dutch questions about the project', () => {
  for (const [rule, text, expected] of CASES) {
    it(`${rule}: "${text}" → ${expected}`, () => {
      assert.equal(route(text).route, expected);
    });
  }
});
