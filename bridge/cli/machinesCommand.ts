import { existsSync } from 'node:fs';
import { loadRunnerConfig } from '../../extension/core/runnerConfig.js';
import { databasePath, loadBridgeEnv } from '../config.js';
import { describeMachines, pickMachine } from '../machineList.js';
import { SqliteStore } from '../store/sqliteStore.js';
import { writeLine, type CliIo } from './io.js';

export const MACHINES_USAGE = `Usage: dispatch machines
       dispatch machines revoke NAME

Lists the machines this bridge knows (from its database in DISPATCH_HOME, or DISPATCH_DB),
with their state and when each was last seen. "revoke NAME" (a name or an id) revokes a
machine's credential: it can no longer connect, its chat pairings are removed, and a
running bridge closes its link within a ping (about 15 s). Its runner is told why.`;

/** `dispatch machines [revoke NAME]`: works on the bridge's database, whether or not the bridge runs. */
export async function runMachinesCommand(argv: string[], io: CliIo): Promise<number> {
  const home = loadRunnerConfig({ DISPATCH_HOME: io.env.DISPATCH_HOME }, io.cwd).home;
  const config = loadBridgeEnv({ ...io.env, DISPATCH_HOME: home });
  const [verb, name, ...extra] = argv;
  if (verb === '--help' || verb === '-h') {
    writeLine(io.stdout, MACHINES_USAGE);
    return 0;
  }
  if ((verb !== undefined && verb !== 'revoke') || (verb === 'revoke' && (!name || extra.length > 0))) {
    writeLine(io.stderr, MACHINES_USAGE);
    return 2;
  }
  const file = databasePath(config);
  // Looking must not create a database: a wrong DISPATCH_HOME gets told so, and stays empty.
  if (!existsSync(file)) {
    writeLine(io.stderr, `No bridge database at ${file}: run this where the bridge runs (same DISPATCH_HOME or DISPATCH_DB).`);
    return 1;
  }
  const store = new SqliteStore(file);
  try {
    if (verb === undefined) {
      const lines = describeMachines(await store.listMachines(), Date.now());
      writeLine(io.stdout, lines.length ? lines.join('\n') : 'No machines yet. A runner registers the first time it connects with DISPATCH_RUNNER_TOKEN.');
      return 0;
    }
    const machine = await pickMachine(store, name!);
    if (typeof machine === 'string') {
      writeLine(io.stderr, `dispatch machines revoke: ${machine}`);
      return 1;
    }
    if (!(await store.credentials.revoke(machine.id, Date.now()))) {
      writeLine(io.stdout, `${machine.name} (${machine.id}) was already revoked.`);
      return 0;
    }
    await store.audit({ at: Date.now(), actor: 'cli', action: 'revoke_machine', detail: { machineId: machine.id } });
    writeLine(io.stdout, `Revoked ${machine.name} (${machine.id}): its credential no longer connects, and its pairings are removed. A running bridge closes its link within a ping.`);
    return 0;
  } finally {
    await store.close();
  }
}
