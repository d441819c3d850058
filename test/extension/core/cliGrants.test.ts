import assert from 'node:assert/strict';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { runRunnerCommand } from '../../../extension/core/cli/runnerCommand.js';
import { makeRepo, nodeTestProject, TempDirs } from '../../helpers/gitRepos.js';

async function dispatchRunner(argv: string[], options: { home: string; cwd: string; input?: string }): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  stdin.end(options.input ?? '');
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, DISPATCH_HOME: options.home };
  const code = await runRunnerCommand(argv, { stdout, stderr, stdin, env, cwd: options.cwd });
  return { code, stdout: out, stderr: err };
}

describe('dispatch runner (CLI): grants between runs', function () {
  this.timeout(60_000);
  const temp = new TempDirs();
  after(() => temp.cleanup());

  it('"a" on the terminal covers the next run in the same repository: it says so instead of asking', async () => {
    const home = temp.make();
    const repo = makeRepo(path.join(temp.make(), 'app'), nodeTestProject('passing'));
    const first = await dispatchRunner(['--task', 'run the tests'], { home, cwd: repo, input: 'a\n' });
    assert.equal(first.code, 0, first.stderr);
    const second = await dispatchRunner(['--task', 'run the tests'], { home, cwd: repo });
    assert.equal(second.code, 0, second.stderr);
    assert.doesNotMatch(second.stderr + second.stdout, /Approve\?/, 'the second run does not ask');
    assert.match(second.stdout, /approved by a grant \(until \d\d:\d\d UTC\): Run `npm test`/);
  });

  it('--yes leaves no grant behind: the next run without it asks', async () => {
    const home = temp.make();
    const repo = makeRepo(path.join(temp.make(), 'app'), nodeTestProject('passing'));
    const yes = await dispatchRunner(['--task', 'run the tests', '--yes'], { home, cwd: repo });
    assert.equal(yes.code, 0, yes.stderr);
    const next = await dispatchRunner(['--task', 'run the tests'], { home, cwd: repo, input: 'n\n' });
    assert.match(next.stderr + next.stdout, /Approve\? Run `npm test`/, 'asked, not waved through by the earlier --yes');
    assert.equal(next.code, 1);
  });
});
