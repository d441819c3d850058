import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DepsCache } from '../../../extension/core/depsCache.js';
import { git, makeRepo, TempDirs, writeFiles } from '../../helpers/gitRepos.js';
import { buildSdist, buildWheel, localRequirements, tinyPackageSource } from '../../helpers/pythonPackages.js';
import { Harness, job, waitForEnd } from './harness.js';
import { approveAll, entriesReady } from './warmPool.js';

/**
 * A Python project whose dependencies are two local packages: tinypkg (a wheel, with a
 * console script) and tinysrc (an sdist pip builds at install time). Its tests check
 * that the venv works, that it is this worktree's own (bin/ scripts and activate name
 * it), and plant a file in site-packages, failing if one is there already.
 */
function project(requirements: string): Record<string, string> {
  return {
    'requirements.txt': requirements,
    '.gitignore': '.venv/\n__pycache__/\n.pytest_cache/\n',
    'tests/test_app.py': [
      'import os, subprocess, sys',
      'import tinypkg, tinysrc',
      '',
      'def test_the_packages_work():',
      '    assert tinypkg.answer() == 42',
      "    assert tinysrc.word() == 'built'",
      '',
      'def test_the_venv_is_this_worktrees_own():',
      "    venv = os.path.realpath(os.path.join(os.getcwd(), '.venv'))",
      '    assert os.path.realpath(sys.prefix) == venv',
      "    with open(os.path.join(venv, 'bin', 'tinycli')) as script:",
      "        assert script.readline().strip() == '#!' + os.path.join(venv, 'bin', 'python')",
      "    with open(os.path.join(venv, 'bin', 'activate')) as activate:",
      '        assert venv in activate.read()',
      "    assert subprocess.run([os.path.join(venv, 'bin', 'tinycli')], capture_output=True, text=True).stdout.strip() == '42'",
      '',
      'def test_starts_from_a_pristine_venv():',
      "    planted = os.path.join(os.path.dirname(tinypkg.__file__), 'planted.txt')",
      "    assert not os.path.exists(planted), 'a file planted by an earlier session'",
      "    with open(planted, 'w') as out:",
      "        out.write('from ' + os.getcwd())",
      '',
    ].join('\n'),
  };
}

const TINYPKG = (version: string) => ({ name: 'tinypkg', version, code: 'def answer():\n    return 42\n\ndef main():\n    print(answer())\n', script: 'tinycli = tinypkg:main' });
const TINYSRC = { name: 'tinysrc', version: '1.0', code: "def word():\n    return 'built'\n" };

function sessionLog(end: Awaited<ReturnType<typeof waitForEnd>>): string {
  return readFileSync(end.result?.logFile ?? '', 'utf8');
}

/**
 * Makes `dir/.venv` and installs `dir/requirements.txt` into it with pip, as a session's
 * install does — but without pip in the venv (the machine's pip installs into it through
 * --python), which takes seconds less per venv.
 */
function installVenv(dir: string, pipCache: string): void {
  execFileSync('python3', ['-m', 'venv', '--without-pip', '--system-site-packages', '.venv'], { cwd: dir, stdio: 'pipe', timeout: 120_000 });
  const pip = ['-m', 'pip', '--python', path.join(dir, '.venv', 'bin', 'python'), 'install', '--quiet', '-r', 'requirements.txt'];
  execFileSync('python3', pip, { cwd: dir, stdio: 'pipe', timeout: 120_000, env: { ...process.env, PIP_CACHE_DIR: pipCache } });
}

