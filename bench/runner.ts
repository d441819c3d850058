// Runner benchmark: time from "session requested" (submit) to "agent started in a fresh
// worktree", against a raw `git worktree add` of the same repository in the same run.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Agent } from '../extension/core/agents/agent.js';
import { createAgentFactory } from '../extension/core/agents/registry.js';
import { Runner } from '../extension/core/runner.js';
import { fmt, median } from './stats.js';

const run = promisify(execFile);
const FILES = 5_000;
const ROUNDS = 5;

function git(cwd: string, args: string[]) {
  return run('git', ['-c', 'user.name=Bench', '-c', 'user.email=bench@localhost', '-c', 'commit.gpgsign=false', ...args], {
    cwd,
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** A repository of FILES small source files in 50 folders, one commit. */
export async function generateRepo(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await git(dir, ['init', '--quiet', '--initial-branch=main']);
  for (let i = 0; i < FILES; i++) {
    const folder = path.join(dir, 'src', `module${i % 50}`);
    if (i < 50) mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, `file${i}.ts`), `export const value${i} = ${i};\n// ${'x'.repeat(i % 200)}\n`);
  }
  await git(dir, ['add', '--all']);
  await git(dir, ['commit', '--quiet', '-m', 'generated']);
}

/** An agent that only records when it was started, then finishes. */
export function stopwatchAgent(onStart: () => void): Agent {
  return {
    name: 'stopwatch',
    async *run() {
      onStart();
      yield { kind: 'outcome', outcome: { status: 'completed', summary: 'started', commitChanges: false } };
    },
  };
}

export async function rawWorktreeAdd(repo: string, target: string, branch: string): Promise<number> {
  const started = performance.now();
  await git(repo, ['worktree', 'add', '--quiet', '-b', branch, target, 'HEAD']);
  return performance.now() - started;
}

async function runnerToAgentStart(runner: Runner, round: number, started: { at: number }): Promise<number> {
  const finished = new Promise<void>((resolve) => {
    const unsubscribe = runner.onEvent((event) => {
      if (event.kind === 'state' && event.sessionId === `bench-${round}` && event.state === 'completed') {
        unsubscribe();
        resolve();
      }
    });
  });
  const requested = performance.now();
  await runner.submit({
    jobId: `bench-${round}`,
    task: `bench round ${round}`,
    requestedBy: { platform: 'cli', userId: 'bench' },
    createdAt: Date.now(),
  });
  await finished;
  return started.at - requested;
}

export async function benchRunner(): Promise<void> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'dispatch-bench-runner-'));
  try {
    const repo = path.join(root, 'repo');
    const t0 = performance.now();
    await generateRepo(repo);
    console.log(`runner: generated a repository of ${FILES.toLocaleString('en-US')} files in ${fmt(performance.now() - t0, 0)} ms`);

    const started = { at: 0 };
    const agent = stopwatchAgent(() => (started.at = performance.now()));
    const runner = new Runner({
      home: path.join(root, 'home'),
      repos: [{ name: 'bench', path: repo }],
      agents: createAgentFactory({ stopwatch: () => agent }),
      defaultAgent: 'stopwatch',
    });
    await runner.start();

    // One warm-up of each (file cache, git's first run, module loading), then alternate.
    await rawWorktreeAdd(repo, path.join(root, 'raw', 'warm'), 'bench/raw-warm');
    await runnerToAgentStart(runner, 0, started);
    const raw: number[] = [];
    const session: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      raw.push(await rawWorktreeAdd(repo, path.join(root, 'raw', String(round)), `bench/raw-${round}`));
      session.push(await runnerToAgentStart(runner, round, started));
    }
    await runner.stop();

    const rawMs = median(raw);
    const sessionMs = median(session);
    const ratio = sessionMs / rawMs;
    const target = 1.25 * rawMs + 150;
    console.log(
      `runner: session → agent started ${fmt(sessionMs, 0)} ms vs raw git worktree add ${fmt(rawMs, 0)} ms ` +
        `(${fmt(ratio, 2)}×; target ≤ 1.25× + 150 ms = ${fmt(target, 0)} ms: ${sessionMs <= target ? 'met' : 'MISSED'})`,
    );
    console.log(`runner: samples raw [${raw.map((v) => fmt(v, 0)).join(', ')}] session [${session.map((v) => fmt(v, 0)).join(', ')}]`);
  } finally {
    rmSync(root, { recursive: true, force: true, maxRetries: 3 });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await benchRunner();
}
