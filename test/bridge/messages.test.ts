import assert from 'node:assert/strict';
import { finalMessage, statusMessage } from '../../bridge/messages.js';
import type { JobRecord } from '../../bridge/store/store.js';
import type { SessionResult } from '../../shared/sessions.js';

const result: SessionResult = {
  summary: 'Tests failed: 2 passed, 1 failed (`npm test`).\n• adds — 2 !== 3',
  filesChanged: [],
  diffstat: '',
  branch: '',
  baseCommit: 'abc',
  worktree: '',
  durationMs: 4_000,
  waitingMs: 190_000,
  tests: { command: 'npm test', passed: 2, failed: 1, failures: ['adds'] },
  error: 'Tests failed (exit code 1)',
};

function job(extra: Partial<JobRecord>): JobRecord {
  return {
    id: '3f9a1c2e-0000-4000-8000-000000000000',
    owner: { platform: 'web', userId: 'alice' },
    machineId: 'm1',
    task: 'run the tests',
    repo: 'api',
    forced: false,
    routeReason: 'coding',
    thread: { platform: 'web', channelId: 'c', threadId: 't' },
    delivery: 'accepted',
    state: 'running',
    branch: 'dispatch/3f9a1c2e-run-the-tests',
    lastSeq: 5,
    pendingApprovals: [],
    createdAt: 1_000,
    updatedAt: 2_000,
    ...extra,
  };
}

describe('what the thread says', () => {
  it('the final message says each fact once: state in the title, counts in the summary, work and wait apart', () => {
    const message = finalMessage(job({ state: 'failed', result }), 'laptop');
    assert.equal(message.title, 'Session 3f9a1c2e failed');
    assert.equal(message.text, result.summary, 'the error line repeats the summary: left out');
    assert.deepEqual(message.fields, [
      { label: 'Repo', value: 'api' },
      { label: 'Machine', value: 'laptop' },
      { label: 'Duration', value: '4 s' },
      { label: 'Waiting for you', value: '3 min 10 s' },
    ]);
  });

  it('a finished session\'s status no longer says "On it" nor repeats the outcome the result below tells', () => {
    // What the notifier hands the status at the end: the result's error, or the summary's first line.
    const failed = statusMessage(job({ state: 'failed', result }), 'laptop', 'Tests failed (exit code 1)');
    assert.equal(failed.text, 'Session 3f9a1c2e on laptop, repo api.');
    assert.equal(failed.title, 'Code session 3f9a1c2e: failed');
    const denied = { ...result, summary: 'Did not install dependencies (`npm ci`): denied — ana said no in the chat', error: 'Denied: ana said no in the chat', tests: undefined };
    assert.equal(statusMessage(job({ state: 'failed', result: denied }), 'laptop', denied.error).text, 'Session 3f9a1c2e on laptop, repo api.');
    const passed = { ...result, summary: 'Tests passed: 3 passed, 0 failed (`npm test`).', error: undefined };
    assert.equal(statusMessage(job({ state: 'completed', result: passed }), 'laptop', passed.summary).text, 'Session 3f9a1c2e on laptop, repo api.');
    // A note the result does not carry still shows.
    const attached = statusMessage(job({ state: 'completed', result: passed }), 'laptop', 'Continued in a terminal on desk by ana.');
    assert.equal(attached.text, 'Session 3f9a1c2e on laptop, repo api.\nContinued in a terminal on desk by ana.');
    // While it runs, the latest line is the news.
    assert.equal(statusMessage(job({ state: 'running' }), 'laptop', 'Running `npm test`…').text, 'On it — session 3f9a1c2e on laptop, repo api.\nRunning `npm test`…');
  });

  it('the status shows the command running now, the elapsed time, and no stale duration of an earlier turn', () => {
    const message = statusMessage(job({ state: 'running', result }), 'laptop', 'Running `npm test`…', false, 61_000, 'npm test');
    assert.equal(message.title, 'Code session 3f9a1c2e: running `npm test`');
    assert.deepEqual(message.fields?.map((f) => f.label), ['Repo', 'Machine', 'Branch', 'Elapsed']);
    assert.equal(message.fields?.find((f) => f.label === 'Elapsed')?.value, '1 min 0 s');
    const waiting = statusMessage(job({ state: 'waiting_for_approval' }), 'laptop', undefined, false, 61_000);
    assert.equal(waiting.title, 'Code session 3f9a1c2e: waiting for your approval');
  });
});
