import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { route } from '../../shared/routing/route.js';

interface Line {
  readonly text: string;
  readonly route: 'code' | 'cowork';
  readonly forced: boolean;
  readonly lang: string;
  readonly style: string;
}

const here = path.dirname(fileURLToPath(import.meta.url));
// Written before the detector was rewritten: phrasings people type, near-misses, Italian and Dutch.
const lines: Line[] = readFileSync(path.join(here, 'eval', 'forcedDev.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line.trim().length > 0)
  .map((line) => JSON.parse(line) as Line);

describe('the "open a Code session" override', () => {
  it('forces a Code session for every request for one, in every phrasing and language of the list', () => {
    const requests = lines.filter((l) => l.forced);
    assert.ok(requests.length >= 80);
    const missed = requests.filter((l) => {
      const d = route(l.text);
      return !d.forced || d.route !== 'code';
    });
    assert.deepEqual(missed.map((l) => `${l.style}/${l.lang}: ${l.text}`), []);
  });

  it('forces nothing for negations, questions about the feature, reported speech and office work about sessions', () => {
    const nearMisses = lines.filter((l) => l.style === 'near-miss');
    assert.ok(nearMisses.length >= 40);
    assert.deepEqual(nearMisses.filter((l) => route(l.text).forced).map((l) => l.text), []);
  });

  for (const [text, task] of [
    ['code session: bump lodash and rerun the tests', 'bump lodash and rerun the tests'],
    ['[code session] add pagination to the orders endpoint', 'add pagination to the orders endpoint'],
    ['**Code session:** fix the 404 on /pricing', 'fix the 404 on /pricing'],
    ['New code session - the CSV export drops the last row', 'the CSV export drops the last row'],
    ['code session please: bump axios', 'bump axios'],
    ['code session fix login', 'fix login'],
    ['okay new code session um the search results page shows duplicates', 'the search results page shows duplicates'],
    ['spin up a Claude Code session and bump react to 19', 'bump react to 19'],
    ['yo spin me up a code session real quick and fix the nav', 'fix the nav'],
    ['öffne mal schnell ne Code-Session und fix den Build', 'fix den Build'],
    ['i\'d like a code session to go through the TODOs', 'go through the TODOs'],
    ['can we get a coding session going? the sitemap is missing the blog posts', 'the sitemap is missing the blog posts'],
    ['ouvre une session Code et corrige le test qui échoue', 'corrige le test qui échoue'],
    ['Session Code : ajoute la pagination sur la liste des commandes', 'ajoute la pagination sur la liste des commandes'],
    ['kannst du mal eine Claude-Code-Session aufmachen und die Tests reparieren', 'die Tests reparieren'],
    ['ich brauche eine Code-Session, um das Deployment zu fixen', 'das Deployment zu fixen'],
    ['necesito una sesión de código para migrar la base de datos', 'migrar la base de datos'],
    ['mi serve una sessione Code per fare il merge del branch', 'fare il merge del branch'],
    ['ik heb een code-sessie nodig om de dependencies te updaten', 'de dependencies te updaten'],
    ['The deck is due tomorrow. Code session: make the charts', 'The deck is due tomorrow. make the charts'],
  ] as const) {
    it(`${JSON.stringify(text)} runs ${JSON.stringify(task)}`, () => {
      const decision = route(text);
      assert.equal(decision.forced, true);
      assert.equal(decision.task, task);
    });
  }

  for (const text of [
    'session code: 4521, can you put it on the invite',
    'code sessions are great, write a tweet about them',
    'Code session recap: what did we ship this week? write it up for the newsletter',
    'the new code session crashed halfway, can you summarize what happened',
    'open a session with the recruiter to discuss the code of conduct',
    'start a session on code review with the new hires',
    'open the code session logs and tell me why it failed',
    'it felt like a code session, not a workshop: write that up for the newsletter',
    'did you get a code session for the api repo yet?',
  ]) {
    it(`${JSON.stringify(text)} names a session without asking for one`, () => {
      assert.equal(route(text).forced, false);
    });
  }

  it('a session mentioned in office work does not count as a word of code', () => {
    assert.equal(route('book a room for the team coding session on tuesday').route, 'cowork');
    assert.equal(route('our coding session with the interns is on friday, draft the invite').route, 'cowork');
  });

  it('reads 100 KB of session phrases, near-phrases and questions', () => {
    for (const text of [
      'how do I open a code session '.repeat(3_500),
      'code session '.repeat(8_000),
      'sesión de código '.repeat(6_000),
      'eine Code-Session '.repeat(5_500),
      'open a a a a a '.repeat(7_000) + 'code session',
    ]) {
      const decision = route(text);
      assert.ok(decision.route === 'code' || decision.route === 'cowork');
    }
  });
});

describe('Italian and Dutch requests', () => {
  const itNl = lines.filter((l) => l.style === 'itnl');

  it('route coding work to Code and office work to Cowork', () => {
    assert.ok(itNl.length >= 40);
    const wrong = itNl.filter((l) => route(l.text).route !== l.route);
    // At most one in twenty may miss: the list is small, and rules are not written for its sentences.
    assert.ok(wrong.length <= itNl.length / 20, wrong.map((l) => `${l.route} expected: ${l.text}`).join('\n'));
  });

  for (const [text, expected] of [
    ['correggi il test che fallisce nel modulo utenti', 'code'],
    ['aggiorna le dipendenze e lancia la build', 'code'],
    ['traduci questa lettera in francese', 'cowork'],
    ['repareer de kapotte inlogknop', 'code'],
    ['voeg een functie toe die de afhankelijkheden controleert', 'code'],
    ['vertaal de samenvatting van de vergadering', 'cowork'],
  ] as const) {
    it(`${JSON.stringify(text)} → ${expected}`, () => assert.equal(route(text).route, expected));
  }
});

describe('the override in Polish, Russian, Turkish, Swedish, Japanese, Korean and Chinese', () => {
  for (const [text, task] of [
    ['otwórz nową sesję Claude Code i napraw testy', 'napraw testy'],
    ['Откройте, пожалуйста, новую сессию Code: почини логин', 'почини логин'],
    ['yeni bir kod oturumu başlatır mısın, README güncelle', 'README güncelle'],
    ['starta en kodsession och fixa bygget', 'fixa bygget'],
    ['コードセッションを起動してください。ログインのバグを直して', 'ログインのバグを直して'],
    ['코드 세션 하나 열어줘. 로그인 버그 고쳐', '로그인 버그 고쳐'],
    ['开个代码会话，修一下登录的bug', '修一下登录的bug'],
    // Office work in a forced session stays forced.
    ['打开 Code 会话，帮我写一封请假邮件', '帮我写一封请假邮件'],
  ] as const) {
    it(`${JSON.stringify(text)} runs ${JSON.stringify(task)}`, () => {
      const d = route(text);
      assert.equal(d.forced, true);
      assert.equal(d.route, 'code');
      assert.equal(d.task, task);
    });
  }

  for (const text of [
    'nie otwieraj sesji Code, po prostu napisz maila do zespołu',
    'не надо открывать Code-сессию, просто напиши письмо клиенту',
    'Code oturumu açmana gerek yok, toplantı notlarını özetle',
    'du behöver inte öppna någon Code-session, skriv bara ett mejl',
    'Code セッションは開かなくていいので、会議のメモを要約して',
    'Code 세션 열 필요 없고, 회의록만 정리해줘',
    '不用开 Code 会话，帮我写一封邮件',
    '如何打开 Code 会话？',
    'jak otworzyć sesję Code?',
  ]) {
    it(`${JSON.stringify(text)} declines or asks about a session: Cowork, not forced`, () => {
      const d = route(text);
      assert.equal(d.forced, false);
      assert.equal(d.route, 'cowork');
    });
  }
});

// From lists K and 4 (written before these rules by people who never read the router), with variants.
describe('the override: "Code mode", "would you mind opening …", questions of how long', () => {
  for (const [text, task] of [
    ["launch Code mode and go through the celery tasks, I think some of them aren't idempotent", "go through the celery tasks, I think some of them aren't idempotent"],
    ['start code mode and fix the flaky test', 'fix the flaky test'],
    ["Hey, would you mind opening a Code session? I'd like help brainstorming names for our new podcast.", "I'd like help brainstorming names for our new podcast."],
    ['do you mind starting a code session and bumping lodash', 'bump lodash'],
  ] as const) {
    it(`${JSON.stringify(text)} forces a Code session`, () => {
      const d = route(text);
      assert.equal(d.forced, true, d.reason);
      assert.equal(d.route, 'code');
      assert.equal(d.task, task);
    });
  }

  for (const text of ['¿cuánto tarda en arrancar una sesión de Code?', 'combien de temps pour ouvrir une session Code ?', 'does opening a code session cost more?', 'what is code mode?', 'open the code mode settings']) {
    it(`${JSON.stringify(text)} forces nothing`, () => assert.equal(route(text).forced, false));
  }

  it('a declined Code session declines the work: "don\'t launch code mode for this, just summarize …" is Cowork', () => {
    const d = route("please don't launch code mode for this, just summarize the Rust 1.80 release post");
    assert.equal(d.forced, false);
    assert.equal(d.route, 'cowork', d.reason);
  });
});
