import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { baseFileContent, sessionChanges } from '../../../extension/core/editor/sessionChanges.js';
import { git, makeRepo, TempDirs } from '../../helpers/gitRepos.js';
import { snapshot } from './sessionFixtures.js';

/** Show Changes' runner side, on real git repositories and worktrees. */
describe('a session\'s changes for Show Changes', () => {
  const temp = new TempDirs();
  afterEach(() => temp.cleanup());

  /** A repository and a session worktree on its own branch with one committed and one new file. */
  function sessionOnBranch() {
    const repo = makeRepo(path.join(temp.make(), 'api'), { 'README.md': '# api\n', 'notes.txt': 'one\n' });
    const baseCommit = git(repo, ['rev-parse', 'HEAD']).trim();
    const worktree = path.join(temp.make(), 'wt');
    git(repo, ['worktree', 'add', '-b', 'dispatch/abc-notes', worktree, baseCommit]);
    writeFileSync(path.join(worktree, 'notes.txt'), 'one\ntwo\n');
    writeFileSync(path.join(worktree, 'ADDED.md'), 'new\n');
    git(worktree, ['add', '-A']);
    git(worktree, ['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'session work']);
    const session = snapshot({ state: 'completed', worktree, baseCommit, branch: 'dispatch/abc-notes', repo: 'api' });
    return { repo, worktree, baseCommit, session };
  }

  it('reads the worktree while it exists', async () => {
    const { session } = sessionOnBranch();
    const changes = await sessionChanges(session);
    assert.equal(changes.source, 'worktree');
    assert.deepEqual(changes.files.map((file) => [file.path, file.status]).sort(), [['ADDED.md', 'added'], ['notes.txt', 'modified']]);
  });

  it('falls back to the branch once the worktree was pruned, both sides readable', async () => {
    const { repo, worktree, session } = sessionOnBranch();
    git(repo, ['worktree', 'remove', '--force', worktree]);
    const changes = await sessionChanges(session, repo);
    assert.equal(changes.source, 'branch');
    assert.deepEqual(changes.files.map((file) => [file.path, file.status, file.added, file.removed]).sort(), [['ADDED.md', 'added', 1, 0], ['notes.txt', 'modified', 1, 0]]);
    assert.equal(await baseFileContent(session, 'notes.txt', 'base', repo), 'one\n');
    assert.equal(await baseFileContent(session, 'notes.txt', 'branch', repo), 'one\ntwo\n');
    assert.equal(await baseFileContent(session, 'ADDED.md', 'base', repo), null);
  });

  it('says plainly that nothing is left once the branch is gone too', async () => {
    const { repo, worktree, session } = sessionOnBranch();
    git(repo, ['worktree', 'remove', '--force', worktree]);
    git(repo, ['branch', '-D', 'dispatch/abc-notes']);
    await assert.rejects(sessionChanges(session, repo), { code: 'not_found', message: /pruned and its branch dispatch\/abc-notes is gone/ });
  });
});
