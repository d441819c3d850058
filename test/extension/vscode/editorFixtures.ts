import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Bridge } from '../../../bridge/bridge.js';
import type { ChatUser } from '../../../bridge/chat.js';
import { makeRepo, nodeTestProject } from '../../helpers/gitRepos.js';

/** The chat user who texts tasks in the editor tests. */
export const alice: ChatUser = { platform: 'web', userId: 'alice', displayName: 'alice' };

/** The editor runner's machine id: written to DISPATCH_HOME/machine.json before it starts. */
export const EDITOR_MACHINE_ID = 'machine-editor-test';

/**
 * A repository whose `npm test` passes and then appends a line to CHANGELOG.md (left
 * uncommitted in the session worktree, as the builtin agent never commits): a session
 * on it asks for approval, completes, and has a change to show.
 */
export function makeEditorRepo(dir: string): string {
  const project = nodeTestProject('passing');
  const manifest = JSON.parse(project['package.json']!) as { scripts: Record<string, string> };
  manifest.scripts.test = `node --test && node -e "require('fs').appendFileSync('CHANGELOG.md', '- tests ran in the session\\n')"`;
  return makeRepo(dir, { ...project, 'package.json': JSON.stringify(manifest, null, 2), 'CHANGELOG.md': '# Changelog\n' });
}

/** A DISPATCH_HOME with a known machine id, paired (on the bridge) with `users`. */
export async function prepareEditorMachine(home: string, bridge: Bridge, users: ChatUser[], name = 'editor-box'): Promise<void> {
  mkdirSync(home, { recursive: true });
  writeFileSync(path.join(home, 'machine.json'), JSON.stringify({ machineId: EDITOR_MACHINE_ID }));
  // Stored before anything is typed: a task sent first would find its person unpaired.
  await bridge.store.upsertMachine({ id: EDITOR_MACHINE_ID, name, platform: process.platform, agent: 'builtin', repos: [{ name: 'api', default: true }], lastSeenAt: 0 });
  for (const user of users) await bridge.store.addPairing(user, EDITOR_MACHINE_ID, 0);
}

/**
 * The editor's runner outlives its window while sessions are under way (by design), so a
 * test that closes code-server ends that runner itself: its pid is in DISPATCH_HOME's lock.
 */
export function killLingeringRunner(home: string): void {
  try {
    const pid = Number(readFileSync(path.join(home, 'runner.lock'), 'utf8').trim());
    if (pid > 0 && pid !== process.pid) process.kill(pid, 'SIGKILL');
  } catch {
    // No lock (it exited on its own) or the process is gone already.
  }
}
