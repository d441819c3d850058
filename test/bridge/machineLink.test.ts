import assert from 'node:assert/strict';
import { join } from 'node:path';
import WebSocket from 'ws';
import { DispatchError } from '../../shared/errors.js';
import { PROTOCOL_VERSION } from '../../shared/protocol/bridgeRunner.js';
import { connectToBridge } from '../../extension/core/link/bridgeClient.js';
import { TempDirs, makeRepo } from '../helpers/gitRepos.js';
import { RUNNER_TOKEN, startLiveBridge, type LiveBridge } from '../helpers/liveBridge.js';

/** Sends raw JSON-RPC frames and collects the answers by id. */
async function rawRpc(url: string, frames: unknown[]): Promise<Map<number, { result?: unknown; error?: { code: number; message: string } }>> {
  const { socket, connection } = await connectToBridge(url, RUNNER_TOKEN);
  connection.dispose(); // read the socket ourselves
  const answers = new Map<number, { result?: unknown; error?: { code: number; message: string } }>();
  const wanted = frames.filter((frame) => typeof frame === 'object' && frame !== null && typeof (frame as { id?: unknown }).id === 'number').length;
  await new Promise<void>((resolve) => {
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { id: number | null; result?: unknown; error?: { code: number; message: string } };
      // Answers to frames without a usable id come back with id null; the caller counts on numbered ones.
      if (message.id === null) return;
      answers.set(message.id, message);
      if (answers.size === wanted) resolve();
    });
    for (const frame of frames) socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  });
  socket.close();
  return answers;
}

describe('the machine link refuses what it must', function () {
  this.timeout(30_000);
  const temp = new TempDirs();
  let live: LiveBridge;
  before(async () => {
    live = await startLiveBridge({ repos: [{ name: 'api', path: makeRepo(join(temp.make(), 'api')) }], withRunner: false });
  });
  after(async () => {
    await live.stop();
    temp.cleanup();
  });

  it('refuses a wrong or missing runner token before any message (HTTP 401)', async () => {
    await assert.rejects(connectToBridge(live.bridge.url, 'not-the-token-at-all'), (error: DispatchError) => error.code === 'unauthorized');
    const status = await new Promise<number>((resolve) => {
      const socket = new WebSocket(`${live.bridge.url.replace('http', 'ws')}/runner`);
      socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      socket.on('open', () => resolve(101));
    });
    assert.equal(status, 401);
  });

  it('answers requests before hello, bad params and unknown methods with errors, and stores nothing', async () => {
    const answers = await rawRpc(live.bridge.url, [
      { jsonrpc: '2.0', id: 1, method: 'session/events', params: { events: [{ sessionId: 'x', seq: 1, at: 1, kind: 'progress', text: 'hi' }] } },
      { jsonrpc: '2.0', id: 2, method: 'machine/hello', params: { protocolVersion: 'one' } },
      { jsonrpc: '2.0', id: 3, method: 'jobs/deleteAll', params: {} },
      'this is not json',
      {
        jsonrpc: '2.0',
        id: 4,
        method: 'machine/hello',
        params: { protocolVersion: PROTOCOL_VERSION + 1, machineId: 'm', machineName: 'n', platform: 'linux', agent: 'builtin', repos: [] },
      },
    ]);
    assert.match(answers.get(1)?.error?.message ?? '', /hello first/);
    assert.match(answers.get(2)?.error?.message ?? '', /Invalid params for machine\/hello/);
    assert.ok(answers.get(3)?.error, 'unknown method is an error');
    assert.match(answers.get(4)?.error?.message ?? '', /protocol/);
    assert.equal(await live.bridge.store.getMachine('m'), undefined, 'a refused hello registers nothing');
  });

  it('gives a machine a 6-digit pairing code only after hello', async () => {
    const answers = await rawRpc(live.bridge.url, [
      { jsonrpc: '2.0', id: 1, method: 'pairing/create', params: {} },
      { jsonrpc: '2.0', id: 2, method: 'machine/hello', params: { protocolVersion: PROTOCOL_VERSION, machineId: 'm2', machineName: 'desk', platform: 'linux', agent: 'builtin', repos: [], role: 'pairing' } },
      { jsonrpc: '2.0', id: 3, method: 'pairing/create', params: {} },
    ]);
    assert.ok(answers.get(1)?.error);
    assert.match((answers.get(3)?.result as { code: string }).code, /^\d{6}$/);
    assert.equal(live.bridge.hub.isOnline('m2'), false, 'a pairing connection is not a runner');
  });
});
