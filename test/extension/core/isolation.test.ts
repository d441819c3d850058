import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { git, hashCheckout, makeRepo, nodeTestProject, writeFiles } from '../../helpers/gitRepos.js';
import { Harness, job, ScriptedAgent, waitForApproval, waitForEnd } from './harness.js';

/** An agent that edits files in its worktree, like a coding agent would. */
const editor = new ScriptedAgent('editor', async function* (context) {
  writeFileSync(path.join(context.worktree, 'src.js'), 'export const answer = 42;\n');
  writeFileSync(path.join(context.worktree, 'README.md'), '# test\nedited by the session\n');
  yield { kind: 'progress', text: 'edited two files' };
  yield { kind: 'outcome', outcome: { status: 'completed', summary: 'Edited src.js and README.md', costUsd: 0.12 } };
});

describe("isolation: the user's checkout is never touched", function () {
  this.timeout(30_000);
  const h = new Harness();
  afterEach(() => h.cleanup());

  it('stays byte-identical (files, index, HEAD, branch) across sessions that edit, commit and run commands', async () => {
    const repo = makeRepo(path.join(h.temp.make(), 'user'), { ...nodeTestProject('passing'), 'README.md': '# test\n' });
    // A realistic checkout: a feature branch, uncommitted edits, something staged, an untracked file.
    git(repo, ['checkout', '--quiet', '-b', 'my-feature']);
    writeFiles(repo, { 'README.md': '# test\nwork in progress\n', 'notes.txt': 'untracked\n', 'staged.txt': 'staged\n' });
    git(repo, ['add', 'staged.txt']);
    const before = hashCheckout(repo);

    const home = h.temp.make('dispatch-home-');
    const runner = h.runner({ home, repos: [{ name: 'user', path: repo }] }, [editor]);
    const edit = await runner.submit(job('Add the answer\n\nmore detail here', { agent: 'editor' }));
    const tests = await runner.submit(job('run the tests'));
    const request = await waitForApproval(runner, tests.sessionId);
    runner.decide(tests.sessionId, { requestId: request.requestId, decision: 'approve_once' });
    const [edited, tested] = await Promise.all([waitForEnd(runner, edit.sessionId), waitForEnd(runner, tests.sessionId)]);

    assert.equal(edited.state, 'completed');
    assert.equal(tested.state, 'completed');
    assert.equal(hashCheckout(repo), before);
    assert.equal(git(repo, ['branch', '--show-current']).trim(), 'my-feature');

    // The edits live on the session branch, committed as Dispatch with the task's first line.
    const result = edited.result;
    assert.ok(result);
    assert.deepEqual(
      result.filesChanged.map((f) => [f.path, f.added, f.removed]),
      [
        ['README.md', 1, 0],
        ['src.js', 1, 0],
      ],
    );
    assert.match(result.diffstat, /2 files changed, 2 insertions/);
    assert.equal(result.costUsd, 0.12);
    assert.equal(result.baseCommit, git(repo, ['rev-parse', 'main']).trim());
    const log = git(repo, ['log', '-1', '--format=%an <%ae>|%s', result.branch]).trim();
    assert.equal(log, 'Dispatch <dispatch@localhost>|Add the answer');
    assert.match(result.branch, /^dispatch\/[a-z0-9]{8}-add-the-answer$/);
    assert.ok(result.worktree.startsWith(path.join(home, 'worktrees', 'user') + path.sep));
    assert.equal(git(result.worktree, ['status', '--porcelain']).trim(), '', 'everything was committed');
  });
});
