import assert from 'node:assert/strict';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { RecordingTransport } from '../helpers/recordingTransport.js';
import { TempDirs, makeRepo } from '../helpers/gitRepos.js';
import { startLiveBridge, type LiveBridge } from '../helpers/liveBridge.js';

async function until(test: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('pairing a chat with a machine, end to end', function () {
  this.timeout(30_000);
  const temp = new TempDirs();
  let live: LiveBridge | undefined;
  afterEach(async () => {
    await live?.stop();
    temp.cleanup();
  });

  it('a code from the machine pairs the chat user; the machine learns it is paired, and unpaired', async () => {
    const chat = new RecordingTransport('slack');
    const alice = { platform: 'slack' as const, userId: 'UALICE' };
    live = await startLiveBridge({ repos: [{ name: 'api', path: makeRepo(join(temp.make(), 'api')) }], transports: [chat] });
    assert.equal(live.link.paired, false, 'nobody is paired yet');

    const before = await chat.say(alice, 'run the tests');
    assert.match(chat.inThread(before)[0]!.message.text, /haven't paired a machine/);

    const { code } = await live.link.createPairingCode();
    const reply = await chat.say(alice, `pair ${code.slice(0, 3)} ${code.slice(3)}`);
    assert.match(chat.inThread(reply)[0]!.message.text, /Paired with laptop/);
    await until(() => live!.link.paired === true, 'the machine to hear it is paired');

    const again = await chat.say(alice, `pair ${code}`);
    assert.match(chat.inThread(again)[0]!.message.text, /not valid \(wrong, used or older than 10 minutes\)/, 'a code works once');

    await chat.say(alice, 'unpair');
    await until(() => live!.link.paired === false, 'the machine to hear it is unpaired');
  });
});
