import type { ClusterTimings } from '../config.js';

/** The setting each timing is read from (config.ts): what a person changes to fix a mismatch. */
export const TIMING_SETTINGS: Record<keyof ClusterTimings, string> = {
  heartbeatMs: 'DISPATCH_CLUSTER_BEAT_MS',
  freshMs: 'DISPATCH_CLUSTER_STALE_MS',
  notifyLeaseMs: 'DISPATCH_NOTIFY_LEASE_MS',
  notifyRenewMs: 'DISPATCH_NOTIFY_RENEW_MS',
  notifySweepMs: 'DISPATCH_NOTIFY_SWEEP_MS',
  sweepMs: 'DISPATCH_MACHINE_SWEEP_MS',
  pruneEveryMs: 'DISPATCH_PRUNE_EVERY_MS',
};

/** A bridge's timings as its `bridges` row holds them: setting name → milliseconds. */
export type RecordedTimings = Record<string, number>;

/** The timings a bridge runs with, by setting name (values the bridge does not know are left out). */
export function recordedTimings(timings: Partial<ClusterTimings>): RecordedTimings {
  const recorded: RecordedTimings = {};
  for (const [key, setting] of Object.entries(TIMING_SETTINGS) as [keyof ClusterTimings, string][]) {
    const value = timings[key];
    if (typeof value === 'number') recorded[setting] = value;
  }
  return recorded;
}

/** One setting on which this bridge and a live peer disagree. */
export interface TimingMismatch {
  setting: string;
  here: number;
  peer: number;
  bridgeId: string;
}

/**
 * The settings each peer runs with differently from `own`. A peer that recorded none (an
 * older Dispatch) or lacks a setting is not compared on it: unknown is not different.
 */
export function timingMismatches(own: RecordedTimings, peers: ReadonlyArray<{ id: string; timings?: RecordedTimings | null }>): TimingMismatch[] {
  const mismatches: TimingMismatch[] = [];
  for (const peer of peers) {
    if (!peer.timings) continue;
    for (const [setting, here] of Object.entries(own)) {
      const theirs = peer.timings[setting];
      if (typeof theirs === 'number' && theirs !== here) mismatches.push({ setting, here, peer: theirs, bridgeId: peer.id });
    }
  }
  return mismatches;
}

/** The warning's text: the setting, both values, and what to do. */
export function mismatchText(mismatch: TimingMismatch): string {
  return `${mismatch.setting} is ${mismatch.here} ms on this bridge but ${mismatch.peer} ms on bridge ${mismatch.bridgeId}: give every bridge the same value (README, "Timings"), or one takes the other for dead or lets its claims lapse`;
}