describe('warm starts: Python venvs from the cache', function () {
  this.timeout(240_000);
  const h = new Harness();
  const fixtures = new TempDirs();
  let wheels = '';

  before(function () {
    const parent = fixtures.make('py-src-');
    wheels = fixtures.make('py-wheels-');
    try {
      buildWheel(parent, wheels, TINYPKG('1.0'));
      buildWheel(parent, wheels, TINYPKG('1.1'));
      buildSdist(parent, wheels, TINYSRC);
    } catch {
      this.skip(); // no python3 with pip and venv
    }
  });
  after(() => fixtures.cleanup());
  afterEach(() => h.cleanup());

  it('the second session gets a copy of the venv (nothing asked) and its tests pass; a changed lock installs afresh from pip\'s cache', async () => {
    const repo = makeRepo(path.join(h.temp.make(), 'app'), project(localRequirements(wheels, ['tinypkg==1.0', 'tinysrc==1.0'])));
    const home = h.temp.make('dispatch-home-');
    const runner = h.runner({ home, repos: [{ name: 'app', path: repo }] });
    const asked = approveAll(runner);

    const first = await runner.submit(job('run the tests'));
    const firstEnd = await waitForEnd(runner, first.sessionId, 200_000);
    assert.equal(firstEnd.state, 'completed', firstEnd.result?.summary);
    // The session's worktree is removed when the session ends unchanged: its venv's python is read from the approvals.
    const venvPython = asked[1]?.[0] ?? '';
    assert.match(venvPython, /\/worktrees\/app\/[^/]+\/\.venv\/bin\/python$/);
    assert.deepEqual(asked, [['python3', '-m', 'venv', '--system-site-packages', '.venv'], [venvPython, '-m', 'pip', 'install', '-r', 'requirements.txt'], [venvPython, '-m', 'pytest']]);
    assert.equal(firstEnd.result?.tests?.passed, 3, firstEnd.result?.summary);
    assert.match(firstEnd.result?.summary ?? '', /Dependencies: installed \(\d+\.\d s\)\./);
    assert.match(sessionLog(firstEnd), /Building wheel for tinysrc/, 'the first install builds the sdist');

    asked.length = 0;
    const second = await runner.submit(job('run the tests'));
    const secondEnd = await waitForEnd(runner, second.sessionId, 60_000);
    assert.equal(secondEnd.state, 'completed', secondEnd.result?.summary);
    assert.equal(secondEnd.result?.tests?.passed, 3, `its own venv, and nothing planted by the first session: ${secondEnd.result?.summary}`);
    assert.equal(asked.length, 1, `no venv made, no install asked for: ${JSON.stringify(asked)}\n${sessionLog(secondEnd)}`);
    assert.deepEqual(asked[0]?.slice(1), ['-m', 'pytest']);
    assert.match(asked[0]?.[0] ?? '', /\/worktrees\/app\/[^/]+\/\.venv\/bin\/python$/);
    assert.notEqual(asked[0]?.[0], venvPython, "the second session's own venv");
    assert.match(secondEnd.result?.summary ?? '', /Dependencies: from cache \(lockfile [0-9a-f]{8}…, \d+\.\d s\)\./);
    assert.match(sessionLog(secondEnd), /\[dispatch\] dependencies: from cache \(lockfile [0-9a-f]{8}…/);

    assert.equal(existsSync(path.join(repo, '.venv')), false, "the user's checkout got no venv");
    const entries = path.join(home, 'deps-cache', 'entries');
    await entriesReady(entries, 1); // the first install's background copy into the cache
    await runner.stop();
    const [entry = ''] = readdirSync(entries);
    const site = path.join(entries, entry, 'tree', 'lib', readdirSync(path.join(entries, entry, 'tree', 'lib'))[0] ?? '', 'site-packages');
    assert.equal(existsSync(path.join(site, 'tinypkg', 'planted.txt')), false, 'the cache stays pristine');

    // Another pin is another lock: a venv made and installed afresh, after asking, with tinysrc's wheel from pip's cache.
    const again = h.runner({ home, repos: [{ name: 'app', path: repo }] });
    const askedAgain = approveAll(again);
    writeFiles(repo, { 'requirements.txt': localRequirements(wheels, ['tinypkg==1.1', 'tinysrc==1.0']) });
    git(repo, ['commit', '--quiet', '-am', 'tinypkg 1.1']);
    const third = await again.submit(job('run the tests'));
    const thirdEnd = await waitForEnd(again, third.sessionId, 200_000);
    assert.equal(thirdEnd.state, 'completed', thirdEnd.result?.summary);
    assert.equal(askedAgain.length, 3, 'venv, install, tests');
    assert.match(thirdEnd.result?.summary ?? '', /Dependencies: installed/);
    assert.doesNotMatch(sessionLog(thirdEnd), /Building wheel for tinysrc/, 'pip built tinysrc once, for the first session');
    assert.match(sessionLog(thirdEnd), /Using cached tinysrc-1\.0/);
    await entriesReady(entries, 2);
    await again.stop();
  });

  it('a venv with an editable install of the worktree is not kept: the next session installs again', async () => {
    const repo = makeRepo(path.join(h.temp.make(), 'app'), project(localRequirements(wheels, ['tinypkg==1.0', '-e ./local'])));
    // tests import tinysrc: here it is the project's own package, installed editable.
    tinyPackageSource(repo, TINYSRC);
    execFileSync('mv', [path.join(repo, 'tinysrc-1.0'), path.join(repo, 'local')]);
    git(repo, ['add', '-A']);
    git(repo, ['commit', '--quiet', '-m', 'local package']);
    const home = h.temp.make('dispatch-home-');
    const runner = h.runner({ home, repos: [{ name: 'app', path: repo }] });
    const asked = approveAll(runner);

    const first = await runner.submit(job('run the tests'));
    const firstEnd = await waitForEnd(runner, first.sessionId, 200_000);
    assert.equal(firstEnd.state, 'completed', firstEnd.result?.summary);
    assert.match(sessionLog(firstEnd), /not cached — the venv points outside itself: .*(editable|local)/);
    asked.length = 0;
    const second = await runner.submit(job('run the tests'));
    const secondEnd = await waitForEnd(runner, second.sessionId, 200_000);
    assert.equal(secondEnd.state, 'completed', secondEnd.result?.summary);
    assert.equal(asked.length, 3, 'venv, install, tests: nothing reused');
    assert.match(secondEnd.result?.summary ?? '', /Dependencies: installed/);
    await runner.stop();
    assert.deepEqual(existsSync(path.join(home, 'deps-cache', 'entries')) ? readdirSync(path.join(home, 'deps-cache', 'entries')) : [], []);
  });

  it('evicts the least recently used venv past the bound; what is left restores into a working venv', async () => {
    const home = h.temp.make('dispatch-home-');
    const parent = h.temp.make();
    const pipCache = path.join(home, 'pip');
    const installed = (name: string, pin: string) => {
      const dir = path.join(parent, name);
      mkdirSync(dir);
      writeFiles(dir, { 'requirements.txt': localRequirements(wheels, [pin]) });
      installVenv(dir, pipCache);
      return dir;
    };
    const one = installed('one', 'tinypkg==1.0');
    const probe = new DepsCache(home);
    const keyOne = await probe.keyOf(one);
    assert.ok(keyOne, 'a pinned requirements.txt has a key');
    assert.equal((await probe.keep(one, keyOne.id)).kept, true);
    await probe.settled();
    const [entryOne] = await probe.entries();
    assert.ok(entryOne);

    const cache = new DepsCache(home, Math.round(entryOne.bytes * 1.5));
    const two = installed('two', 'tinypkg==1.1');
    assert.equal((await cache.keep(two, (await cache.keyOf(two))?.id)).kept, true);
    await cache.settled();
    assert.deepEqual((await cache.entries()).map((entry) => entry.lockHash), [(await cache.keyOf(two))?.lockHash], 'the older venv was evicted');

    const fresh = (name: string, from: string) => {
      const dir = path.join(parent, name);
      writeFiles(dir, { 'requirements.txt': readFileSync(path.join(from, 'requirements.txt'), 'utf8') });
      return dir;
    };
    assert.equal(await cache.restore(fresh('three', one)), undefined, 'nothing to copy for the evicted lock');
    const four = fresh('four', two);
    assert.ok(await cache.restore(four));
    const version = execFileSync(path.join(four, '.venv', 'bin', 'python'), ['-c', "import importlib.metadata as m, tinypkg; print(m.version('tinypkg'), tinypkg.answer())"], { encoding: 'utf8' }).trim();
    assert.equal(version, '1.1 42');
    assert.match(readFileSync(path.join(four, '.venv', 'bin', 'tinycli'), 'utf8'), new RegExp(`^#!${path.join(four, '.venv', 'bin', 'python')}\n`));
    assert.doesNotMatch(readFileSync(path.join(four, '.venv', 'bin', 'activate'), 'utf8'), new RegExp(`${two}/`), 'activate names the new venv only');
  });
});
