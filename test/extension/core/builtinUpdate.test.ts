import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { git, makeRepo } from '../../helpers/gitRepos.js';
import { Harness, job, waitForEnd } from './harness.js';

/** A small real package from the registry: no dependencies of its own, majors 6 and 7 exist. */
const PACKAGE = 'is-number';

function registryReachable(): boolean {
  return spawnSync('npm', ['view', `${PACKAGE}@7`, 'version'], { encoding: 'utf8', timeout: 30_000 }).status === 0;
}

describe('builtin agent: "update X to N"', function () {
  this.timeout(180_000);
  const h = new Harness();
  after(() => h.cleanup());

  it('changes only the manifest and the lockfile with npm, commits them, and reports the version change and the tests', async function () {
    if (!registryReachable()) this.skip(); // the npm registry is not reachable from here
    const repo = makeRepo(path.join(h.temp.make(), 'app'), {
      'package.json': JSON.stringify({ name: 'app', private: true, scripts: { test: 'node --test' }, dependencies: { [PACKAGE]: '^6.0.0' } }, null, 2),
      'test/n.test.js': `const test = require('node:test'); const assert = require('node:assert');\ntest('numbers', () => assert.equal(require('${PACKAGE}')(5), true));\n`,
      '.gitignore': 'node_modules/\n',
    });
    execFileSync('npm', ['install', '--package-lock-only', '--no-audit', '--no-fund'], { cwd: repo, stdio: 'ignore' });
    git(repo, ['add', '--all']);
    git(repo, ['commit', '--quiet', '-m', 'lockfile']);
    const runner = h.runner({ repos: [{ name: 'app', path: repo }] });
    await runner.start();
    const { sessionId } = await runner.submit(job(`bump ${PACKAGE} to 7 please`));
    const asked: string[] = [];
    runner.onEvent((event) => {
      if (event.sessionId !== sessionId || event.kind !== 'approval_requested') return;
      asked.push((event.request.command ?? []).join(' '));
      runner.decide(sessionId, { requestId: event.request.requestId, decision: 'approve_once' });
    });
    const end = await waitForEnd(runner, sessionId, 170_000);
    assert.equal(end.state, 'completed', end.result?.summary);
    assert.deepEqual(asked, [`npm install --no-audit --no-fund ${PACKAGE}@7`, 'npm test']);
    const branch = end.result?.branch ?? '';
    assert.match(branch, /^dispatch\//);
    assert.deepEqual(git(repo, ['diff', '--name-only', `main..${branch}`]).trim().split('\n'), ['package-lock.json', 'package.json']);
    assert.equal(git(repo, ['rev-list', '--count', `main..${branch}`]).trim(), '1');
    const manifest = JSON.parse(git(repo, ['show', `${branch}:package.json`])) as { dependencies: Record<string, string> };
    assert.match(manifest.dependencies[PACKAGE] ?? '', /^\^7\./);
    assert.match(end.result?.summary ?? '', new RegExp(`Updated ${PACKAGE} \\^6\\.0\\.0 → \\^7\\.`));
    assert.match(end.result?.summary ?? '', /Tests passed: 1 passed, 0 failed/);
    assert.match(end.result?.diffstat ?? '', /package\.json/);
    assert.equal(JSON.parse(git(repo, ['show', 'main:package.json'])).dependencies[PACKAGE], '^6.0.0', 'main is untouched');
  });

  it('"update the dev dependencies": moves each within its range with npm, commits manifest and lockfile, runs the tests', async function () {
    if (!registryReachable()) this.skip(); // the npm registry is not reachable from here
    // ms has 2.0.0 … 2.1.3 in range ^2.0.0; the lockfile starts at 2.0.0.
    const repo = makeRepo(path.join(h.temp.make(), 'app'), {
      'package.json': JSON.stringify({ name: 'app', private: true, scripts: { test: 'node --test' }, devDependencies: { ms: '2.0.0' } }, null, 2),
      'test/ms.test.js': "const test = require('node:test'); const assert = require('node:assert');\ntest('ms', () => assert.equal(require('ms')('1s'), 1000));\n",
      '.gitignore': 'node_modules/\n',
    });
    execFileSync('npm', ['install', '--package-lock-only', '--no-audit', '--no-fund'], { cwd: repo, stdio: 'ignore' });
    writeFileSync(path.join(repo, 'package.json'), JSON.stringify({ name: 'app', private: true, scripts: { test: 'node --test' }, devDependencies: { ms: '^2.0.0' } }, null, 2));
    execFileSync('npm', ['install', '--package-lock-only', '--no-audit', '--no-fund'], { cwd: repo, stdio: 'ignore' });
    git(repo, ['add', '--all']);
    git(repo, ['commit', '--quiet', '-m', 'lockfile at ms 2.0.0']);
    const runner = h.runner({ repos: [{ name: 'app', path: repo }] });
    await runner.start();
    const { sessionId } = await runner.submit(job('update the dev dependencies'));
    const asked: string[] = [];
    runner.onEvent((event) => {
      if (event.sessionId !== sessionId || event.kind !== 'approval_requested') return;
      asked.push((event.request.command ?? []).join(' '));
      runner.decide(sessionId, { requestId: event.request.requestId, decision: 'approve_once' });
    });
    const end = await waitForEnd(runner, sessionId, 170_000);
    assert.equal(end.state, 'completed', end.result?.summary);
    assert.deepEqual(asked, ['npm update --save --no-audit --no-fund ms', 'npm test']);
    const branch = end.result?.branch ?? '';
    assert.deepEqual(git(repo, ['diff', '--name-only', `main..${branch}`]).trim().split('\n'), ['package-lock.json', 'package.json']);
    const lock = JSON.parse(git(repo, ['show', `${branch}:package-lock.json`])) as { packages: Record<string, { version: string }> };
    assert.match(lock.packages['node_modules/ms']?.version ?? '', /^2\.1\.\d+$/, 'the newest 2.x, not 2.0.0');
    assert.match(end.result?.summary ?? '', /^Updated the dev dependencies \(ms \^2\.0\.0 → \^2\.1\.\d+\)/);
    assert.match(end.result?.summary ?? '', /Tests passed: 1 passed, 0 failed/);
  });

  it('says so when the package is not a dependency, and changes nothing', async () => {
    const repo = makeRepo(path.join(h.temp.make(), 'app'), { 'package.json': JSON.stringify({ name: 'app', dependencies: {} }) });
    const runner = h.runner({ repos: [{ name: 'app', path: repo }] });
    const { sessionId } = await runner.submit(job('update react to 19'));
    const end = await waitForEnd(runner, sessionId);
    assert.equal(end.state, 'failed');
    assert.equal(end.result?.summary, 'Did not update react: react is not a dependency in package.json.');
    assert.equal(git(repo, ['branch', '--list', 'dispatch/*']).trim(), '');
  });
});

describe('dependency plans', () => {
  it('moves react-dom and @types/react with react, each in its own section', async () => {
    const { planDependencyUpdate } = await import('../../../extension/core/agents/dependencyPlan.js');
    const h = new Harness();
    try {
      const dir = makeRepo(path.join(h.temp.make(), 'web'), {
        'package.json': JSON.stringify({ dependencies: { react: '^18.2.0', 'react-dom': '^18.2.0', axios: '^1.6.0' }, devDependencies: { '@types/react': '^18.0.0' } }),
        'pnpm-lock.yaml': 'lockfileVersion: 9\n',
      });
      // pnpm on PATH (any executable named so): the plan runs it directly, not through npx.
      const bin = h.temp.make();
      symlinkSync(process.execPath, path.join(bin, 'pnpm'));
      const plan = planDependencyUpdate(dir, [{ name: 'react', version: '19' }], { PATH: bin });
      assert.ok(typeof plan !== 'string');
      assert.deepEqual(plan.commands, [['pnpm', 'add', 'react@19', 'react-dom@19'], ['pnpm', 'add', '-D', '@types/react@19']]);
      assert.deepEqual(plan.files, ['package.json', 'pnpm-lock.yaml']);
    } finally {
      h.temp.cleanup();
    }
  });
});
