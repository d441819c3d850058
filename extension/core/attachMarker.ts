import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DispatchError } from '../../shared/errors.js';
import { sessionFileKey } from './slug.js';
import { isProcessAlive } from './processTree.js';

/**
 * `dispatch attach` and the runner are separate processes that share DISPATCH_HOME. While a
 * terminal is attached to a session, a marker file `<home>/journal/attached/<session>.json`
 * holds the attach process's pid; the runner reads it on every follow-up and holds the
 * follow-up instead of starting a turn. A marker whose pid is gone (a crashed or killed
 * terminal) counts as no marker, so nothing is held forever.
 */
export const AttachMarkerSchema = z.object({
  sessionId: z.string().min(1),
  pid: z.number().int().positive(),
  machine: z.string(),
  user: z.string(),
  startedAt: z.number().int().nonnegative(),
});
export type AttachMarker = z.infer<typeof AttachMarkerSchema>;

/** Follow-ups that arrived while the terminal was attached, kept until it exits. */
const HeldSchema = z.array(z.object({ text: z.string(), at: z.number() }));
export type HeldFollowUp = z.infer<typeof HeldSchema>[number];

export function attachDir(home: string): string {
  return path.join(home, 'journal', 'attached');
}

function markerFile(home: string, sessionId: string): string {
  return path.join(attachDir(home), `${sessionFileKey(sessionId)}.json`);
}

function heldFile(home: string, sessionId: string): string {
  return path.join(attachDir(home), `${sessionFileKey(sessionId)}.held.json`);
}

function readMarkerFile(file: string): AttachMarker | undefined {
  try {
    return AttachMarkerSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    return undefined;
  }
}

/**
 * Claims the session for this terminal (exclusive create, like the runner lock). A marker
 * left by a terminal that died is taken over; one held by a live terminal is refused.
 */
export function claimAttach(home: string, marker: AttachMarker): void {
  mkdirSync(attachDir(home), { recursive: true });
  const file = markerFile(home, marker.sessionId);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      writeFileSync(file, JSON.stringify(marker), { flag: 'wx', mode: 0o600 });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = readMarkerFile(file);
    if (owner && owner.pid !== marker.pid && isProcessAlive(owner.pid)) {
      throw new DispatchError('conflict', `Session ${marker.sessionId.slice(0, 8)} is already open in a terminal on ${owner.machine} by ${owner.user} (pid ${owner.pid}).`);
    }
    rmSync(file, { force: true });
  }
  throw new DispatchError('conflict', `Could not claim ${file}.`);
}

/** Removes the marker, but only if it is still this process's. */
export function releaseAttach(home: string, sessionId: string, pid: number): void {
  const file = markerFile(home, sessionId);
  if (readMarkerFile(file)?.pid === pid) rmSync(file, { force: true });
}

/** The live marker for a session, or undefined (a dead terminal's marker is removed on the way). */
export function liveAttach(home: string, sessionId: string): AttachMarker | undefined {
  const file = markerFile(home, sessionId);
  const marker = readMarkerFile(file);
  if (!marker) return undefined;
  if (isProcessAlive(marker.pid)) return marker;
  rmSync(file, { force: true });
  return undefined;
}

/** Every marker on disk, alive or not (the runner's watch decides what a dead one means). */
export function allAttachMarkers(home: string): AttachMarker[] {
  let names: string[];
  try {
    names = readdirSync(attachDir(home));
  } catch {
    return [];
  }
  return names
    .filter((name) => name.endsWith('.json') && !name.endsWith('.held.json'))
    .map((name) => readMarkerFile(path.join(attachDir(home), name)))
    .filter((marker): marker is AttachMarker => marker !== undefined);
}

/** Session ids that have held follow-ups waiting. */
export function sessionsWithHeldFollowUps(home: string): string[] {
  let names: string[];
  try {
    names = readdirSync(attachDir(home));
  } catch {
    return [];
  }
  const ids: string[] = [];
  for (const name of names.filter((n) => n.endsWith('.held.json'))) {
    try {
      const parsed = z.object({ sessionId: z.string(), held: HeldSchema }).parse(JSON.parse(readFileSync(path.join(attachDir(home), name), 'utf8')));
      if (parsed.held.length > 0) ids.push(parsed.sessionId);
    } catch {
      // Unreadable: left for a human, like the journal's unreadable records.
    }
  }
  return ids;
}

export function readHeld(home: string, sessionId: string): HeldFollowUp[] {
  try {
    const parsed = z.object({ sessionId: z.string(), held: HeldSchema }).parse(JSON.parse(readFileSync(heldFile(home, sessionId), 'utf8')));
    return parsed.held;
  } catch {
    return [];
  }
}

/** Adds a follow-up to the held list, on disk before the chat hears it was held. */
export function holdFollowUp(home: string, sessionId: string, followUp: HeldFollowUp): void {
  mkdirSync(attachDir(home), { recursive: true });
  const file = heldFile(home, sessionId);
  const temp = `${file}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w', 0o600);
  try {
    writeSync(fd, JSON.stringify({ sessionId, held: [...readHeld(home, sessionId), followUp] }));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
}

/** Takes the held follow-ups off disk (the caller runs them). */
export function takeHeld(home: string, sessionId: string): HeldFollowUp[] {
  const held = readHeld(home, sessionId);
  rmSync(heldFile(home, sessionId), { force: true });
  return held;
}
