import { asDispatchError } from '../../shared/errors.js';
import { packageVersion } from '../packageRoot.js';
import { processIo, writeLine, type CliIo } from './io.js';


type Run = (argv: string[], io: CliIo) => Promise<number>;
// Commands load on demand, so `dispatch bridge` does not carry the runner's or agents' modules (memory).
type Command = { summary: string; load: () => Promise<Run> };

const COMMANDS: Record<string, Command> = {
  start: { summary: 'Run the bridge with the local web chat and a runner for this repository', load: async () => (await import('./startCommand.js')).runStartCommand },
  bridge: { summary: 'Run the bridge alone (chats from .env; runners dial in)', load: async () => (await import('./bridgeCommand.js')).runBridgeCommand },
  runner: { summary: 'Run one session here (--task), or serve a bridge (--bridge URL); `runner prune`', load: async () => (await import('../../extension/core/cli/runnerCommand.js')).runRunnerCommand },
  pair: { summary: 'Show a code that pairs your chat account with this machine', load: async () => (await import('../../extension/core/cli/pairCommand.js')).runPairCommand },
  route: { summary: 'Show how a message would be routed (Code or Cowork); --jsonl for a stream', load: async () => (await import('./routeCommand.js')).runRouteCommand },
};

const USAGE = `Dispatch — text a coding task to a chat bot; it runs on your machine in its own git worktree.

Usage: dispatch <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, command]) => `  ${name.padEnd(8)} ${command.summary}`)
  .join('\n')}

Options:
  -h, --help     Show this help
  -v, --version  Show the version`;

/** Runs the CLI with `argv` (without node and the script) and returns the exit code. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    writeLine(io.stdout, USAGE);
    return 0;
  }
  if (first === '-v' || first === '--version') {
    writeLine(io.stdout, packageVersion());
    return 0;
  }
  const command = COMMANDS[first];
  if (!command) {
    writeLine(io.stderr, `dispatch: unknown command '${first}'. Run 'dispatch --help' for the list.`);
    return 2;
  }
  try {
    return await (await command.load())(rest, io);
  } catch (thrown) {
    // parseArgs throws TypeErrors with ERR_PARSE_ARGS_* codes for bad flags.
    const code = (thrown as { code?: string }).code ?? '';
    const message = code.startsWith('ERR_PARSE_ARGS') ? (thrown as Error).message : asDispatchError(thrown).message;
    writeLine(io.stderr, `dispatch ${first}: ${message}`);
    return 2;
  }
}
