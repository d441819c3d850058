import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openGitLabMergeRequest } from '../../../../extension/core/ship/gitlab.js';
import { SecretMask } from '../../../../extension/core/secretMask.js';

const TOKEN = 'glpat-fakeGitLabToken0123456789';

/** A few routes of the GitLab v4 API on 127.0.0.1: it checks PRIVATE-TOKEN and answers 201, 409 (+ the lookup) and 401. */
function fakeGitLab(): Promise<{ url: string; server: Server; created: unknown[] }> {
  const created: unknown[] = [];
  const server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    request.on('end', () => {
      const send = (status: number, data: unknown) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(data));
      if (request.headers['private-token'] !== TOKEN) return send(401, { message: '401 Unauthorized' });
      const url = new URL(request.url ?? '/', 'http://x');
      if (!url.pathname.startsWith('/api/v4/projects/group%2Fapi')) return send(404, { message: '404 Project Not Found' });
      if (url.pathname.endsWith('/merge_requests') && request.method === 'POST') {
        const body = JSON.parse(raw) as { source_branch: string; target_branch: string; title: string };
        if (created.length > 0) return send(409, { message: ['Another open merge request already exists for this source branch: !7'] });
        created.push(body);
        return send(201, { iid: 7, web_url: 'https://gitlab.example/group/api/-/merge_requests/7', draft: body.title.startsWith('Draft: ') });
      }
      if (url.pathname.endsWith('/merge_requests')) return send(200, [{ iid: 7, web_url: 'https://gitlab.example/group/api/-/merge_requests/7', draft: true }]);
      return send(200, { default_branch: 'trunk' });
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, created })));
}

describe('GitLab merge requests from the machine (GITLAB_TOKEN)', () => {
  it('opens a draft merge request into the default branch, then links the open one on a second try', async () => {
    const gitlab = await fakeGitLab();
    try {
      const request = { baseUrl: gitlab.url, token: TOKEN, path: 'group/api', branch: 'dispatch/abc-notes', title: 'Write notes', body: 'Summary', draft: true, mask: new SecretMask().add(TOKEN) };
      const first = await openGitLabMergeRequest(request);
      assert.deepEqual(first, { number: 7, url: 'https://gitlab.example/group/api/-/merge_requests/7', draft: true, existing: false });
      assert.deepEqual(gitlab.created[0], { source_branch: 'dispatch/abc-notes', target_branch: 'trunk', title: 'Draft: Write notes', description: 'Summary' });
      const second = await openGitLabMergeRequest(request);
      assert.equal(second.existing, true);
      await assert.rejects(openGitLabMergeRequest({ ...request, token: 'glpat-wrongToken000000000' }), /GitLab did not open the merge request \(HTTP 401\): 401 Unauthorized/);
    } finally {
      gitlab.server.close();
    }
  });
});
