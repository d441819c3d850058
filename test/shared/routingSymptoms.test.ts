import assert from 'node:assert/strict';
import { route, routeByRules } from '../../shared/routing/route.js';

// Sentences written for these rules; the lists they were found on are scored in routingEval.test.ts.
const rules = (text: string) => routeByRules(text).decision;

describe('a bug told by its symptom', () => {
  for (const text of [
    'the order page shows the price in dollars instead of euros for German users',
    "l'appli affiche l'heure de Paris au lieu de l'heure locale",
    'приложение показывает дату доставки по Москве вместо местного времени',
    'клиентам дважды приходит смс с кодом',
    'ユーザーに通知が二回届いている',
    '用户会收到两次支付成功的推送',
    'beim Hochladen vom Profilbild dreht sich das Rädchen ewig',
  ]) {
    it(`${JSON.stringify(text)} is coding work`, () => assert.equal(rules(text).route, 'code', rules(text).reason));
  }

  for (const text of ['book the 9am flight instead of the 7am one', 'write it formally instead of casually', 'customers get a 10% discount if they refer a friend, write the announcement email', 'plan a team offsite twice a year']) {
    it(`${JSON.stringify(text)} is not`, () => assert.equal(rules(text).route, 'cowork', rules(text).reason));
  }
});

describe('release notes from the history, in the further languages', () => {
  for (const text of ['przygotuj release notes z commitów od tagu v2.0.0', 'напиши release notes по коммитам с тега v1.4', 'v1.2タグ以降のコミットからリリースノートを書いて', '把v3.0这个tag之后的提交整理成release notes']) {
    it(`${JSON.stringify(text)} is coding work`, () => assert.equal(rules(text).route, 'code', rules(text).reason));
  }
});

describe('a decline followed by a read-only request on code', () => {
  it('"not asking you to write code, just …" asks for the review', () => {
    assert.equal(rules('not asking you to write code, just look at the diff of PR 12 and tell me if it is safe').route, 'code');
  });
  it('"don\'t touch the code, I only need a summary …" stays office work', () => {
    assert.equal(rules("don't touch the code, I only need a summary of the roadmap for the board").route, 'cowork');
  });
});

describe('Code by name, and questions about Code sessions', () => {
  it('"open Code and …" forces a session with the task after it', () => {
    const decision = route('open Code and bump the minor dependencies');
    assert.equal(decision.forced, true);
    assert.equal(decision.task, 'bump the minor dependencies');
  });
  it('"Open Code review comments …" names no app', () => assert.equal(route('Open Code review comments are piling up').forced, false));
  for (const text of ['¿Una sesión de Code puede ver mis repositorios privados?', 'Kan een Code-sessie ook onze GitLab-repo\'s zien?', 'Code会话能看到我们公司的私有仓库吗？']) {
    it(`${JSON.stringify(text)} asks about sessions`, () => {
      const decision = rules(text);
      assert.equal(decision.forced, false);
      assert.equal(decision.route, 'cowork', decision.reason);
    });
  }
  it('"tekst" is Dutch for text, not "test" misspelt', () => assert.equal(rules('schrijf de tekst voor onze storingspagina').route, 'cowork'));
});
