import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, type CliResult } from '../../helpers/cliRun.js';

const root = join(import.meta.dirname, '..', '..', '..');

const run = (argv: string[], stdin = '', env: Record<string, string> = {}): Promise<CliResult> => runCli(argv, { stdin, env, cwd: root });

describe('the dispatch command line', () => {
  it('prints help listing the commands, and the version', async () => {
    const help = await run(['--help']);
    assert.equal(help.code, 0);
    for (const command of ['start', 'bridge', 'runner', 'pair', 'route']) assert.match(help.out, new RegExp(`\\n  ${command} `));
    const version = await run(['--version']);
    assert.equal(version.out.trim(), JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version);
  });

  it('explains every command with --help', async () => {
    for (const command of ['start', 'bridge', 'pair', 'route']) {
      const { code, out } = await run([command, '--help']);
      assert.equal(code, 0, command);
      assert.match(out, new RegExp(`^Usage: dispatch ${command}`), command);
    }
    for (const argv of [['runner', '--help'], ['runner', 'prune', '--help']]) {
      const { code, out } = await run(argv);
      assert.equal(code, 0, argv.join(' '));
      assert.match(out, /dispatch runner prune \[--older-than 7d\]/);
    }
  });

  it('fails clearly on an unknown command or flag', async () => {
    const unknown = await run(['deploy']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /unknown command 'deploy'/);
    const badFlag = await run(['route', '--jsnl']);
    assert.equal(badFlag.code, 2);
    assert.match(badFlag.err, /Unknown option '--jsnl'/);
  });

  it('routes one message to a JSON object', async () => {
    const { code, out } = await run(['route', 'please open a code session and draft the release notes in the api repo']);
    assert.equal(code, 0);
    const decision = JSON.parse(out);
    assert.deepEqual([decision.route, decision.forced, decision.repoHint], ['code', true, 'api']);
    assert.equal(decision.task, 'draft the release notes in the api repo');
  });

  it('routes JSON lines in order and reports a malformed line without stopping', async () => {
    const input = ['{"text":"fix the flaky login test"}', 'not json', '{"nope":1}', '{"text":"summarize this article for me"}', ''].join('\n');
    const { code, out } = await run(['route', '--jsonl'], input);
    assert.equal(code, 0);
    const lines = out.trim().split('\n').map((line) => JSON.parse(line));
    assert.equal(lines.length, 4);
    assert.equal(lines[0].route, 'code');
    assert.match(lines[1].error, /line 2: not valid JSON/);
    assert.match(lines[2].error, /line 3: .*"text"/);
    assert.equal(lines[3].route, 'cowork');
  });

  it('names the bad setting and starts nothing when the configuration is invalid', async () => {
    const { code, err } = await run(['start'], '', { DISPATCH_PORT: 'seventy', DISPATCH_HOME: '/nonexistent/dispatch-home' });
    assert.equal(code, 2);
    assert.match(err, /DISPATCH_PORT: must be a number/);
    assert.equal(existsSync('/nonexistent/dispatch-home'), false);
  });

  it('runs as an installed command (node bin/dispatch.js) once built', function () {
    if (!existsSync(join(root, 'dist', 'bridge', 'cli', 'main.js'))) this.skip();
    const out = execFileSync(process.execPath, [join(root, 'bin', 'dispatch.js'), 'route', 'run the tests'], { encoding: 'utf8' });
    assert.equal(JSON.parse(out).route, 'code');
    const failed = spawnSync(process.execPath, [join(root, 'bin', 'dispatch.js'), 'nonsense'], { encoding: 'utf8' });
    assert.equal(failed.status, 2);
  });
});

describe('the printed web chat link', () => {
  it('names the LAN addresses, not 0.0.0.0, when the bridge listens on every interface', async () => {
    const { lanUrls } = await import('../../../bridge/cli/lanUrls.js');
    for (const url of lanUrls('http://0.0.0.0:7878/?token=abc')) {
      assert.doesNotMatch(url, /0\.0\.0\.0/);
      assert.match(url, /^http:\/\/\d+\.\d+\.\d+\.\d+:7878\/\?token=abc$/);
    }
    assert.deepEqual(lanUrls('http://127.0.0.1:7878/?token=abc'), ['http://127.0.0.1:7878/?token=abc']);
  });
});
