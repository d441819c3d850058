import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DispatchError } from '../../../shared/errors.js';
import { PROTOCOL_VERSION, runnerToBridge } from '../../../shared/protocol/bridgeRunner.js';
import { call } from '../../../shared/protocol/rpc.js';
import { BridgeRotation } from '../link/bridgeRotation.js';
import { MachineCredential, dialAsMachine } from '../link/machineCredential.js';
import { CREDENTIAL_FILE, loadMachineIdentity } from '../link/machineIdentity.js';
import { loadRunnerConfig } from '../runnerConfig.js';

interface Io {
  stdout: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** The runner token: DISPATCH_RUNNER_TOKEN, else the one a local bridge saved under DISPATCH_HOME. */
export function runnerToken(env: NodeJS.ProcessEnv, home: string): string {
  if (env.DISPATCH_RUNNER_TOKEN) return env.DISPATCH_RUNNER_TOKEN;
  try {
    const token = (JSON.parse(readFileSync(join(home, 'secrets.json'), 'utf8')) as { runnerToken?: string }).runnerToken;
    if (token) return token;
  } catch {
    // No local bridge has run here.
  }
  throw new DispatchError('bad_config', 'Set DISPATCH_RUNNER_TOKEN to the bridge’s runner token (a bridge on this machine keeps it in DISPATCH_HOME/secrets.json).');
}

function optionalToken(env: NodeJS.ProcessEnv, home: string): string | undefined {
  try {
    return runnerToken(env, home);
  } catch {
    return undefined;
  }
}

/** The registration token, or '' for a machine that already has its own credential (it needs none). */
export function runnerTokenUnlessRegistered(env: NodeJS.ProcessEnv, home: string): string {
  if (existsSync(join(home, CREDENTIAL_FILE))) return optionalToken(env, home) ?? '';
  return runnerToken(env, home);
}

/** `dispatch pair [--bridge URL]`: shows a 6-digit code (10 minutes, single use) to send the bot as `pair CODE`. */
export async function runPairCommand(argv: string[], io: Io): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { bridge: { type: 'string' } }, strict: true });
  const config = loadRunnerConfig(io.env, io.cwd);
  const bridges = new BridgeRotation(
    values.bridge ?? io.env.DISPATCH_BRIDGE_URL ?? `ws://127.0.0.1:${io.env.DISPATCH_PORT ?? 7878}`,
    values.bridge !== undefined ? '--bridge' : io.env.DISPATCH_BRIDGE_URL !== undefined ? 'DISPATCH_BRIDGE_URL' : undefined,
  );
  const identity = loadMachineIdentity(config.home, io.env.DISPATCH_MACHINE_NAME);
  // The machine's own credential when it has one; the registration token only to register.
  const credential = new MachineCredential(identity);
  const { socket, connection } = await dialFirstAnswering(bridges, (url) => dialAsMachine(url, credential, () => (credential.current ? optionalToken(io.env, config.home) : runnerToken(io.env, config.home))));
  try {
    const hello = await call(connection, runnerToBridge, 'machine/hello', {
      protocolVersion: PROTOCOL_VERSION,
      machineId: identity.machineId,
      machineName: identity.machineName,
      platform: process.platform,
      agent: config.agent,
      repos: config.repos.map((repo, index) => ({ name: repo.name, default: index === 0 })),
      role: 'pairing',
    });
    if (hello.credential) credential.keep(hello.credential);
    const { code, expiresAt } = await call(connection, runnerToBridge, 'pairing/create', {});
    const minutes = Math.round((expiresAt - Date.now()) / 60_000);
    io.stdout.write(`\n  Pairing code for ${identity.machineName}:  ${code.slice(0, 3)} ${code.slice(3)}\n\n  Send the bot:  pair ${code}\n  (valid ${minutes} minutes, once)\n\n`);
    return 0;
  } finally {
    connection.dispose();
    socket.close();
  }
}

/** Any of the bridges can make a pairing code (they share one database): the first that answers does. */
async function dialFirstAnswering<T>(bridges: BridgeRotation, dial: (url: string) => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await dial(bridges.current);
    } catch (error) {
      if (bridges.failed() === 'backoff') throw error;
    }
  }
}
