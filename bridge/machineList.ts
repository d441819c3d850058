import type { MachineListing, Store } from './store/store.js';

/** The machine called `wanted` (its name, any case, or its id); a string says why none was picked. */
export async function pickMachine(store: Store, wanted: string): Promise<MachineListing | string> {
  const machines = await store.listMachines();
  const byId = machines.find((machine) => machine.id === wanted);
  if (byId) return byId;
  const named = machines.filter((machine) => machine.name.toLowerCase() === wanted.toLowerCase());
  if (named.length === 1) return named[0]!;
  if (named.length > 1) return `Several machines are called "${wanted}": give its id instead (${named.map((machine) => machine.id).join(', ')}).`;
  return `No machine called "${wanted}". Known: ${machines.map((machine) => machine.name).join(', ') || 'none yet'}.`;
}

/** One line per machine: name, id, credential state, repositories and when it was last seen. */
export function describeMachines(machines: MachineListing[], now: number, isOnline?: (id: string) => boolean): string[] {
  return machines.map((machine) => {
    const state = machine.credential === 'revoked' ? 'revoked' : isOnline?.(machine.id) ? 'online' : machine.credential === 'active' ? 'registered' : machine.credential === 'issued' ? 'registering' : 'not registered yet';
    const seen = machine.lastSeenAt > 0 ? `last seen ${new Date(machine.lastSeenAt).toISOString().replace('T', ' ').slice(0, 19)} UTC (${ago(now - machine.lastSeenAt)})` : 'never seen';
    const repos = machine.repos.map((repo) => repo.name).join(', ') || 'no repositories';
    return `${machine.name}  ${machine.id}  ${state}  ${seen}  ${repos}`;
  });
}

function ago(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1_000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3_600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.round(seconds / 3_600)} h ago`;
  return `${Math.round(seconds / 86_400)} days ago`;
}
