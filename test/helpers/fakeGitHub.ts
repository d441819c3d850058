import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakePull {
  number: number;
  owner: string;
  repo: string;
  head: string;
  base: string;
  title: string;
  body: string;
  draft: boolean;
  html_url: string;
}

export interface FakeGitHubRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: unknown;
}

/**
 * A stand-in for the GitHub REST API on 127.0.0.1 (never another interface), for
 * Octokit to talk to: it checks the token in `Authorization`, validates the body of
 * `POST /repos/:owner/:repo/pulls`, and answers 201 (created), 422 (one is already open
 * for that head, as GitHub words it) and, when told to, 403. It keeps every request.
 */
export class FakeGitHub {
  readonly requests: FakeGitHubRequest[] = [];
  readonly pulls: FakePull[] = [];
  /** Answer pull request creation with 403, as GitHub does for a token without the permission. */
  forbid = false;
  /** What a 403 says (a proxy that echoes the request's token is how a token ends up in an error). */
  forbidMessage = 'Resource not accessible by personal access token';
  defaultBranch = 'main';
  private server: Server | undefined;
  private nextNumber = 41;

  constructor(readonly token: string) {}

  async start(): Promise<string> {
    this.server = createServer((request, response) => void this.answer(request, response));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this.url;
  }

  get url(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      return send(response, 400, { message: 'Problems parsing JSON' });
    }
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const method = request.method ?? 'GET';
    this.requests.push({ method, path: `${url.pathname}${url.search}`, authorization: request.headers.authorization, body });
    const auth = request.headers.authorization ?? '';
    if (auth !== `token ${this.token}` && auth !== `Bearer ${this.token}`) return send(response, 401, { message: 'Bad credentials' });
    const repoMatch = /^\/repos\/([^/]+)\/([^/]+)(\/pulls)?$/.exec(url.pathname);
    if (!repoMatch) return send(response, 404, { message: 'Not Found' });
    const [, owner, repo, pulls] = repoMatch as unknown as [string, string, string, string | undefined];
    if (!pulls && method === 'GET') return send(response, 200, { full_name: `${owner}/${repo}`, default_branch: this.defaultBranch });
    if (pulls && method === 'GET') {
      const head = url.searchParams.get('head');
      const state = url.searchParams.get('state') ?? 'open';
      const found = this.pulls.filter((pull) => pull.owner === owner && pull.repo === repo && (!head || `${owner}:${pull.head}` === head) && state === 'open');
      return send(response, 200, found.map(pullJson));
    }
    if (pulls && method === 'POST') {
      if (this.forbid) return send(response, 403, { message: this.forbidMessage.replace('$AUTHORIZATION', auth), documentation_url: 'https://docs.github.com/rest/pulls/pulls#create-a-pull-request' });
      const fields = body as Partial<Record<'head' | 'base' | 'title' | 'body', unknown>> & { draft?: unknown };
      const invalid = ['head', 'base', 'title', 'body'].filter((key) => typeof fields?.[key as 'head'] !== 'string' || (key !== 'body' && !(fields[key as 'head'] as string)));
      if (invalid.length > 0 || typeof fields.draft !== 'boolean') {
        return send(response, 422, { message: 'Validation Failed', errors: invalid.map((field) => ({ resource: 'PullRequest', field, code: 'missing_field' })) });
      }
      const head = fields.head as string;
      if (this.pulls.some((pull) => pull.owner === owner && pull.repo === repo && pull.head === head)) {
        return send(response, 422, { message: 'Validation Failed', errors: [{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${owner}:${head}.` }] });
      }
      const number = ++this.nextNumber;
      const pull: FakePull = { number, owner, repo, head, base: fields.base as string, title: fields.title as string, body: fields.body as string, draft: fields.draft, html_url: `https://github.com/${owner}/${repo}/pull/${number}` };
      this.pulls.push(pull);
      return send(response, 201, pullJson(pull));
    }
    return send(response, 404, { message: 'Not Found' });
  }
}

function pullJson(pull: FakePull) {
  return { number: pull.number, html_url: pull.html_url, draft: pull.draft, title: pull.title, body: pull.body, state: 'open', head: { ref: pull.head }, base: { ref: pull.base } };
}

function send(response: ServerResponse, status: number, data: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(data));
}
