import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { planBulkUpdate } from '../../../extension/core/agents/dependencyPlan.js';
import { lookedFor, planCommand } from '../../../extension/core/agents/toolchain.js';
import { TempDirs, writeFiles } from '../../helpers/gitRepos.js';

const NODE_DIR = path.dirname(process.execPath);

/** A PATH with node, npm and npx but no pnpm or yarn: a fresh machine with only Node, as a new user has. */
function nodeOnlyPath(temp: TempDirs): NodeJS.ProcessEnv {
  const bin = path.join(temp.make(), 'bin');
  mkdirSync(bin);
  for (const tool of ['node', 'npm', 'npx']) symlinkSync(path.join(NODE_DIR, tool), path.join(bin, tool));
  return { ...process.env, PATH: [bin, '/usr/bin', '/bin'].join(path.delimiter) };
}

/** A pnpm project (packageManager field and lockfile) whose test script calls pnpm again, as many do. */
const PNPM_PROJECT = {
  'package.json': JSON.stringify({
    name: 'app',
    private: true,
    packageManager: 'pnpm@10.33.0+sha512.0123abcd',
    scripts: { test: 'pnpm run unit', unit: 'node --test' },
    dependencies: { shout: 'file:./vendor/shout' },
  }),
  'vendor/shout/package.json': JSON.stringify({ name: 'shout', version: '1.0.0', main: 'index.js' }),
  'vendor/shout/index.js': "module.exports = (text) => text.toUpperCase() + '!';\n",
  'test/shout.test.js': "const test = require('node:test');\nconst assert = require('node:assert');\ntest('shouts', () => assert.equal(require('shout')('hi'), 'HI!'));\n",
};

describe('a pnpm or yarn project on a machine without pnpm or yarn', function () {
  this.timeout(180_000);
  const temp = new TempDirs();
  after(() => temp.cleanup());

  it('plans pnpm through npx at the version package.json names, and the plan really installs and tests', function () {
    const env = nodeOnlyPath(temp);
    const dir = temp.make();
    writeFiles(dir, PNPM_PROJECT);
    // The lockfile the project would have committed, written by that same pnpm.
    const lock = spawnSync('npx', ['--yes', 'pnpm@10.33.0', 'install', '--lockfile-only'], { cwd: dir, env, encoding: 'utf8' });
    if (lock.status !== 0 && spawnSync('npm', ['ping'], { encoding: 'utf8' }).status !== 0) this.skip(); // the registry is unreachable
    assert.equal(lock.status, 0, lock.stderr);
    const plan = planCommand(dir, 'test', env);
    assert.deepEqual(plan?.command, ['npx', '--yes', 'pnpm@10.33.0', 'test']);
    assert.deepEqual(plan?.setup?.command, ['npx', '--yes', 'pnpm@10.33.0', 'install', '--frozen-lockfile', '--prefer-offline', '--package-import-method=copy']);
    assert.match(plan?.source ?? '', /pnpm is not on PATH/);
    for (const command of [plan!.setup!.command, plan!.command]) {
      const [program = '', ...args] = command;
      const run = spawnSync(program, args, { cwd: dir, env: { ...env, CI: '1' }, encoding: 'utf8' });
      assert.equal(run.status, 0, `${command.join(' ')}\n${run.stdout}${run.stderr}`);
      if (command === plan!.command) assert.match(run.stdout, /# pass 1/);
    }
    assert.deepEqual((planBulkUpdate(dir, 'all', env) as { commands: string[][] }).commands, [['npx', '--yes', 'pnpm@10.33.0', 'update']]);
  });

  it('uses pnpm itself when it is on PATH, and a yarn 1 project gets yarn 1 through npx', () => {
    const dir = temp.make();
    writeFiles(dir, { ...PNPM_PROJECT, 'pnpm-lock.yaml': "lockfileVersion: '9.0'\n" });
    const bin = path.join(temp.make(), 'bin');
    mkdirSync(bin);
    symlinkSync(process.execPath, path.join(bin, 'pnpm'));
    assert.deepEqual(planCommand(dir, 'test', { PATH: bin })?.command, ['pnpm', 'test']);
    const yarn = temp.make();
    writeFiles(yarn, { 'package.json': JSON.stringify({ scripts: { lint: 'eslint .' }, devDependencies: { eslint: '^9.0.0' } }), 'yarn.lock': '# yarn lockfile v1\n' });
    assert.deepEqual(planCommand(yarn, 'lint', nodeOnlyPath(temp))?.command, ['npx', '--yes', 'yarn@1', 'run', 'lint']);
  });
});

describe('what the builtin agent says it looked for', () => {
  const temp = new TempDirs();
  after(() => temp.cleanup());

  it("names the Python project's own linters and formatters, not package.json scripts", () => {
    const dir = temp.make();
    writeFiles(dir, { 'pyproject.toml': '[project]\nname = "lib"\n', 'tests/test_lib.py': 'def test_a():\n    assert True\n' });
    assert.equal(planCommand(dir, 'lint'), undefined);
    assert.match(lookedFor(dir, 'lint'), /^ruff \(\[tool\.ruff\] in pyproject\.toml\) or flake8/);
    assert.doesNotMatch(lookedFor(dir, 'format'), /package\.json|pytest/);
  });

  it('finds oxfmt and biome declared without a format script', () => {
    const dir = temp.make();
    writeFiles(dir, { 'package.json': JSON.stringify({ scripts: { lint: 'oxlint src && oxfmt --check src' }, devDependencies: { oxfmt: '^0.43.0' } }) });
    // Only the folders the project's own check covers (defu's lint: "oxfmt --check src test"), not its config files or build output.
    assert.deepEqual(planCommand(dir, 'format')?.command, ['npx', '--no-install', 'oxfmt', 'src']);
    writeFiles(dir, { 'package.json': JSON.stringify({ devDependencies: { oxfmt: '^0.43.0' } }) });
    assert.deepEqual(planCommand(dir, 'format')?.command, ['npx', '--no-install', 'oxfmt']);
    writeFiles(dir, { 'package.json': JSON.stringify({ scripts: { 'format:check': 'prettier --check "src/**/*.ts" test' }, devDependencies: { prettier: '^3.0.0' } }) });
    assert.deepEqual(planCommand(dir, 'format')?.command, ['npx', '--no-install', 'prettier', '--write', 'src/**/*.ts', 'test']);
    writeFiles(dir, { 'package.json': JSON.stringify({ devDependencies: { '@biomejs/biome': '^2.0.0' } }) });
    assert.deepEqual(planCommand(dir, 'format')?.command, ['npx', '--no-install', 'biome', 'format', '--write', '.']);
  });
});
