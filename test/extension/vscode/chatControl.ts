import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Bridge } from '../../../bridge/bridge.js';
import type { ChatUser } from '../../../bridge/chat.js';
import type { RecordingTransport } from '../../helpers/recordingTransport.js';

/**
 * A small HTTP endpoint on 127.0.0.1 through which the extension-host suite (another
 * process) acts as the chat user and reads the bridge: `POST /say {text}` → the new
 * job's id; `GET /job?id=…` → its state as the bridge stored it.
 */
export async function startChatControl(bridge: Bridge, chat: RecordingTransport, user: ChatUser): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (request.method === 'POST' && url.pathname === '/say') {
      let text = '';
      request.on('data', (chunk: Buffer) => (text += chunk.toString()));
      request.on('end', () => {
        void (async () => {
          const before = new Set((await bridge.store.listJobs({ owner: user })).map((job) => job.id));
          await chat.say(user, (JSON.parse(text) as { text: string }).text);
          const job = (await bridge.store.listJobs({ owner: user })).find((candidate) => !before.has(candidate.id));
          reply(job ? 200 : 500, job ? { jobId: job.id } : { error: 'no job was created' });
        })().catch((error: unknown) => reply(500, { error: String(error) }));
      });
      return;
    }
    if (request.method === 'GET' && url.pathname === '/job') {
      void bridge.store
        .getJob(url.searchParams.get('id') ?? '')
        .then((job) => reply(job ? 200 : 404, job ? { state: job.state } : { error: 'no such job' }))
        .catch((error: unknown) => reply(500, { error: String(error) }));
      return;
    }
    reply(404, { error: 'unknown' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
