import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { git, makeRepo, TempDirs, writeFiles } from '../../helpers/gitRepos.js';
import { buildSdist, buildWheel } from '../../helpers/pythonPackages.js';
import { Harness, job, waitForEnd } from './harness.js';
import { approveAll, entriesReady } from './warmPool.js';

/**
 * Projects locked by poetry.lock or uv.lock, installed by pip from the lock's pins (poetry
 * and uv are not installed here). Each lock names tinypkg (main), tinysrc (an sdist, in
 * the dev group) and winonly, whose marker holds only on Windows: it has no wheel at all,
 * so an install that did not leave it out would fail. pip finds the packages through a
 * pip.conf (no index, a folder of wheels) under XDG_CONFIG_HOME, which sessions get.
 */
interface Locked {
  name: string;
  version: string;
  group: 'main' | 'dev';
  marker?: string;
}

const TINYPKG = (version: string) => ({ name: 'tinypkg', version, code: 'def answer():\n    return 42\n' });
const TINYSRC = { name: 'tinysrc', version: '1.0', code: "def word():\n    return 'built'\n" };
const WINDOWS_ONLY = "sys_platform == 'win32'";

function locked(tinypkg: string): Locked[] {
  return [
    { name: 'tinypkg', version: tinypkg, group: 'main' },
    { name: 'tinysrc', version: '1.0', group: 'dev' },
    { name: 'winonly', version: '2.0', group: 'main', marker: WINDOWS_ONLY },
  ];
}

/** `sha256:…` of each file in `wheels` for the package (a wheel or an sdist). */
function fileHashes(wheels: string, pkg: Locked): { file: string; hash: string }[] {
  return readdirSync(wheels)
    .filter((file) => file.startsWith(`${pkg.name}-${pkg.version}-`) || file === `${pkg.name}-${pkg.version}.tar.gz`)
    .map((file) => ({ file, hash: `sha256:${createHash('sha256').update(readFileSync(path.join(wheels, file))).digest('hex')}` }));
}

/** A poetry 2 lock (lock-version 2.1: each package names its groups and its markers). */
function poetryLock(wheels: string, packages: Locked[]): string {
  const blocks = packages.map((pkg) => {
    const files = fileHashes(wheels, pkg).map(({ file, hash }) => `    {file = "${file}", hash = "${hash}"},`);
    return [
      '[[package]]',
      `name = "${pkg.name}"`,
      `version = "${pkg.version}"`,
      'description = ""',
      'optional = false',
      'python-versions = "*"',
      `groups = ["${pkg.group}"]`,
      ...(pkg.marker ? [`markers = ${JSON.stringify(pkg.marker)}`] : []),
      files.length > 0 ? ['files = [', ...files, ']'].join('\n') : 'files = []',
      '',
    ].join('\n');
  });
  return [...blocks, '[metadata]', 'lock-version = "2.1"', 'python-versions = "^3.11"', 'content-hash = "0000"', ''].join('\n');
}

/** A uv lock: the project (virtual) depends on the packages, with markers on its edges and tinysrc in its dev group. */
function uvLock(wheels: string, packages: Locked[]): string {
  const edge = (pkg: Locked) => `{ name = "${pkg.name}"${pkg.marker ? `, marker = ${JSON.stringify(pkg.marker)}` : ''} }`;
  const project = [
    '[[package]]',
    'name = "app"',
    'version = "0.1.0"',
    'source = { virtual = "." }',
    `dependencies = [${packages.filter((pkg) => pkg.group === 'main').map(edge).join(', ')}]`,
    '',
    '[package.dev-dependencies]',
    `dev = [${packages.filter((pkg) => pkg.group === 'dev').map(edge).join(', ')}]`,
    '',
  ].join('\n');
  const blocks = packages.map((pkg) => {
    const files = fileHashes(wheels, pkg);
    const wheel = files.filter(({ file }) => file.endsWith('.whl')).map(({ file, hash }) => `{ url = "https://files.example/${file}", hash = "${hash}", size = 1 }`);
    const sdist = files.find(({ file }) => file.endsWith('.tar.gz'));
    return [
      '[[package]]',
      `name = "${pkg.name}"`,
      `version = "${pkg.version}"`,
      'source = { registry = "https://pypi.org/simple" }',
      ...(sdist ? [`sdist = { url = "https://files.example/${sdist.file}", hash = "${sdist.hash}", size = 1 }`] : []),
      ...(wheel.length > 0 ? [`wheels = [${wheel.join(', ')}]`] : []),
      '',
    ].join('\n');
  });
  return ['version = 1', 'requires-python = ">=3.11"', '', project, ...blocks].join('\n');
}

function project(lockfile: string, lock: string): Record<string, string> {
  return {
    [lockfile]: lock,
    'pyproject.toml': '[project]\nname = "app"\nversion = "0.1.0"\n',
    '.gitignore': '.venv/\n__pycache__/\n.pytest_cache/\n',
    'tests/test_app.py': [
      'import os, sys',
      'import tinypkg, tinysrc',
      '',
      'def test_the_locked_packages_work():',
      '    assert tinypkg.answer() == 42',
      "    assert tinysrc.word() == 'built'",
      '',
      'def test_the_venv_is_this_worktrees_own():',
      "    assert os.path.realpath(sys.prefix) == os.path.realpath(os.path.join(os.getcwd(), '.venv'))",
      '',
    ].join('\n'),
  };
}

