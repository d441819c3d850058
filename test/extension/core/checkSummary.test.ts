import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { summarize } from '../../../extension/core/agents/builtinChecks.js';
import { TempDirs, writeFiles } from '../../helpers/gitRepos.js';

/** `npm run build` of a project whose build prints 30 lines, as a bundler's does (npm's own banner included). */
function buildOutput(temp: TempDirs, exitCode: number): string {
  const dir = temp.make();
  writeFiles(dir, {
    'package.json': JSON.stringify({ name: 'app', private: true, scripts: { build: 'node build.js' } }),
    'build.js': `for (let i = 1; i <= 30; i++) console.log('[log] dist/chunk-' + i + '.js (total size: 2.2 kB)');\nconsole.log('[success] Build succeeded');\nprocess.exit(${exitCode});\n`,
  });
  const run = spawnSync('npm', ['run', 'build'], { cwd: dir, encoding: 'utf8' });
  return `${run.stdout}${run.stderr}`;
}

describe('what a finished check says in the chat', () => {
  const temp = new TempDirs();
  after(() => temp.cleanup());

  it('a passing build gets its last few lines, short enough for a phone; a failing one keeps the longer tail', () => {
    const passed = summarize('build', 'npm run build', true, 'exit code 0', buildOutput(temp, 0)).outcome.summary;
    assert.match(passed, /^Build passed: `npm run build`\.\n\n/);
    assert.match(passed, /\[success\] Build succeeded$/);
    assert.ok(passed.split('\n').length <= 6 && passed.length < 450, passed);
    const failed = summarize('build', 'npm run build', false, 'exit code 1', buildOutput(temp, 1)).outcome.summary;
    assert.match(failed, /^Build failed \(exit code 1\): `npm run build`\./);
    assert.ok(failed.split('\n').length >= 15, 'the failure keeps enough output to see why');
  });
});

describe('a linter that exits 0 with warnings', function () {
  this.timeout(240_000);
  const temp = new TempDirs();
  after(() => temp.cleanup());

  it('cargo clippy: "Linter passed with 1 warning", not a plain pass', function () {
    if (spawnSync('cargo', ['clippy', '--version']).status !== 0) this.skip(); // no clippy on this machine
    const dir = temp.make();
    writeFiles(dir, {
      'Cargo.toml': '[package]\nname = "lintme"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n',
      'src/lib.rs': 'pub fn count(v: &Vec<i32>) -> usize {\n    v.len()\n}\n',
    });
    const run = spawnSync('cargo', ['clippy'], { cwd: dir, encoding: 'utf8', env: { ...process.env, CARGO_TARGET_DIR: `${dir}/target` } });
    assert.equal(run.status, 0, run.stderr);
    const summary = summarize('lint', 'cargo clippy', true, 'exit code 0', `${run.stdout}${run.stderr}`).outcome.summary;
    assert.match(summary, /^Linter passed with 1 warning: `cargo clippy`\./, run.stderr);
  });
});
