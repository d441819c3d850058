import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the fake Messages API does with one request. */
export type FakeAnswer =
  /** Answers like the real API, with this text as the one content block (after `delayMs`). */
  | { text: string; delayMs?: number }
  /** Answers with an API error. */
  | { status: number; message: string }
  /** Never answers (until the fake closes). */
  | { stall: true };

export interface MessagesRequest {
  headers: Record<string, unknown>;
  body: { model: string; system?: string; max_tokens: number; messages: { role: string; content: string }[] };
}

/**
 * A local stand-in for the Anthropic Messages API on 127.0.0.1 (`POST /v1/messages`):
 * records each request and answers, errs or stalls as told — point the SDK's baseURL at it.
 */
export class FakeMessagesApi {
  readonly requests: MessagesRequest[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(answer: (request: MessagesRequest['body']) => FakeAnswer): Promise<FakeMessagesApi> {
    let fake: FakeMessagesApi | undefined;
    const server = createServer((request, response) => {
      let raw = '';
      request.on('data', (chunk) => (raw += chunk));
      request.on('end', () => {
        const body = JSON.parse(raw) as MessagesRequest['body'];
        fake!.requests.push({ headers: request.headers, body });
        const what = answer(body);
        if ('stall' in what) return;
        if ('status' in what) {
          response.writeHead(what.status, { 'content-type': 'application/json' }).end(JSON.stringify({ type: 'error', error: { type: 'api_error', message: what.message } }));
          return;
        }
        const send = (): void => {
          response.writeHead(200, { 'content-type': 'application/json' }).end(
            JSON.stringify({
              id: `msg_${fake!.requests.length}`,
              type: 'message',
              role: 'assistant',
              model: body.model,
              content: [{ type: 'text', text: what.text }],
              stop_reason: 'end_turn',
              stop_sequence: null,
              usage: { input_tokens: 10, output_tokens: 20 },
            }),
          );
        };
        if (what.delayMs) setTimeout(send, what.delayMs);
        else send();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fake = new FakeMessagesApi(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return fake;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
