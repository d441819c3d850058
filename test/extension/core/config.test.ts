import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { resolveCommand, toolEnv } from '../../../extension/core/processTree.js';
import { loadRunnerConfig } from '../../../extension/core/runnerConfig.js';
import { makeRepo, TempDirs } from '../../helpers/gitRepos.js';

describe('runner configuration', () => {
  const temp = new TempDirs();
  after(() => temp.cleanup());

  it('has defaults: ~/.dispatch, 2 sessions, 30 / 15 minutes, worktrees kept 7 days, builtin, the repository containing cwd', () => {
    const repo = makeRepo(path.join(temp.make(), 'my-project'));
    const config = loadRunnerConfig({}, repo);
    assert.deepEqual(config, {
      home: path.join(os.homedir(), '.dispatch'),
      maxSessions: 2,
      approvalTtlMinutes: 30,
      approvalRemindMinutes: 15,
      worktreeRetentionMs: 7 * 24 * 3_600_000,
      agent: 'builtin',
      repos: [{ name: 'my-project', path: repo }],
      depsCacheMaxBytes: 5_000_000_000,
      depsCacheNoLockfileTtlMs: 24 * 3_600_000,
      worktreePool: 1,
    });
  });

  it('reads the warm-start settings: a cache bound like "500MB" or "5GB", and the pool size (0 turns each off)', () => {
    const cwd = temp.make();
    assert.equal(loadRunnerConfig({ DISPATCH_DEPS_CACHE_MAX: '500MB' }, cwd).depsCacheMaxBytes, 500_000_000);
    assert.equal(loadRunnerConfig({ DISPATCH_DEPS_CACHE_MAX: '5GB' }, cwd).depsCacheMaxBytes, 5_000_000_000);
    assert.equal(loadRunnerConfig({ DISPATCH_DEPS_CACHE_MAX: '1.5 GiB' }, cwd).depsCacheMaxBytes, 1.5 * 1024 ** 3);
    assert.equal(loadRunnerConfig({ DISPATCH_DEPS_CACHE_MAX: '0' }, cwd).depsCacheMaxBytes, 0);
    assert.equal(loadRunnerConfig({ DISPATCH_DEPS_CACHE_NO_LOCKFILE_TTL: '3h' }, cwd).depsCacheNoLockfileTtlMs, 3 * 3_600_000);
    assert.equal(loadRunnerConfig({ DISPATCH_DEPS_CACHE_NO_LOCKFILE_TTL: '0' }, cwd).depsCacheNoLockfileTtlMs, 0);
    assert.throws(() => loadRunnerConfig({ DISPATCH_DEPS_CACHE_NO_LOCKFILE_TTL: 'a day' }, cwd), { code: 'bad_config', message: /DISPATCH_DEPS_CACHE_NO_LOCKFILE_TTL.*24h/ });
    assert.equal(loadRunnerConfig({ DISPATCH_WORKTREE_POOL: '0' }, cwd).worktreePool, 0);
    assert.equal(loadRunnerConfig({ DISPATCH_WORKTREE_POOL: '3' }, cwd).worktreePool, 3);
    assert.throws(() => loadRunnerConfig({ DISPATCH_DEPS_CACHE_MAX: 'lots' }, cwd), { code: 'bad_config', message: /DISPATCH_DEPS_CACHE_MAX.*5GB/ });
    assert.throws(() => loadRunnerConfig({ DISPATCH_WORKTREE_POOL: '-1' }, cwd), { code: 'bad_config', message: /DISPATCH_WORKTREE_POOL/ });
  });

  it('reads every variable, and DISPATCH_REPOS as name=path pairs', () => {
    const cwd = temp.make();
    const config = loadRunnerConfig(
      {
        DISPATCH_HOME: 'state',
        DISPATCH_MAX_SESSIONS: '4',
        DISPATCH_APPROVAL_TTL_MINUTES: '60',
        DISPATCH_APPROVAL_REMIND_MINUTES: '5',
        DISPATCH_AGENT: 'claude',
        DISPATCH_REPOS: 'backend=/srv/backend, web=../web',
      },
      cwd,
    );
    assert.equal(config.home, path.join(cwd, 'state'));
    assert.equal(config.maxSessions, 4);
    assert.equal(config.agent, 'claude');
    assert.deepEqual(config.repos, [
      { name: 'backend', path: path.resolve('/srv/backend') },
      { name: 'web', path: path.resolve(cwd, '../web') },
    ]);
  });

  it('names the bad variable', () => {
    assert.throws(() => loadRunnerConfig({ DISPATCH_MAX_SESSIONS: '0' }, temp.make()), { code: 'bad_config', message: /DISPATCH_MAX_SESSIONS/ });
    assert.throws(() => loadRunnerConfig({ DISPATCH_REPOS: 'no-equals-sign' }, temp.make()), { code: 'bad_config', message: /DISPATCH_REPOS/ });
    assert.throws(() => loadRunnerConfig({ DISPATCH_AGENT: '--evil' }, temp.make()), { code: 'bad_config', message: /DISPATCH_AGENT/ });
  });
});

describe('spawning tools', () => {
  it('runs argument arrays as they are on POSIX', () => {
    assert.deepEqual(resolveCommand(['npm', 'test'], 'linux'), { file: 'npm', args: ['test'], verbatim: false });
  });

  it('on Windows runs npm through node and its JS entry, and refuses unsafe arguments to .cmd shims', () => {
    const resolved = resolveCommand(['pnpm', 'run', 'lint'], 'win32', 'C:\\node\\node.exe');
    assert.deepEqual(resolved, { file: 'cmd.exe', args: ['/d', '/s', '/c', '"pnpm.cmd run lint"'], verbatim: true });
    assert.throws(() => resolveCommand(['yarn', 'run', 'x & calc'], 'win32', 'C:\\node\\node.exe'), { code: 'bad_input' });
    assert.deepEqual(resolveCommand(['go', 'test', './...'], 'win32'), { file: 'go', args: ['test', './...'], verbatim: false });
  });

  it("keeps Dispatch's and chat platforms' secrets out of a tool's environment", () => {
    const env = toolEnv({ PATH: '/bin', DISPATCH_RUNNER_TOKEN: 't', SLACK_BOT_TOKEN: 'x', GITHUB_TOKEN: 'g', HOME: '/h' });
    assert.equal(env.PATH, '/bin');
    assert.equal(env.HOME, '/h');
    assert.equal(env.CI, '1');
    for (const key of ['DISPATCH_RUNNER_TOKEN', 'SLACK_BOT_TOKEN', 'GITHUB_TOKEN']) assert.equal(env[key], undefined);
  });
});
