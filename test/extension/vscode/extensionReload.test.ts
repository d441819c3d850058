import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { RecordingTransport } from '../../helpers/recordingTransport.js';
import { TempDirs } from '../../helpers/gitRepos.js';
import { RUNNER_TOKEN, startLiveBridge, type LiveBridge } from '../../helpers/liveBridge.js';
import { startChatControl } from './chatControl.js';
import { missingForVsCodeTests, openExtensionTestPage, QUIET_WORKBENCH, ROOT, startCodeServer, type CodeServer } from './codeServer.js';
import { alice, killLingeringRunner, makeEditorRepo, prepareEditorMachine } from './editorFixtures.js';
import { CONTROL_ENV, RELOAD_BEHAVIOURS, RESULTS_ENV, STATE_ENV, SUITE_ENV, type ReloadPhase } from './host/behaviours.js';
import { buildExtension, buildHostSuite } from './hostSuite.js';

/**
 * One code-server window, reloaded twice while a session finishes: the approval is given
 * in the chat just before the first reload, so the old window's runner completes the
 * session while the new window's runner starts beside it.
 */
describe('the VS Code extension across window reloads (code-server + chromium)', function () {
  this.timeout(300_000);
  const temp = new TempDirs();
  let live: LiveBridge | undefined;
  let control: Awaited<ReturnType<typeof startChatControl>> | undefined;
  let server: CodeServer | undefined;
  let page: Awaited<ReturnType<typeof openExtensionTestPage>> | undefined;
  let home: string | undefined;
  let stateFile: string | undefined;
  const results: Record<string, string[]> = {};
  const exits: Record<string, number> = {};

  before(async function () {
    const missing = missingForVsCodeTests();
    if (missing) {
      process.stderr.write(`  skipping the VS Code reload tests: ${missing}\n`);
      this.skip();
    }
    buildExtension();
    const suite = await buildHostSuite();
    const chat = new RecordingTransport('web');
    live = await startLiveBridge({ repos: [], transports: [chat], withRunner: false });
    const repo = makeEditorRepo(path.join(temp.make(), 'api'));
    home = temp.make('dispatch-editor-home-');
    await prepareEditorMachine(home, live.bridge, [alice]);
    control = await startChatControl(live.bridge, chat, alice);
    const shared = temp.make();
    const resultsFile = path.join(shared, 'results.json');
    stateFile = path.join(shared, 'state.json');
    const data = temp.make('dispatch-code-server-');
    server = await startCodeServer({
      userDataDir: path.join(data, 'user-data'),
      extensionsDir: path.join(data, 'extensions'),
      env: { DISPATCH_HOME: home, DISPATCH_RUNNER_TOKEN: RUNNER_TOKEN, [CONTROL_ENV]: control.url, [RESULTS_ENV]: resultsFile, [SUITE_ENV]: 'reload', [STATE_ENV]: stateFile },
      userSettings: { ...QUIET_WORKBENCH, 'dispatch.bridgeUrl': live.bridge.url },
      machineSettings: { 'dispatch.machineName': 'editor-box' },
    });
    page = await openExtensionTestPage(server, { extensionPath: ROOT, testsPath: suite, folder: repo });
    const phases: ReloadPhase[] = ['start', 'afterReload', 'secondReload'];
    for (const phase of phases) {
      const previous = existsSync(stateFile) ? (JSON.parse(readFileSync(stateFile, 'utf8')) as object) : {};
      writeFileSync(stateFile, JSON.stringify({ ...previous, phase }));
      // Approve in the chat, then reload at once: the session finishes during the reload.
      const approveInChat = async () => {
        const approval = chat.posted.find((post) => /Approval needed/.test(post.message.title ?? ''));
        assert.ok(approval, 'the chat shows the approval request');
        await chat.press(alice, approval, approval.message.buttons![0]!.value);
      };
      exits[phase] = await page.run(120_000, phase === 'afterReload' ? approveInChat : undefined);
      const outcome = existsSync(resultsFile) ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as Record<string, string>) : {};
      for (const [title, result] of Object.entries(outcome)) (results[title] ??= []).push(result);
    }
  });

  after(async () => {
    // Whether the workbench restored the panel's tab across each reload (for the record).
    if (stateFile && existsSync(stateFile)) process.stderr.write(`  reload state: ${readFileSync(stateFile, 'utf8')}\n`);
    await page?.close();
    await server?.stop();
    if (home) killLingeringRunner(home);
    await control?.close();
    await live?.stop();
    temp.cleanup();
  });

  const tail = () => (page?.log ?? []).filter((line) => !/ENOTFOUND|ServiceWorker|vsda/.test(line)).slice(-40).join('\n');

  for (const title of Object.values(RELOAD_BEHAVIOURS)) {
    it(title, () => {
      const outcomes = results[title];
      assert.ok(outcomes?.length, `the extension-host suite did not run this test; its output:\n${tail()}`);
      for (const outcome of outcomes) assert.equal(outcome, 'passed', `${outcome}\n\nextension-host output:\n${tail()}`);
    });
  }

  it('every phase of the suite exits 0', () => {
    assert.deepEqual(exits, { start: 0, afterReload: 0, secondReload: 0 }, tail());
  });
});
