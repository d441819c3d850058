import assert from 'node:assert/strict';
import { KeyedSerial } from '../../bridge/keyedSerial.js';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('KeyedSerial: one task at a time per key', () => {
  it('runs the tasks of one key in the order they were queued, even when an earlier one is slower', async () => {
    const serial = new KeyedSerial();
    const seen: string[] = [];
    await Promise.all([
      serial.run('job-1', async () => {
        await tick(30);
        seen.push('first');
      }),
      serial.run('job-1', async () => {
        seen.push('second');
      }),
    ]);
    assert.deepEqual(seen, ['first', 'second']);
  });

  it('lets different keys run side by side', async () => {
    const serial = new KeyedSerial();
    const seen: string[] = [];
    await Promise.all([
      serial.run('job-1', async () => {
        await tick(30);
        seen.push('slow job-1');
      }),
      serial.run('job-2', async () => {
        seen.push('job-2');
      }),
    ]);
    assert.deepEqual(seen, ['job-2', 'slow job-1']);
  });

  it('gives a failure to its own caller only: the next task of the key still runs', async () => {
    const serial = new KeyedSerial();
    const failed = serial.run('job-1', async () => {
      throw new Error('chat API down');
    });
    const next = serial.run('job-1', async () => 'ran');
    await assert.rejects(failed, /chat API down/);
    assert.equal(await next, 'ran');
  });
});
