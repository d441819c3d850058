import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { FakeGitHub } from '../../helpers/fakeGitHub.js';
import { RecordingTransport } from '../../helpers/recordingTransport.js';
import { git, TempDirs } from '../../helpers/gitRepos.js';
import { RUNNER_TOKEN, startLiveBridge, type LiveBridge } from '../../helpers/liveBridge.js';
import { startChatControl } from './chatControl.js';
import { missingForVsCodeTests, QUIET_WORKBENCH, ROOT, runExtensionTests, startCodeServer, type CodeServer, type ExtensionTestRun } from './codeServer.js';
import { alice, killLingeringRunner, makeEditorRepo, prepareEditorMachine } from './editorFixtures.js';
import { BEHAVIOURS, CONTROL_ENV, REMOTE_ENV, RESULTS_ENV } from './host/behaviours.js';
import { buildExtension, buildHostSuite } from './hostSuite.js';

describe('the VS Code extension in a real extension host (code-server + chromium)', function () {
  this.timeout(240_000);
  const temp = new TempDirs();
  let live: LiveBridge | undefined;
  let control: Awaited<ReturnType<typeof startChatControl>> | undefined;
  let server: CodeServer | undefined;
  let run: ExtensionTestRun | undefined;
  let results: Record<string, string> = {};
  let home: string | undefined;
  const GITHUB_TOKEN = 'ghp_editorTestToken0123456789';
  const github = new FakeGitHub(GITHUB_TOKEN);

  before(async function () {
    const missing = missingForVsCodeTests();
    if (missing) {
      process.stderr.write(`  skipping the VS Code extension-host tests: ${missing}\n`);
      this.skip();
    }
    buildExtension();
    const suite = await buildHostSuite();

    const chat = new RecordingTransport('web');
    live = await startLiveBridge({ repos: [], transports: [chat], withRunner: false });
    const repo = makeEditorRepo(path.join(temp.make(), 'api'));
    // A local bare repository as the push remote: Push branch in the panel pushes there.
    const remote = path.join(temp.make(), 'remote.git');
    git(path.dirname(remote), ['init', '--quiet', '--bare', '--initial-branch=main', remote]);
    git(repo, ['remote', 'add', 'origin', remote]);
    git(repo, ['push', '--quiet', 'origin', 'main']);
    // The remote is a local path: the repository names its GitHub repository, served by the fake.
    git(repo, ['config', 'dispatch.forge', 'github:acme/api']);
    await github.start();
    home = temp.make('dispatch-editor-home-');
    await prepareEditorMachine(home, live.bridge, [alice]);
    control = await startChatControl(live.bridge, chat, alice);
    const resultsFile = path.join(temp.make(), 'results.json');

    const data = temp.make('dispatch-code-server-');
    server = await startCodeServer({
      userDataDir: path.join(data, 'user-data'),
      extensionsDir: path.join(data, 'extensions'),
      // The runner token and DISPATCH_HOME reach the runner through the environment, never settings.
      env: { DISPATCH_HOME: home, DISPATCH_RUNNER_TOKEN: RUNNER_TOKEN, [CONTROL_ENV]: control.url, [RESULTS_ENV]: resultsFile, [REMOTE_ENV]: remote,
        // "with command: …" runs this in the worktree: a change the runner commits, so there is a branch to push.
        GITHUB_TOKEN,
        DISPATCH_GITHUB_API_URL: github.url,
        DISPATCH_AGENT_COMMAND: `node -e "require('fs').writeFileSync('NOTES.md', 'release notes\\n')"` },
      // Where a user puts them: the bridge in User settings (application scope), the
      // machine's own name in Remote settings (machine scope) — code-server is a remote window.
      userSettings: { ...QUIET_WORKBENCH, 'dispatch.bridgeUrl': live.bridge.url },
      machineSettings: { 'dispatch.machineName': 'editor-box' },
    });
    run = await runExtensionTests(server, { extensionPath: ROOT, testsPath: suite, folder: repo, timeoutMs: 180_000 });
    results = existsSync(resultsFile) ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as Record<string, string>) : {};
  });

  after(async () => {
    await server?.stop();
    if (home) killLingeringRunner(home);
    await control?.close();
    await live?.stop();
    await github.stop();
    temp.cleanup();
  });

  const tail = () => (run?.log ?? []).filter((line) => !/ENOTFOUND|ServiceWorker|vsda/.test(line)).slice(-40).join('\n');

  for (const title of Object.values(BEHAVIOURS)) {
    it(title, () => {
      const outcome = results[title];
      assert.ok(outcome, `the extension-host suite did not run this test; its output:\n${tail()}`);
      assert.equal(outcome, 'passed', `${outcome}\n\nextension-host output:\n${tail()}`);
    });
  }

  it('the pull request the panel opened is a draft from the dispatch/* branch, says it came from the editor, and the token reached only GitHub', () => {
    assert.equal(github.pulls.length, 1);
    const [pull] = github.pulls;
    assert.match(pull!.head, /^dispatch\//);
    assert.equal(pull!.draft, true);
    assert.equal(pull!.title, 'write the release notes');
    assert.match(pull!.body, /Dispatched from the editor by `@[^`]+`\./);
    assert.ok(github.requests.every((request) => request.authorization === `token ${GITHUB_TOKEN}` || request.authorization === `Bearer ${GITHUB_TOKEN}`));
    assert.ok((run?.log ?? []).every((line) => !line.includes(GITHUB_TOKEN)), 'the token is in no line of the extension-host output');
  });

  it('the extension-host suite exits 0 with nothing failing besides', () => {
    const failedHooks = Object.entries(results).filter(([title, outcome]) => outcome !== 'passed' && !Object.values<string>(BEHAVIOURS).includes(title));
    assert.deepEqual(failedHooks, []);
    assert.equal(run?.exitCode, 0, tail());
  });
});
