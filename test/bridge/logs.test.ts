import assert from 'node:assert/strict';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { createBridgeLogger } from '../../bridge/logger.js';
import { connectToBridge } from '../../extension/core/link/bridgeClient.js';
import { RecordingTransport } from '../helpers/recordingTransport.js';
import { TempDirs, makeRepo, nodeTestProject } from '../helpers/gitRepos.js';
import { RUNNER_TOKEN, WEB_TOKEN, startLiveBridge } from '../helpers/liveBridge.js';

describe('logs', function () {
  this.timeout(30_000);
  const temp = new TempDirs();
  after(() => temp.cleanup());

  it('are JSON lines that never contain a token, even at debug level', async () => {
    const sink = new PassThrough();
    let written = '';
    sink.on('data', (chunk) => (written += chunk));
    const logger = createBridgeLogger('debug', sink);
    const chat = new RecordingTransport('web');
    const alice = { platform: 'web' as const, userId: 'alice' };
    const live = await startLiveBridge({ repos: [{ name: 'api', path: makeRepo(join(temp.make(), 'api'), nodeTestProject('passing')) }], transports: [chat], pairedUsers: [alice], logger });
    try {
      await assert.rejects(connectToBridge(live.bridge.url, `${RUNNER_TOKEN}-wrong`));
      logger.info('a field named like a secret', { token: RUNNER_TOKEN, nested: { authorization: `Bearer ${RUNNER_TOKEN}` } });
      const thread = await chat.say(alice, 'run the tests');
      await chat.waitFor(() => chat.inThread(thread).some((p) => /Approval needed/.test(p.message.title ?? '')), 'the approval request');
    } finally {
      await live.stop();
    }
    const lines = written.trim().split('\n');
    assert.ok(lines.length >= 4, 'something was logged');
    for (const line of lines) JSON.parse(line);
    assert.match(written, /runner refused: bad token/);
    assert.doesNotMatch(written, new RegExp(RUNNER_TOKEN));
    assert.doesNotMatch(written, new RegExp(WEB_TOKEN));
  });
});
