import assert from 'node:assert/strict';
import { route } from '../../shared/routing/route.js';

// Written for the rule, after list S; the list's own sentences are scored in routingEval.test.ts.
describe('"where do we compute …?" in Polish, Russian, Turkish, Swedish, Japanese, Korean and Chinese', () => {
  for (const text of [
    'где у нас считается таймаут для вебхуков? сделай его 30 секунд',
    'gdzie przechowujemy tokeny odświeżania? chcę je skrócić do tygodnia',
    'kupon kodunu nerede doğruluyoruz? süresi geçmiş kuponları reddetsin',
    'var sparar vi sessionstoken? de ska gå ut efter en vecka',
    'セッションのトークンってどこで保存してる？有効期限を1週間にして',
    '세션 토큰은 어디에 저장하고 있어? 만료를 일주일로 바꿔줘',
    '会话令牌是在哪里存储的？过期时间改成一周',
  ]) {
    it(`${JSON.stringify(text)} asks for a place in the user's code`, () => {
      assert.equal(route(text).route, 'code', route(text).reason);
    });
  }

  for (const text of ['где лучше хранить пароли?', '密码应该存在哪里比较安全？', 'var ska man spara sina lösenord?']) {
    it(`${JSON.stringify(text)} asks for advice, not for a place in code`, () => {
      assert.equal(route(text).route, 'cowork', route(text).reason);
    });
  }

  it('a question about where a Code session keeps its work is about Dispatch', () => {
    const decision = route('Code 세션에서 작업한 내용은 어디에 저장돼?');
    assert.equal(decision.route, 'cowork');
    assert.equal(decision.forced, false);
  });
});

describe('the override in the further languages, joined to a task', () => {
  for (const [text, task] of [
    ['Code 세션 열고 스테이징 배포가 왜 실패하는지 봐줘', '스테이징 배포가 왜 실패하는지 봐줘'],
    ["Code'da oturum başlat, migration'ları elden geçirelim", "migration'ları elden geçirelim"],
    ['Kör igång en Code-session och kolla migreringarna', 'kolla migreringarna'],
  ] as const) {
    it(`${JSON.stringify(text)} forces a session whose task keeps its own question words`, () => {
      const decision = route(text);
      assert.equal(decision.forced, true, decision.reason);
      assert.equal(decision.task, task);
    });
  }

  for (const text of ['can a Code session push to protected branches?', 'Kann eine Code-Session auf private Repos zugreifen?']) {
    it(`${JSON.stringify(text)} asks what a Code session can do`, () => {
      const decision = route(text);
      assert.equal(decision.forced, false);
      assert.equal(decision.route, 'cowork', decision.reason);
    });
  }
});
