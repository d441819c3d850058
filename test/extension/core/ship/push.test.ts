import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { forgeToken } from '../../../../extension/core/ship/forgeToken.js';
import { isSessionBranch, pushBranch } from '../../../../extension/core/ship/push.js';
import { pushEnv } from '../../../../extension/core/ship/pushEnv.js';
import { SecretMask } from '../../../../extension/core/secretMask.js';
import { git, makeRepo, TempDirs } from '../../../helpers/gitRepos.js';

describe('what a session may push', () => {
  const temp = new TempDirs();
  afterEach(() => temp.cleanup());

  for (const [branch, allowed] of [
    ['dispatch/0b5c2a6e-write-notes', true],
    ['dispatch/0b5c2a6e-write-notes-2', true],
    ['main', false],
    ['master', false],
    ['feature/dispatch/x', false],
    ['dispatch/../main', false],
    ['dispatch/x:refs/heads/main', false],
    ['+dispatch/x', false],
    ['--force', false],
    ['dispatch/', false],
    ['dispatch/x.lock', false],
  ] as const) {
    it(`${branch}: ${allowed ? 'a session branch' : 'refused'}`, () => assert.equal(isSessionBranch(branch), allowed));
  }

  it('pushBranch refuses the default branch and pushes nothing', async () => {
    const root = temp.make();
    const repo = makeRepo(path.join(root, 'api'));
    const bare = path.join(root, 'remote.git');
    git(root, ['init', '--quiet', '--bare', bare]);
    await assert.rejects(pushBranch(repo, { name: 'origin', url: bare }, 'main', pushEnv({ PATH: process.env.PATH ?? '' }), new SecretMask()), /only pushes a session's own dispatch\/… branch, not "main"/);
    assert.equal(git(bare, ['for-each-ref']).trim(), '');
  });

  it('the push environment has the SSH agent and credential settings, no ambient GIT_DIR, and never prompts', () => {
    const env = pushEnv({ PATH: '/usr/bin', HOME: '/home/a', SSH_AUTH_SOCK: '/tmp/agent.sock', GIT_SSH_COMMAND: 'ssh -i key', GIT_DIR: '/elsewhere/.git', GIT_WORK_TREE: '/elsewhere', SLACK_BOT_TOKEN: 'xoxb-secret-value', GH_TOKEN: 'ghp_forge_api_token_1', GITLAB_TOKEN: 'glpat-forge-api-token' });
    assert.equal(env.SSH_AUTH_SOCK, '/tmp/agent.sock');
    // A credential helper or ssh command a session set in the shared .git/config runs during the push: no API token for it.
    assert.equal(env.GH_TOKEN, undefined);
    assert.equal(env.GITLAB_TOKEN, undefined);
    assert.equal(env.GIT_SSH_COMMAND, 'ssh -i key');
    assert.equal(env.GIT_TERMINAL_PROMPT, '0');
    assert.equal(env.GIT_DIR, undefined);
    assert.equal(env.GIT_WORK_TREE, undefined);
    assert.equal(env.SLACK_BOT_TOKEN, undefined);
  });

  it('without GITHUB_TOKEN or GH_TOKEN, the token comes from `gh auth token` when gh is there', async function () {
    if (process.platform === 'win32') this.skip(); // the stand-in gh is a shell script
    const bin = path.join(temp.make(), 'bin');
    mkdirSync(bin);
    const gh = path.join(bin, 'gh');
    writeFileSync(gh, '#!/bin/sh\n[ "$1 $2 $3 $4" = "auth token --hostname github.com" ] && echo gho_fromTheGitHubCli0123456789abcdef\n');
    chmodSync(gh, 0o755);
    const forge = { kind: 'github' as const, host: 'github.com', path: 'acme/api' };
    assert.deepEqual(await forgeToken(forge, { PATH: `${bin}:/usr/bin:/bin` }), { value: 'gho_fromTheGitHubCli0123456789abcdef', source: 'gh auth token' });
    assert.equal((await forgeToken(forge, { PATH: `${bin}:/usr/bin:/bin`, GH_TOKEN: 'ghp_fromTheEnvironment0123456789' }))?.source, 'GH_TOKEN');
    assert.equal(await forgeToken(forge, { PATH: temp.make() }), undefined, 'no gh, no token');
  });
});
