import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { makeRepo } from '../../helpers/gitRepos.js';
import { MASK } from '../../../extension/core/secretMask.js';
import { Harness, job, waitForApproval, waitForEnd } from './harness.js';

/** What a careless (or hostile) repository's test does: dump the environment, and print a key it found in a file. */
const DUMPING_PROJECT = {
  'package.json': JSON.stringify({ name: 'env-dump', private: true, scripts: { test: 'node dump.js' } }, null, 2),
  'dump.js': [
    "const fs = require('node:fs');",
    "fs.writeFileSync('env-dump.json', JSON.stringify(process.env, null, 2));",
    "console.log('environment:', JSON.stringify(process.env));",
    "console.log('key from the fixture file: ' + fs.readFileSync('fixtures/stripe.txt', 'utf8').trim());",
    "console.error('db: ' + fs.readFileSync('fixtures/db.txt', 'utf8').trim());",
    '// A failing run: its report quotes the end of the output, so the printed key would reach the chat.',
    'process.exitCode = 1;',
    '',
  ].join('\n'),
  'fixtures/stripe.txt': 'sk_live_51HcFakeStripeKey0123456789abcdef\n',
  'fixtures/db.txt': 'postgres://app:Hunter2-db-Passw0rd@db.internal:5432/app\n',
  '.gitignore': 'env-dump.json\n',
};

/** The runner's own environment in the probe: secrets a user has lying around, and Dispatch's. */
const RUNNER_ENV: Record<string, string> = {
  ANTHROPIC_API_KEY: 'sk-ant-api03-runner-key-0123456789',
  OPENAI_API_KEY: 'sk-proj-openai-runner-key-0123456789',
  AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  DATABASE_URL: 'postgres://app:Hunter2-db-Passw0rd@db.internal:5432/app',
  STRIPE_API_KEY: 'sk_live_51HcFakeStripeKey0123456789abcdef',
  SSH_AUTH_SOCK: '/tmp/ssh-XXXXabcd/agent.4242',
  DISPATCH_RUNNER_TOKEN: 'dispatch-runner-token-0123456789',
  DISPATCH_WEB_TOKEN: 'dispatch-web-token-0123456789',
  SLACK_BOT_TOKEN: 'xoxb-0123456789-slack-bot',
  LC_ALL: 'C.UTF-8',
  TZ: 'Europe/Paris',
  https_proxy: 'http://proxy.internal:3128',
};

describe("what a session's processes see", function () {
  this.timeout(30_000);
  const h = new Harness();
  const saved: Record<string, string | undefined> = {};
  beforeEach(() => {
    for (const [name, value] of Object.entries(RUNNER_ENV)) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
  });
  afterEach(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    h.cleanup();
  });

  it("a test that dumps its environment sees no secret, and what it prints from a file is masked in the log and events", async () => {
    const repo = makeRepo(path.join(h.temp.make(), 'dumper'), DUMPING_PROJECT);
    const home = h.temp.make('dispatch-home-');
    const runner = h.runner({ home, repos: [{ name: 'dumper', path: repo }] });
    const started = await runner.submit(job('run the tests'));
    const request = await waitForApproval(runner, started.sessionId);
    runner.decide(started.sessionId, { requestId: request.requestId, decision: 'approve_once' });
    const ended = await waitForEnd(runner, started.sessionId);
    assert.equal(ended.state, 'failed', 'the tests failed');

    // Read from the session log: a session that changed nothing keeps no worktree to look in.
    const log = readFileSync(ended.result!.logFile!, 'utf8');
    const dumped = log.split('\n').find((line) => line.startsWith('environment: '));
    assert.ok(dumped, 'the test printed its environment');
    const seen = JSON.parse(dumped.slice('environment: '.length)) as Record<string, string>;
    for (const name of ['ANTHROPIC_API_KEY', 'OPENAI_API_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'DATABASE_URL', 'STRIPE_API_KEY', 'SSH_AUTH_SOCK', 'SLACK_BOT_TOKEN']) {
      assert.equal(seen[name], undefined, `${name} reached the test`);
    }
    assert.deepEqual(Object.keys(seen).filter((name) => name.startsWith('DISPATCH_')), []);
    // What a tool needs to work still arrives.
    assert.ok(seen.PATH?.endsWith(process.env.PATH!), 'PATH (npm puts its bin folders first)');
    assert.equal(seen.HOME, process.env.HOME);
    assert.equal(seen.LC_ALL, 'C.UTF-8');
    assert.equal(seen.TZ, 'Europe/Paris');
    assert.equal(seen.https_proxy, 'http://proxy.internal:3128');
    assert.equal(seen.NO_COLOR, undefined, "NO_COLOR would change what the project's own tests see");
    assert.equal(seen.FORCE_COLOR, undefined, 'old supports-color turns colour on when FORCE_COLOR is set at all');

    assert.match(log, new RegExp(`key from the fixture file: ${escape(MASK)}`));
    assert.match(log, new RegExp(`db: postgres://app:${escape(MASK)}@db\\.internal`));
    const events = JSON.stringify(runner.unacknowledged().filter((event) => event.sessionId === started.sessionId));
    assert.match(events, new RegExp(`key from the fixture file: ${escape(MASK)}`), 'the output excerpt reached the events, masked');
    for (const value of Object.values(RUNNER_ENV).filter((v) => /key|token|Passw0rd|EXAMPLE/i.test(v))) {
      assert.ok(!log.includes(value), `the log holds ${value}`);
      assert.ok(!events.includes(value), `an event holds ${value}`);
    }
  });
});

/**
 * commander.js's own colour tests, in small: set FORCE_COLOR, expect colour on, unless
 * NO_COLOR is set. They pass in a terminal and on CI; a runner that sets NO_COLOR fails them.
 */
const COLOUR_PROJECT = {
  'package.json': JSON.stringify({ name: 'colour-tests', private: true, scripts: { test: 'node --test' } }, null, 2),
  'colour.test.js': [
    "const test = require('node:test');",
    "const assert = require('node:assert/strict');",
    'const hasColours = () => !process.env.NO_COLOR && Boolean(process.env.FORCE_COLOR);',
    "test('FORCE_COLOR turns colour on', () => {",
    "  process.env.FORCE_COLOR = '1';",
    '  assert.equal(hasColours(), true);',
    '});',
    '',
  ].join('\n'),
};

describe('a project whose tests read the colour variables', function () {
  this.timeout(30_000);
  const h = new Harness();
  afterEach(() => h.cleanup());

  it('passes under Dispatch as it does in a terminal', async () => {
    const repo = makeRepo(path.join(h.temp.make(), 'colour'), COLOUR_PROJECT);
    const runner = h.runner({ home: h.temp.make('dispatch-home-'), repos: [{ name: 'colour', path: repo }] });
    const started = await runner.submit(job('run the tests'));
    const request = await waitForApproval(runner, started.sessionId);
    runner.decide(started.sessionId, { requestId: request.requestId, decision: 'approve_once' });
    const ended = await waitForEnd(runner, started.sessionId);
    assert.equal(ended.state, 'completed', readFileSync(ended.result!.logFile!, 'utf8'));
    assert.match(ended.result!.summary ?? '', /passed/);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
