import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeRepo } from '../../helpers/gitRepos.js';
import { Harness, job, latch, ScriptedAgent, waitForEnd, waitForEvent } from '../core/harness.js';

/**
 * A window reload while a session runs: the new window's runner reads the journal while
 * it waits for the old runner's lock, the old runner finishes the session, and then the
 * new runner takes over. The two runners are in one process here, so the "other owner"
 * of the lock is a stand-in process whose pid the lock names.
 */
describe('a runner that waits for the lock while another finishes a session', function () {
  this.timeout(30_000);
  const h = new Harness();
  let holder: ChildProcess | undefined;
  afterEach(async () => {
    holder?.kill('SIGKILL');
    if (holder && holder.exitCode === null && holder.signalCode === null) await once(holder, 'exit');
    holder = undefined;
    await h.cleanup();
  });

  it('takes over with the completed session as the journal has it: no "interrupted", no reused sequence number', async () => {
    const home = h.temp.make('dispatch-home-');
    const repo = makeRepo(path.join(h.temp.make(), 'r'), { 'README.md': '# r\n' });
    const finish = latch();
    const writer = new ScriptedAgent('writer', async function* (context) {
      writeFileSync(path.join(context.worktree, 'NOTES.md'), 'written by the session\n');
      yield { kind: 'progress', text: 'wrote NOTES.md' };
      await finish.promise;
      yield { kind: 'outcome', outcome: { status: 'completed', summary: 'Wrote the notes.' } };
    });
    const old = h.runner({ home, repos: [{ name: 'r', path: repo }], defaultAgent: 'writer' }, [writer]);
    await old.start();
    const { sessionId } = await old.submit(job('write the notes'));
    await waitForEvent(old, (event) => event.sessionId === sessionId && event.kind === 'progress' && event.text === 'wrote NOTES.md');

    // The old runner's process owns the home (the lock names a live process that is not us).
    holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    writeFileSync(path.join(home, 'runner.lock'), String(holder.pid));
    const fresh = h.runner({ home, repos: [{ name: 'r', path: repo }], defaultAgent: 'writer' }, [writer]);
    await assert.rejects(fresh.start(), { code: 'conflict' });
    assert.equal(fresh.session(sessionId)?.state, 'running', 'the waiting runner lists the session as the journal has it');

    finish.open();
    const done = await waitForEnd(old, sessionId);
    assert.equal(done.state, 'completed');
    assert.equal(fresh.session(sessionId)?.state, 'completed', 'reads while waiting see the journal as it is now');

    // The old runner's process exits: its lock is free, and the new runner starts.
    holder.kill('SIGKILL');
    await once(holder, 'exit');
    const before = h.events.length;
    await fresh.start();
    const after = fresh.session(sessionId);
    assert.equal(after?.state, 'completed');
    assert.deepEqual(after?.result?.filesChanged.map((file) => file.path), ['NOTES.md']);
    assert.equal(after?.lastSeq, done.lastSeq, 'no event was added after the final one');
    assert.deepEqual(h.events.slice(before), [], 'the new runner wrote nothing about the finished session');
  });
});
