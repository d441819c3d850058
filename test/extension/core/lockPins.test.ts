import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PINS_FILE, writeLockPins } from '../../../extension/core/lockPins.js';
import { TempDirs, writeFiles } from '../../helpers/gitRepos.js';

/**
 * The pins a poetry.lock or uv.lock turns into, read by the machine's python3 (what a
 * session's venv runs is the same interpreter). The installs themselves are in
 * warmStartPythonLock.test.ts.
 */
describe('Python locks: the pins pip installs', function () {
  this.timeout(60_000);
  const temp = new TempDirs();
  afterEach(() => temp.cleanup());

  before(function () {
    try {
      execFileSync('python3', ['-c', 'import tomllib, pip._vendor.packaging.markers'], { stdio: 'pipe' });
    } catch {
      this.skip(); // no python3 3.11+ with pip
    }
  });

  function project(files: Record<string, string>): string {
    const dir = temp.make('lock-');
    writeFiles(dir, files);
    writeFiles(dir, { '.venv/.keep': '' });
    return dir;
  }
  const pins = (dir: string) => readFileSync(path.join(dir, PINS_FILE), 'utf8');

  it('poetry: a package without hashes means no hashes at all (pip would want every one); a marker per group holds if any group’s does', async () => {
    const dir = project({
      'poetry.lock': [
        '[[package]]\nname = "Alpha"\nversion = "1.0"\noptional = false\ngroups = ["main"]\nfiles = [{file = "alpha-1.0-py3-none-any.whl", hash = "sha256:aa"}]\n',
        '[[package]]\nname = "beta"\nversion = "2.0"\noptional = false\ngroups = ["main", "dev"]\nmarkers = {main = "sys_platform == \'win32\'", dev = "python_version >= \'3.8\'"}\nfiles = []\n',
        '[[package]]\nname = "gamma"\nversion = "3.0"\noptional = true\ngroups = ["main"]\nfiles = []\n',
        '[metadata]\nlock-version = "2.1"\n',
      ].join('\n'),
    });
    const result = await writeLockPins(dir, 'poetry.lock', 'python3');
    assert.deepEqual(result, { count: 2, hashed: false, skipped: ['gamma 3.0 (only for an extra)'] });
    assert.equal(pins(dir), 'Alpha==1.0\nbeta==2.0\n');
  });

  it('uv: follows the lock from the project, picks the fork whose resolution markers hold, and leaves out what only Windows needs', async () => {
    const dir = project({
      'uv.lock': [
        'version = 1\n',
        '[[package]]\nname = "app"\nversion = "0.1.0"\nsource = { editable = "." }\ndependencies = [{ name = "numpyish" }, { name = "colorish", marker = "sys_platform == \'win32\'" }]\n',
        '[[package]]\nname = "numpyish"\nversion = "1.0"\nsource = { registry = "https://pypi.org/simple" }\nresolution-markers = ["python_version < \'3.0\'"]\nwheels = [{ url = "x", hash = "sha256:old" }]\n',
        '[[package]]\nname = "numpyish"\nversion = "2.0"\nsource = { registry = "https://pypi.org/simple" }\nresolution-markers = ["python_version >= \'3.0\'"]\nwheels = [{ url = "x", hash = "sha256:new" }]\n',
        '[[package]]\nname = "colorish"\nversion = "0.4"\nsource = { registry = "https://pypi.org/simple" }\n',
        '[[package]]\nname = "unreached"\nversion = "9.9"\nsource = { registry = "https://pypi.org/simple" }\n',
      ].join('\n'),
    });
    const result = await writeLockPins(dir, 'uv.lock', 'python3');
    assert.deepEqual(result, { count: 1, hashed: true, skipped: ["colorish (sys_platform == 'win32')"] });
    assert.equal(pins(dir), '--require-hashes\nnumpyish==2.0 --hash=sha256:new\n');
  });

  it('a package from git, or a lock that is not TOML, is refused with a message naming it', async () => {
    const git = project({
      'uv.lock': 'version = 1\n\n[[package]]\nname = "app"\nversion = "0.1.0"\nsource = { virtual = "." }\ndependencies = [{ name = "forked" }]\n\n[[package]]\nname = "forked"\nversion = "1.0"\nsource = { git = "https://example.com/forked?rev=abc" }\n',
    });
    assert.deepEqual(await writeLockPins(git, 'uv.lock', 'python3'), { error: 'uv.lock: forked 1.0 comes from git https://example.com/forked?rev=abc, not a package index' });
    const broken = project({ 'poetry.lock': '[[package]\nname = ' });
    const result = await writeLockPins(broken, 'poetry.lock', 'python3');
    assert.ok('error' in result);
    assert.match(result.error, /^could not read poetry\.lock: tomllib\.TOMLDecodeError/);
  });
});