function sessionLog(end: Awaited<ReturnType<typeof waitForEnd>>): string {
  return readFileSync(end.result?.logFile ?? '', 'utf8');
}

describe('warm starts: Python venvs from poetry.lock and uv.lock', function () {
  this.timeout(300_000);
  const h = new Harness();
  const fixtures = new TempDirs();
  let wheels = '';
  const xdgBefore = process.env.XDG_CONFIG_HOME;

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
    const config = fixtures.make('py-config-');
    writeFiles(config, { 'pip/pip.conf': `[global]\nno-index = true\nfind-links = ${wheels}\n` });
    process.env.XDG_CONFIG_HOME = config;
  });
  after(() => {
    if (xdgBefore === undefined) delete process.env.XDG_CONFIG_HOME;
    else process.env.XDG_CONFIG_HOME = xdgBefore;
    fixtures.cleanup();
  });
  afterEach(() => h.cleanup());

  const cases = [
    { lockfile: 'poetry.lock', write: poetryLock, skipped: /left out: winonly 2\.0 \(sys_platform == 'win32'\)/ },
    { lockfile: 'uv.lock', write: uvLock, skipped: /left out: winonly \(sys_platform == 'win32'\)/ },
  ];
  for (const { lockfile, write, skipped } of cases) {
    it(`${lockfile}: pip installs the lock's pins with their hashes (the Windows-only package left out); the second session reuses the venv; a changed lock installs afresh`, async () => {
      const repo = makeRepo(path.join(h.temp.make(), 'app'), project(lockfile, write(wheels, locked('1.0'))));
      const home = h.temp.make('dispatch-home-');
      const runner = h.runner({ home, repos: [{ name: 'app', path: repo }] });
      const asked = approveAll(runner);

      const first = await runner.submit(job('run the tests'));
      const firstEnd = await waitForEnd(runner, first.sessionId, 240_000);
      const firstLog = sessionLog(firstEnd);
      assert.equal(firstEnd.state, 'completed', `${firstEnd.result?.summary}\n${firstLog}`);
      const venvPython = asked[1]?.[0] ?? '';
      assert.match(venvPython, /\/worktrees\/app\/[^/]+\/\.venv\/bin\/python$/);
      assert.deepEqual(asked.slice(0, 2), [
        ['python3', '-m', 'venv', '--system-site-packages', '.venv'],
        [venvPython, '-m', 'pip', 'install', '--no-deps', '-r', path.join('.venv', 'dispatch-lock-pins.txt')],
      ]);
      assert.equal(firstEnd.result?.tests?.passed, 2, firstEnd.result?.summary);
      assert.match(firstLog, new RegExp(`\\[dispatch\\] ${lockfile.replace('.', '\\.')}: 2 packages pinned with hashes`));
      assert.match(firstLog, skipped);
      assert.match(firstEnd.result?.summary ?? '', new RegExp(`Dependencies: installed from ${lockfile.replace('.', '\\.')} \\(\\d+\\.\\d s\\)\\.`));

      const entries = path.join(home, 'deps-cache', 'entries');
      await entriesReady(entries, 1);
      asked.length = 0;
      const second = await runner.submit(job('run the tests'));
      const secondEnd = await waitForEnd(runner, second.sessionId, 60_000);
      assert.equal(secondEnd.state, 'completed', secondEnd.result?.summary);
      assert.equal(secondEnd.result?.tests?.passed, 2, secondEnd.result?.summary);
      assert.equal(asked.length, 1, `no venv made, no install asked for: ${JSON.stringify(asked)}`);
      assert.notEqual(asked[0]?.[0], venvPython, "the second session's own venv");
      assert.match(sessionLog(secondEnd), new RegExp(`\\[dispatch\\] dependencies: from cache \\(${lockfile.replace('.', '\\.')} [0-9a-f]{8}…, \\d+\\.\\d s\\)`));

      // tinypkg 1.1: another lock, installed afresh (and kept beside the first).
      writeFiles(repo, { [lockfile]: write(wheels, locked('1.1')) });
      git(repo, ['commit', '--quiet', '-am', 'tinypkg 1.1']);
      asked.length = 0;
      const third = await runner.submit(job('run the tests'));
      const thirdEnd = await waitForEnd(runner, third.sessionId, 240_000);
      assert.equal(thirdEnd.state, 'completed', thirdEnd.result?.summary);
      assert.equal(asked.length, 3, 'venv, install, tests');
      assert.match(sessionLog(thirdEnd), /tinypkg-1\.1/);
      assert.match(thirdEnd.result?.summary ?? '', new RegExp(`Dependencies: installed from ${lockfile.replace('.', '\\.')}`));
      await entriesReady(entries, 2);
      await runner.stop();
    });
  }
});
