import assert from 'node:assert/strict';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { dispatcherHarness } from '../helpers/bridgeHarness.js';
import { TempDirs, makeRepo } from '../helpers/gitRepos.js';
import { startLiveBridge } from '../helpers/liveBridge.js';
import { RecordingLogger } from '../helpers/recordingLogger.js';
import { RecordingTransport } from '../helpers/recordingTransport.js';

const HOUR = 60 * 60_000;
const account = (n: number) => ({ platform: 'slack' as const, userId: `UGUESS${n}` });
const firstReply = (h: Awaited<ReturnType<typeof dispatcherHarness>>, thread: Parameters<typeof h.chat.inThread>[0]) => h.chat.inThread(thread)[0]!.message.text;

describe('pairing limits for the whole bridge', () => {
  let h: Awaited<ReturnType<typeof dispatcherHarness>>;
  afterEach(() => h.dispose());

  it('30 accounts guessing pause pairing for everyone, a fresh account included, until the hour has passed', async () => {
    let now = 1_700_000_000_000;
    const logger = new RecordingLogger();
    const notices: string[] = [];
    h = await dispatcherHarness({ clock: { now: () => now }, logger, pairing: { logger, onPause: (notice) => notices.push(notice) } });
    const { code } = await h.pairing.createCode('m1');
    const guesses: string[] = [];
    for (let n = 0; n < 30; n += 1) {
      for (let attempt = 0; attempt < 5; attempt += 1) {
        now += 5;
        // Never the real code: every guess is wrong.
        const guess = String((Number(code) + 1 + n * 5 + attempt) % 1_000_000).padStart(6, '0');
        guesses.push(firstReply(h, await h.chat.say(account(n), `pair ${guess}`)));
      }
    }
    assert.equal(guesses.filter((text) => /not valid/.test(text)).length, 30, 'exactly 30 wrong codes were checked');
    assert.ok(guesses.slice(30).every((text) => /Pairing is paused on this bridge/.test(text)), 'then every guess met the pause');
    assert.equal(notices.length, 1, 'the owners were told once');
    assert.match(notices[0]!, /30 wrong pairing codes were tried within an hour/);

    const fresh = { platform: 'discord' as const, userId: 'FRESH' };
    assert.match(firstReply(h, await h.chat.say(fresh, `pair ${code}`)), /Pairing is paused/);
    assert.equal((await h.store.pairings(fresh)).length, 0, 'even the right code pairs nobody while paused');
    await assert.rejects(h.pairing.createCode('m1'), /Pairing is paused/);

    now += HOUR - 30 * 5 + 1;
    const { code: later } = await h.pairing.createCode('m1');
    assert.match(firstReply(h, await h.chat.say(fresh, `pair ${later}`)), /Paired with laptop/);
    assert.equal((await h.store.pairings(fresh)).length, 1);

    // Expected conditions are not errors in the log, and no log line carries a code.
    assert.deepEqual(logger.lines.filter((line) => line.level === 'error'), []);
    assert.equal(logger.lines.filter((line) => line.level === 'info' && line.message === 'wrong pairing code').length, 30);
    assert.ok(!JSON.stringify(logger.lines).includes(code), 'the real code never reaches the log');
  });

  it('a machine may create 10 codes an hour', async () => {
    let now = 1_700_000_000_000;
    h = await dispatcherHarness({ clock: { now: () => now } });
    for (let n = 0; n < 10; n += 1) {
      await h.pairing.createCode('m1');
      now += 60_000;
    }
    await assert.rejects(h.pairing.createCode('m1'), (error: Error & { code?: string }) => error.code === 'rate_limited' && /10 pairing codes in the last hour/.test(error.message));
    now += HOUR;
    assert.match((await h.pairing.createCode('m1')).code, /^\d{6}$/);
  });

  it('an unpaired task and a wrong code are logged at info, not as errors', async () => {
    const logger = new RecordingLogger();
    h = await dispatcherHarness({ logger, pairing: { logger } });
    await h.chat.say(account(1), 'run the tests');
    await h.chat.say(account(1), 'pair 123456');
    assert.deepEqual(logger.lines.filter((line) => line.level === 'error'), []);
    assert.ok(logger.lines.some((line) => line.level === 'info' && line.fields.code === 'forbidden'));
  });
});

describe('pairing paused, told on the machine', function () {
  this.timeout(30_000);
  const temp = new TempDirs();
  after(() => temp.cleanup());

  it('the runner logs the pause the bridge announces, and asking for a code says why it is refused', async () => {
    const logger = new RecordingLogger();
    const chat = new RecordingTransport('slack');
    const live = await startLiveBridge({ repos: [{ name: 'api', path: makeRepo(join(temp.make(), 'api')) }], transports: [chat], logger });
    try {
      for (let n = 0; n < 6; n += 1) for (let attempt = 0; attempt < 5; attempt += 1) await chat.say(account(n), `pair ${String(100000 + n * 10 + attempt)}`);
      const deadline = Date.now() + 5_000;
      const onMachine = () => logger.lines.find((line) => line.level === 'warn' && line.message.startsWith('Pairing is paused on the bridge') && line.fields.part === undefined);
      while (!onMachine() && Date.now() < deadline) await sleep(20);
      assert.ok(onMachine(), 'the runner logged the notice');
      await assert.rejects(live.link.createPairingCode(), /Pairing is paused on this bridge for about \d+ more minutes/, 'a new code is refused, saying why');
    } finally {
      await live.stop();
    }
  });
});
