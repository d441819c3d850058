import assert from 'node:assert/strict';
import path from 'node:path';
import { readCommitFast } from '../../../extension/core/gitRefs.js';
import { Worktrees } from '../../../extension/core/worktrees.js';
import { git, makeRepo, TempDirs, writeFiles } from '../../helpers/gitRepos.js';

function revParse(repo: string, revision: string): string {
  return git(repo, ['rev-parse', '--verify', `${revision}^{commit}`]).trim();
}

describe("a session's base read from git's files", () => {
  const temp = new TempDirs();
  afterEach(() => temp.cleanup());

  /** A repository with two commits on main and a branch `topic` at the first. */
  function repository(): { repo: string; first: string; second: string } {
    const repo = makeRepo(path.join(temp.make(), 'app'));
    const first = revParse(repo, 'HEAD');
    git(repo, ['branch', 'topic']);
    writeFiles(repo, { 'CHANGELOG.md': 'two\n' });
    git(repo, ['add', '--all']);
    git(repo, ['commit', '--quiet', '-m', 'second']);
    return { repo, first, second: revParse(repo, 'HEAD') };
  }

  it('gives what git rev-parse gives for HEAD and a branch, loose or packed, and for a moved branch at once', async () => {
    const { repo, first, second } = repository();
    assert.equal(await readCommitFast(repo), second);
    assert.equal(await readCommitFast(repo, 'topic'), first);
    git(repo, ['pack-refs', '--all']);
    assert.equal(await readCommitFast(repo, 'topic'), first, 'from packed-refs');
    assert.equal(await readCommitFast(repo, 'main'), second);
    git(repo, ['branch', '-f', 'topic', 'main']);
    assert.equal(await readCommitFast(repo, 'topic'), second, 'the loose ref written by the move wins over the packed one');
    git(repo, ['checkout', '--quiet', '--detach', first]);
    assert.equal(await readCommitFast(repo), first, 'a detached HEAD');
  });

  it('leaves to git what its files do not answer plainly: a tag of the same name, an annotated tag, a missing name', async () => {
    const { repo, first, second } = repository();
    git(repo, ['tag', 'topic', second]); // refs/tags/topic comes before refs/heads/topic in git's order
    assert.equal(await readCommitFast(repo, 'topic'), undefined);
    git(repo, ['tag', '-a', '-m', 'release', 'v1', first]);
    git(repo, ['pack-refs', '--all']);
    assert.equal(await readCommitFast(repo, 'v1'), undefined);
    assert.equal(await readCommitFast(repo, 'nothing-here'), undefined);
    // And the runner's answer stays git's in every case.
    const worktrees = new Worktrees();
    assert.equal(await worktrees.resolveBase(repo, 'topic'), revParse(repo, 'topic'));
    assert.equal(await worktrees.resolveBase(repo, 'v1'), first);
    await assert.rejects(worktrees.resolveBase(repo, 'nothing-here'), /does not name a commit/);
  });

  it('reads a linked worktree (a .git file) as git does', async () => {
    const { repo, first } = repository();
    const linked = path.join(temp.make(), 'linked');
    git(repo, ['worktree', 'add', '--quiet', linked, 'topic']);
    assert.equal(await readCommitFast(linked), first);
    assert.equal(await readCommitFast(linked, 'main'), revParse(repo, 'main'));
  });
});
