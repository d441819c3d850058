import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { RecordingTransport } from '../../helpers/recordingTransport.js';
import { TempDirs } from '../../helpers/gitRepos.js';
import { RUNNER_TOKEN, startLiveBridge, type LiveBridge } from '../../helpers/liveBridge.js';
import { installExtension, launchBrowser, missingForVsCodeTests, QUIET_WORKBENCH, ROOT, startCodeServer, workbenchUrl, type CodeServer, type Workbench } from './codeServer.js';
import { alice, killLingeringRunner, makeEditorRepo, prepareEditorMachine } from './editorFixtures.js';
import { buildExtension } from './hostSuite.js';

export const SCREENSHOT = path.join(ROOT, 'test-artifacts/vscode-dispatch-view.png');

describe('the packaged extension (.vsix) installed into code-server', function () {
  this.timeout(120_000);
  const temp = new TempDirs();
  let live: LiveBridge | undefined;
  let server: CodeServer | undefined;
  let workbench: Workbench | undefined;
  let home: string | undefined;

  before(function () {
    const missing = missingForVsCodeTests();
    if (missing) {
      process.stderr.write(`  skipping the VS Code packaging test: ${missing}\n`);
      this.skip();
    }
  });
  after(async () => {
    await workbench?.close();
    await server?.stop();
    if (home) killLingeringRunner(home);
    await live?.stop();
    temp.cleanup();
  });

  it('packs a small VSIX that installs, activates, and shows sessions in the Dispatch view (screenshot)', async () => {
    buildExtension();
    const vsix = path.join(temp.make(), 'dispatch.vsix');
    execFileSync(process.execPath, [path.join(ROOT, 'extension/vscode/package.mjs'), '--out', vsix], { cwd: ROOT, stdio: 'pipe' });
    const size = statSync(vsix).size;
    assert.ok(size < 2 * 1024 * 1024, `the VSIX is ${size} bytes`);

    const extensionsDir = temp.make('dispatch-extensions-');
    assert.match(installExtension(vsix, extensionsDir), /^dispatch-oss\.dispatch@0\.1\.0$/m);

    // Two sessions wait on the bridge for this machine: they reach the editor's runner when it connects.
    const chat = new RecordingTransport('web');
    live = await startLiveBridge({ repos: [], transports: [chat], withRunner: false });
    const repo = makeEditorRepo(path.join(temp.make(), 'api'));
    home = temp.make('dispatch-editor-home-');
    await prepareEditorMachine(home, live.bridge, [alice], 'editor-box');
    await chat.say(alice, 'run the linter');
    await chat.say(alice, 'run the tests');

    const data = temp.make('dispatch-code-server-');
    server = await startCodeServer({
      userDataDir: path.join(data, 'user-data'),
      extensionsDir,
      env: { DISPATCH_HOME: home, DISPATCH_RUNNER_TOKEN: RUNNER_TOKEN },
      userSettings: { ...QUIET_WORKBENCH, 'workbench.colorTheme': 'Default Dark Modern', 'dispatch.bridgeUrl': live.bridge.url },
      machineSettings: { 'dispatch.machineName': 'editor-box' },
    });
    workbench = await launchBrowser({ width: 1400, height: 860 });
    const { page } = workbench;
    page.setDefaultTimeout(45_000);
    await page.goto(workbenchUrl(server, repo));

    const container = page.locator('.activitybar [aria-label^="Dispatch"]').first();
    await container.waitFor();
    await container.click();
    const waitingRow = page.locator('[role="treeitem"]', { hasText: 'run the tests' });
    await waitingRow.waitFor();
    await page.locator('[role="treeitem"]', { hasText: 'run the linter' }).waitFor();
    await page.getByRole('treeitem', { name: /^Needs approval/ }).waitFor();
    // The activity bar badge counts the session that needs approval.
    await page.locator('.activitybar .badge-content', { hasText: /^1$/ }).waitFor();
    await page.locator('.statusbar-item', { hasText: 'editor-box' }).waitFor();

    const panel = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    // The rows move between groups as the sessions change state: a click that landed on the
    // other session's row (its panel has nothing to approve) is made again.
    for (let attempt = 1; ; attempt++) {
      await waitingRow.click();
      try {
        await panel.getByRole('button', { name: 'Approve once' }).waitFor({ timeout: attempt < 3 ? 15_000 : 45_000 });
        break;
      } catch (error) {
        if (attempt >= 3) throw error;
      }
    }
    await panel.getByText('from alice via web').waitFor();

    mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    assert.ok(statSync(SCREENSHOT).size > 10_000);
  });
});
