import assert from 'node:assert/strict';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import type WebSocket from 'ws';
import type { DispatchError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import { PROTOCOL_VERSION, runnerToBridge } from '../../shared/protocol/bridgeRunner.js';
import { call } from '../../shared/protocol/rpc.js';
import { connectToBridge } from '../../extension/core/link/bridgeClient.js';
import { TempDirs, makeRepo } from '../helpers/gitRepos.js';
import { RUNNER_TOKEN, startLiveBridge, type LiveBridge } from '../helpers/liveBridge.js';

type Answer = { id: unknown; error?: { code: number; message: string }; result?: unknown };

const hello = (machineId: string) => ({ protocolVersion: PROTOCOL_VERSION, machineId, machineName: machineId, platform: 'linux', agent: 'builtin', repos: [], role: 'runner' });

/** Sends raw text frames on the runner endpoint and collects every answer, in order. */
async function rawFrames(url: string, frames: string[], expected: number): Promise<Answer[]> {
  const { socket, connection } = await connectToBridge(url, RUNNER_TOKEN);
  connection.dispose(); // read the socket ourselves
  const answers: Answer[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${answers.length} of ${expected} answers: ${JSON.stringify(answers)}`)), 5_000);
    socket.on('message', (data) => {
      answers.push(JSON.parse(String(data)) as Answer);
      if (answers.length === expected) {
        clearTimeout(timer);
        resolve();
      }
    });
    for (const frame of frames) socket.send(frame);
  });
  socket.close();
  return answers;
}

function recordingLogger(lines: { level: string; message: string; fields?: Record<string, unknown> }[]): Logger {
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) => void lines.push({ level, message, ...(fields ? { fields } : {}) });
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => logger };
  return logger;
}

describe('the machine link answers protocol edge cases with JSON-RPC errors', function () {
  this.timeout(30_000);
  const temp = new TempDirs();
  let live: LiveBridge;
  const runnerLog: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  before(async () => {
    live = await startLiveBridge({ repos: [{ name: 'api', path: makeRepo(join(temp.make(), 'api')) }], logger: recordingLogger(runnerLog) });
  });
  after(async () => {
    await live.stop();
    temp.cleanup();
  });

  it('a batch, an id of null or an object, "jsonrpc": "1.0" and a frame that is not JSON each get an error, and change nothing', async () => {
    const request = (machineId: string, extra: Record<string, unknown>) => JSON.stringify({ jsonrpc: '2.0', method: 'machine/hello', params: hello(machineId), ...extra });
    const answers = await rawFrames(
      live.bridge.url,
      [
        JSON.stringify([{ jsonrpc: '2.0', id: 1, method: 'machine/hello', params: hello('m-batch') }]),
        request('m-null', { id: null }),
        request('m-object', { id: { nested: 1 } }),
        request('m-one', { id: 7, jsonrpc: '1.0' }),
        '{"jsonrpc": "2.0", "id": 8, "method": ',
        request('m-fine', { id: 9 }),
      ],
      6,
    );
    const [batch, nullId, objectId, oldVersion, notJson, fine] = answers;
    assert.deepEqual(batch, { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'Batches are not supported: send one JSON-RPC message per frame.' } });
    assert.equal(nullId?.id, null);
    assert.match(nullId?.error?.message ?? '', /id must be a string or a number/);
    assert.equal(objectId?.error?.code, -32600);
    assert.match(objectId?.error?.message ?? '', /id must be a string or a number/);
    assert.equal(oldVersion?.id, 7, 'a usable id is echoed');
    assert.match(oldVersion?.error?.message ?? '', /Only JSON-RPC 2\.0.*not "1\.0"/);
    assert.deepEqual(notJson?.error, { code: -32700, message: 'Parse error: the frame is not JSON.' });
    assert.equal(fine?.id, 9);
    assert.ok(fine?.result, 'a good request on the same socket still works');
    for (const id of ['m-batch', 'm-null', 'm-object', 'm-one']) assert.equal(await live.bridge.store.getMachine(id), undefined, `${id} was not registered`);
    assert.ok(await live.bridge.store.getMachine('m-fine'));
  });

  it('a 1 MB frame closes the link with a reason a person can read (1009)', async () => {
    const { socket, connection } = await connectToBridge(live.bridge.url, RUNNER_TOKEN);
    connection.dispose();
    const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    socket.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'machine/hello', params: { ...hello('m-big'), machineName: 'x'.repeat(1_048_576) } }));
    const { code, reason } = await closed;
    assert.equal(code, 1009);
    assert.match(reason, /^Message too large \(1048\d{3} bytes; at most 524288\)\.$/);
    assert.equal(await live.bridge.store.getMachine('m-big'), undefined);
  });

  it('the runner logs the reason when the bridge closes its link for a frame that is too big, and reconnects', async () => {
    const socket = (live.link as unknown as { socket: WebSocket }).socket;
    socket.send('x'.repeat(1_048_576));
    await new Promise<void>((resolve, reject) => {
      const end = Date.now() + 5_000;
      const check = (): void => {
        if (runnerLog.some((line) => line.message === 'bridge link lost; reconnecting' && /Message too large/.test(String(line.fields?.reason)))) resolve();
        else if (Date.now() > end) reject(new Error(`not logged: ${JSON.stringify(runnerLog.filter((line) => line.level !== 'debug'))}`));
        else setTimeout(check, 20);
      };
      check();
    });
    const line = runnerLog.find((entry) => entry.message === 'bridge link lost; reconnecting')!;
    assert.equal(line.level, 'warn');
    assert.match(String(line.fields?.reason), /^Message too large \(1048576 bytes; at most 524288\)\. — code 1009$/);
    await new Promise<void>((resolve) => (live.link.status === 'online' ? resolve() : live.link.onStatus((status) => status === 'online' && resolve())));
  });

  it('a request the other end never answers fails after its timeout instead of hanging', async () => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    server.on('connection', () => undefined); // accepts, then never answers
    try {
      const port = (server.address() as { port: number }).port;
      const { socket, connection } = await connectToBridge(`ws://127.0.0.1:${port}`, 'any-token');
      const started = Date.now();
      await assert.rejects(call(connection, runnerToBridge, 'machine/hello', hello('m-timeout') as never, { timeoutMs: 300 }), (error: DispatchError) => {
        assert.equal(error.code, 'offline');
        assert.match(error.message, /No answer to machine\/hello within 0\.3 s/);
        return true;
      });
      const waited = Date.now() - started;
      assert.ok(waited >= 290 && waited < 1_500, `waited ${waited} ms`);
      connection.dispose();
      socket.terminate();
    } finally {
      for (const client of server.clients) client.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
