import assert from 'node:assert/strict';
import { forgeRepo } from '../../../../extension/core/ship/remote.js';

describe('the forge repository of a push remote', () => {
  const none = {};
  const table: Array<[string, string | undefined, Record<string, string>, ReturnType<typeof forgeRepo>]> = [
    ['git@github.com:acme/api.git', undefined, none, { kind: 'github', host: 'github.com', path: 'acme/api' }],
    ['ssh://git@github.com/acme/api.git', undefined, none, { kind: 'github', host: 'github.com', path: 'acme/api' }],
    ['ssh://git@github.com:22/acme/api', undefined, none, { kind: 'github', host: 'github.com', path: 'acme/api' }],
    ['https://github.com/acme/api.git', undefined, none, { kind: 'github', host: 'github.com', path: 'acme/api' }],
    ['https://alice@github.com/acme/api', undefined, none, { kind: 'github', host: 'github.com', path: 'acme/api' }],
    ['git@gitlab.com:group/sub/api.git', undefined, none, { kind: 'gitlab', host: 'gitlab.com', path: 'group/sub/api' }],
    ['git@ghe.example.com:acme/api.git', undefined, { DISPATCH_GITHUB_API_URL: 'https://ghe.example.com/api/v3' }, { kind: 'github', host: 'ghe.example.com', path: 'acme/api' }],
    ['https://git.example.org/team/api.git', undefined, { DISPATCH_GITLAB_URL: 'https://git.example.org' }, { kind: 'gitlab', host: 'git.example.org', path: 'team/api' }],
    ['git@unknown.example.com:acme/api.git', undefined, none, undefined],
    ['/srv/git/api.git', undefined, none, undefined],
    ['file:///srv/git/api.git', undefined, none, undefined],
    ['/srv/git/api.git', 'github:acme/api', none, { kind: 'github', host: 'github.com', path: 'acme/api' }],
    ['/srv/git/api.git', 'gitlab:group/sub/api', none, { kind: 'gitlab', host: 'gitlab.com', path: 'group/sub/api' }],
    ['https://github.com/../../etc', undefined, none, undefined],
  ];
  for (const [url, setting, env, expected] of table) {
    it(`${url}${setting ? ` with dispatch.forge ${setting}` : ''} → ${expected ? `${expected.kind}:${expected.path}` : 'none'}`, () => {
      assert.deepEqual(forgeRepo(url, setting, env), expected);
    });
  }

  it('a malformed dispatch.forge says what it should look like', () => {
    assert.throws(() => forgeRepo('/srv/git/api.git', 'acme/api', none), /should look like github:OWNER\/NAME/);
    assert.throws(() => forgeRepo('/srv/git/api.git', 'github:a/b/c', none), /a GitHub repository is OWNER\/NAME/);
  });
});
