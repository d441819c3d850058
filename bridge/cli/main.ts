import { asDispatchError } from '../../shared/errors.js';
import { packageVersion } from '../packageRoot.js';
import { processIo, writeLine, type CliIo } from './io.js';

type Run = (argv: string[], io: CliIo) => Promise<number>;
// Commands load on demand, so `dispatch bridge` does not carry the runner's or agents' modules (memory).
// `usage` is printed for `dispatch <command> --help`; a command without one prints its own.
type Command = { summary: string; usage?: string; load: () => Promise<Run> };

const COMMANDS: Record<string, Command> = {
  start: {
    summary: 'Run the bridge with the local web chat and a runner for this repository',
    usage: `Usage: dispatch start

Runs the bridge (web chat on DISPATCH_HOST:DISPATCH_PORT, default 127.0.0.1:7878; Slack and
Discord when their tokens are in .env) and a runner for the git repository of the current
folder (or DISPATCH_REPOS), already paired with the web chat. Prints the web chat's link.
State lives in DISPATCH_HOME (default ~/.dispatch). Every setting: .env.example.`,
    load: async () => (await import('./startCommand.js')).runStartCommand },
  bridge: {
    summary: 'Run the bridge alone (chats from .env; runners dial in)',
    usage: `Usage: dispatch bridge [--check]

Runs the bridge without a runner: chats from .env (web chat unless DISPATCH_WEB=off, Slack,
Discord), runners dial in with \`dispatch runner --bridge ws://HOST:PORT\` and the runner token
(DISPATCH_RUNNER_TOKEN, or the one kept in DISPATCH_HOME/secrets.json).
The store is SQLite in DISPATCH_HOME, or PostgreSQL when DISPATCH_DATABASE_URL=postgres://… is set.

--check  Connect to the store, apply pending migrations, say what was found, and exit
         (1 when the database cannot be reached or refuses the login).`,
    load: async () => (await import('./bridgeCommand.js')).runBridgeCommand },
  runner: { summary: 'Run one session here (--task), or serve a bridge (--bridge URL); `runner prune`', load: async () => (await import('../../extension/core/cli/runnerCommand.js')).runRunnerCommand },
  pair: {
    summary: 'Show a code that pairs your chat account with this machine',
    usage: `Usage: dispatch pair [--bridge ws://HOST:PORT]

Shows a 6-digit code (valid 10 minutes, once) to send the bot as "pair CODE". Connects to
--bridge, else DISPATCH_BRIDGE_URL, else ws://127.0.0.1:DISPATCH_PORT (7878), with the machine's
own credential (DISPATCH_HOME/machine-credential.json), or, to register a new machine once, the
registration token (DISPATCH_RUNNER_TOKEN, or DISPATCH_HOME/secrets.json next to a local bridge).`,
    load: async () => (await import('../../extension/core/cli/pairCommand.js')).runPairCommand },
  machines: {
    summary: 'List the machines this bridge knows (last seen); `machines revoke NAME`',
    load: async () => (await import('./machinesCommand.js')).runMachinesCommand },
  service: {
    summary: 'Run Dispatch as a login service: install | uninstall | status | logs',
    load: async () => (await import('../../extension/core/cli/serviceCommand.js')).runServiceCommand },
  attach: {
    summary: "Open a terminal in a session's worktree (resumes the agent's conversation)",
    load: async () => (await import('../../extension/core/cli/attachCommand.js')).runAttachCommand },
  sessions: {
    summary: "List this machine's sessions from the journal (no bridge needed)",
    load: async () => (await import('../../extension/core/cli/sessionsCommand.js')).runSessionsCommand },
  logs: {
    summary: "Show a session's log; -f follows it (no bridge needed)",
    load: async () => (await import('../../extension/core/cli/logsCommand.js')).runLogsCommand },
  route: {
    summary: 'Show how a message would be routed (Code or Cowork); --jsonl for a stream',
    usage: `Usage: dispatch route "some text"
       dispatch route --jsonl < messages.jsonl
       dispatch route --repo PATH|NAME [--repo …] "some text"

Prints the routing decision as JSON: route (code | cowork), forced, reason, task, repoHint.
With --jsonl, reads one JSON object per line with a "text" field ({"text": "fix the login bug"})
and writes one result per line, in order; a bad line gets {"error": …} and the rest go on.
With --repo, routes with the context a runner sends: each checkout's name and vocabulary.
--repo takes a checkout's path or a configured repository's name (DISPATCH_REPOS).`,
    load: async () => (await import('./routeCommand.js')).runRouteCommand },
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
  if (command.usage && (rest[0] === '--help' || rest[0] === '-h')) {
    writeLine(io.stdout, command.usage);
    return 0;
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
