import assert from 'node:assert/strict';
import { routeByRules } from '../../shared/routing/route.js';

// The rules alone (the learned model is trained on list S): sentences written for the rules, not taken from a list.
const rules = (text: string) => routeByRules(text).decision;

describe('one tool for another, in the further languages', () => {
  for (const text of ['Przesiądźmy się z Mochy na Vitest', 'webpack yerine vite kullanalım', 'Vi byter ut Enzyme mot Testing Library', 'Jestやめてvitestに乗り換えたい', 'webpack 빼고 vite로 갈아타자', '把webpack换成vite']) {
    it(`${JSON.stringify(text)} is coding work`, () => assert.equal(rules(text).route, 'code', rules(text).reason));
  }

  for (const text of ['Сделай слайды про наш переход с MySQL на Postgres для инвесторов', 'Какие требования GDPR касаются хранения логов с IP-адресами?']) {
    it(`${JSON.stringify(text)} stays office work`, () => assert.equal(rules(text).route, 'cowork', rules(text).reason));
  }
});

describe('asked to explain how the user\'s own code works', () => {
  for (const text of [
    'explain how our session refresh works in the auth service',
    'объясни, как у нас устроено кеширование в сервисе цен',
    'wytłumacz, jak u nas działa kolejka w serwisie płatności',
    'bizim ödeme servisindeki iade akışı nasıl çalışıyor?',
    'förklara hur vi hanterar omförsök i betalningstjänsten',
    '我们的订单服务里退款是怎么处理的？讲讲代码',
  ]) {
    it(`${JSON.stringify(text)} is about the user's code`, () => assert.equal(rules(text).route, 'code', rules(text).reason));
  }

  for (const text of ['Explain what an API is to my mom', 'explain how our onboarding works to the new hires in an email', 'объясни, как у нас в стране работает налоговый вычет']) {
    it(`${JSON.stringify(text)} is not`, () => assert.equal(rules(text).route, 'cowork', rules(text).reason));
  }
});

describe('a short word of code misspelt', () => {
  for (const text of ['the lgoin page is broken again', 'biuld is red on main', 'fix the failng checkout']) {
    it(`${JSON.stringify(text)} is read as the word meant`, () => assert.equal(rules(text).route, 'code', rules(text).reason));
  }

  it('a word of another language one letter from a word of code is left alone', () => {
    assert.equal(rules('plan the summer fest for the team').route, 'cowork');
  });
});
