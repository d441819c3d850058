import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bridge } from '../bridge/bridge.js';
import type { Transport } from '../bridge/chat.js';
import { loadBridgeEnv } from '../bridge/config.js';
import { silentLogger } from '../shared/logger.js';

export const WARM_UP = 20;
export const SAMPLES = 300;

/** What the chat benches send: a command and a Cowork answer, so no runner is needed. */
export const BENCH_MESSAGES = [
  ['help command', 'help'],
  ['cowork answer', 'draft a friendly note to the team about friday'],
] as const;

/** A real bridge (SQLite in a temp folder, no web chat) serving one chat transport; `stop` cleans up. */
export async function benchBridgeWith(transport: Transport): Promise<{ stop: () => Promise<void> }> {
  const home = mkdtempSync(join(tmpdir(), `dispatch-bench-${transport.platform}-`));
  const bridge = await Bridge.start({
    config: loadBridgeEnv({ DISPATCH_HOME: home, DISPATCH_PORT: '0', DISPATCH_WEB: 'off', DISPATCH_LOG_LEVEL: 'silent' }),
    secrets: { runnerToken: 'bench-runner-token-0123456789', webToken: 'bench-web-token-0123456789abc' },
    logger: silentLogger,
    transports: [transport],
  });
  return {
    stop: async () => {
      await bridge.stop();
      rmSync(home, { recursive: true, force: true });
    },
  };
}
