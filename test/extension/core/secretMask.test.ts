import assert from 'node:assert/strict';
import { MASK, MaskedLines, SecretMask, isSecretName } from '../../../extension/core/secretMask.js';
import { toolEnv } from '../../../extension/core/processTree.js';

describe('masking the secrets the runner knows', () => {
  const env = {
    PATH: '/usr/bin:/bin',
    PWD: '/home/me/projects/secret-sauce',
    HOME: '/home/me',
    ANTHROPIC_API_KEY: 'sk-ant-api03-abcdefghijklmnop',
    GITHUB_TOKEN: 'ghp_0123456789abcdefghij',
    DB_PASSWORD: 'correct-horse-battery',
    DATABASE_URL: 'postgres://app:p%40ss-w0rd-long@db:5432/app',
    DISPATCH_RUNNER_TOKEN: 'runner-token-0123456789',
    SHORT_TOKEN: 'abc',
    DEBUG: 'true',
  };

  it('blanks the values of secret-named variables and URL passwords, nothing else', () => {
    const mask = SecretMask.fromEnv(env);
    const text = `key=${env.ANTHROPIC_API_KEY} gh=${env.GITHUB_TOKEN} pw=${env.DB_PASSWORD} url=${env.DATABASE_URL} decoded=p@ss-w0rd-long runner=${env.DISPATCH_RUNNER_TOKEN} short=abc cwd=${env.PWD} debug=true`;
    assert.equal(
      mask.mask(text),
      `key=${MASK} gh=${MASK} pw=${MASK} url=postgres://app:${MASK}@db:5432/app decoded=${MASK} runner=${MASK} short=abc cwd=/home/me/projects/secret-sauce debug=true`,
    );
  });

  it('reads names the way people write them', () => {
    for (const name of ['OPENAI_API_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'STRIPE_API_KEY', 'NPM_TOKEN', 'MYSQL_PWD', 'SENTRY_DSN', 'CLAUDE_CODE_OAUTH_TOKEN']) {
      assert.ok(isSecretName(name), name);
    }
    for (const name of ['PATH', 'PWD', 'HOME', 'KEYBOARD_LAYOUT', 'LANG', 'TERM', 'PATHEXT']) assert.ok(!isSecretName(name), name);
  });

  it('masks deep inside an event and leaves its shape alone', () => {
    const mask = SecretMask.fromEnv(env);
    const event = { kind: 'result', result: { summary: `leaked ${env.GITHUB_TOKEN}`, tests: { failures: [{ name: 'x', message: env.DB_PASSWORD }] }, durationMs: 12 } };
    assert.deepEqual(mask.maskDeep(event), { kind: 'result', result: { summary: `leaked ${MASK}`, tests: { failures: [{ name: 'x', message: MASK }] }, durationMs: 12 } });
  });

  it('a secret split across two output chunks is still masked in the log', () => {
    const mask = SecretMask.fromEnv(env);
    const written: string[] = [];
    const lines = new MaskedLines(mask, (text) => written.push(text));
    const secret = env.ANTHROPIC_API_KEY;
    lines.push(`first line\nthe key is ${secret.slice(0, 10)}`);
    lines.push(`${secret.slice(10)} and more\nlast without newline ${env.GITHUB_TOKEN}`);
    lines.end();
    assert.equal(written.join(''), `first line\nthe key is ${MASK} and more\nlast without newline ${MASK}`);
  });

  it("a tool's environment is an allowlist: no model keys, no Dispatch or chat tokens, no agent socket, no colour forcing", () => {
    const toolSees = toolEnv({ ...env, SSH_AUTH_SOCK: '/tmp/agent', OPENAI_API_KEY: 'sk-x', LC_CTYPE: 'C.UTF-8', NO_PROXY: 'localhost', FORCE_COLOR: '3', MY_VAR: 'listed' }, ['MY_VAR']);
    assert.deepEqual(toolSees, {
      PATH: '/usr/bin:/bin',
      HOME: '/home/me',
      LC_CTYPE: 'C.UTF-8',
      NO_PROXY: 'localhost',
      MY_VAR: 'listed',
      CI: '1',
      npm_config_update_notifier: 'false',
    });
  });
});
