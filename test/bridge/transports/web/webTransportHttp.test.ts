import assert from 'node:assert/strict';
import { newLoginToken, loginUrl } from '../../../../bridge/transports/web/webAuth.js';
import { signIn, startHarness, TOKEN, upgradeStatus, type Harness } from './webHarness.js';

describe('web chat: sign-in and pages', () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startHarness();
  });
  afterEach(async () => {
    await harness.close();
  });

  it('the token URL sets an HttpOnly, SameSite=Strict cookie and redirects to a clean /', async () => {
    const response = await fetch(`${harness.base}/?token=${TOKEN}`, { redirect: 'manual' });
    assert.equal(response.status, 303);
    assert.equal(response.headers.get('location'), '/');
    const cookie = response.headers.get('set-cookie') ?? '';
    assert.match(cookie, /^dispatch_session=[\w-]+;/);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    assert.ok(!cookie.includes(TOKEN), 'the cookie is not the token itself');
  });

  it('with the cookie, / serves the chat page under a strict CSP', async () => {
    const cookie = await signIn(harness.base);
    const response = await fetch(`${harness.base}/`, { headers: { cookie } });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(await response.text(), /<script type="module" src="\/chat\.js">/);
    const csp = response.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'/);
    assert.match(csp, /connect-src 'self'/);
    assert.ok(!csp.includes('unsafe-inline'));
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
  });

  it('without a cookie, or with a wrong token, / answers 401 with the "open the link" page', async () => {
    for (const url of [`${harness.base}/`, `${harness.base}/?token=wrong`, `${harness.base}/?token=`]) {
      const response = await fetch(url, { redirect: 'manual', headers: { cookie: 'dispatch_session=forged' } });
      assert.equal(response.status, 401, url);
      assert.equal(response.headers.get('set-cookie'), null, url);
      assert.match(await response.text(), /Open the link printed in the terminal/);
    }
  });

  it('serves the page scripts and styles with their types and nosniff', async () => {
    for (const [path, type] of [
      ['/chat.js', 'text/javascript'],
      ['/chatView.js', 'text/javascript'],
      ['/chat.css', 'text/css'],
      ['/icon.svg', 'image/svg+xml'],
    ] as const) {
      const response = await fetch(`${harness.base}${path}`);
      assert.equal(response.status, 200, path);
      assert.ok(response.headers.get('content-type')?.startsWith(type), path);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    }
  });

  it('leaves other paths to the bridge', async () => {
    for (const path of ['/runner', '/healthz', '/public/chat.js', '/../package.json']) {
      const response = await fetch(`${harness.base}${path}`);
      assert.equal(response.status, 404, path);
      assert.equal(await response.text(), 'not the web chat', path);
    }
  });

  it('refuses writes to its pages', async () => {
    const response = await fetch(`${harness.base}/`, { method: 'POST', body: 'x' });
    assert.equal(response.status, 405);
  });

  it('refuses the chat socket without a cookie, with a wrong one, or from another origin', async () => {
    const cookie = await signIn(harness.base);
    assert.equal(await upgradeStatus(harness.base, { origin: harness.base }), 401);
    assert.equal(await upgradeStatus(harness.base, { origin: harness.base, cookie: 'dispatch_session=forged' }), 401);
    assert.equal(await upgradeStatus(harness.base, { origin: 'http://evil.example', cookie }), 403);
    assert.equal(await upgradeStatus(harness.base, { cookie }), 403, 'no Origin at all');
    assert.equal(await upgradeStatus(harness.base, { origin: harness.base, cookie }), 101);
  });

  it('prints a login URL that carries the token, and makes fresh unguessable tokens', () => {
    assert.equal(loginUrl('http://127.0.0.1:7878', 'abc'), 'http://127.0.0.1:7878/?token=abc');
    const token = newLoginToken();
    assert.match(token, /^[\w-]{32}$/);
    assert.notEqual(token, newLoginToken());
  });
});
