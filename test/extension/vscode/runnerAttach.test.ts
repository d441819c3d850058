import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TempDirs } from '../../helpers/gitRepos.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const ENTRY = path.join(ROOT, 'extension/core/editor/runnerServer.ts');

// Continue in Terminal runs the bundled runner as `runner.cjs attach ID`: the VSIX has no other CLI.
describe('the editor runner entry as `dispatch attach` (Continue in Terminal)', function () {
  this.timeout(30_000);
  const temp = new TempDirs();
  after(() => temp.cleanup());

  it('is dispatch attach, not the editor link: an unknown session gets the CLI\'s plain message and exit code 1', () => {
    const home = temp.make('dispatch-attach-home-');
    const run = spawnSync(process.execPath, ['--import', 'tsx', ENTRY, 'attach', 'feedbeef'], { cwd: ROOT, env: { ...process.env, DISPATCH_HOME: home }, encoding: 'utf8', input: '' });
    assert.equal(run.status, 1);
    assert.equal(run.stdout, '', 'nothing on stdout: no JSON-RPC, no banner');
    assert.equal(run.stderr.trim(), `dispatch attach: No sessions yet in ${home}. Start one from the chat, or with \`dispatch runner --task\`.`);
  });

  it('prints the attach usage on --help', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', ENTRY, 'attach', '--help'], { cwd: ROOT, env: { ...process.env, DISPATCH_HOME: temp.make() }, encoding: 'utf8' });
    assert.equal(run.status, 0);
    assert.match(run.stdout, /^Usage: dispatch attach \[SESSION\]/);
  });
});
