import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { DispatchError } from '../../../shared/errors.js';
import { loadRunnerConfig } from '../runnerConfig.js';
import { copyFrom } from './logsCommand.js';
import { removeIfEmpty, serviceManager, type ServiceHost } from './serviceManagers.js';
import { readLinkState } from './serviceLinkState.js';
import { planService } from './servicePlan.js';
import { untilSignal } from './signals.js';

export interface ServiceIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** The operating system whose service manager is used (tests and --dry-run --platform). */
  platform?: NodeJS.Platform;
  /** `logs -f` stops when this settles (default: Ctrl+C). */
  until?: Promise<unknown>;
}

export const SERVICE_USAGE = `Usage:
  dispatch service install [--bridge ws://HOST:PORT] [--dry-run] [--platform linux|darwin|win32]
  dispatch service uninstall
  dispatch service status
  dispatch service logs [-f] [-n LINES]

install   runs Dispatch as your own login service, restarted on failure: a systemd user unit
          (Linux), a launchd agent (macOS) or a scheduled task at logon (Windows). With
          --bridge (or DISPATCH_BRIDGE_URL) it runs \`dispatch runner --bridge URL\`, else
          \`dispatch start\`, from this folder, with this shell's non-secret DISPATCH_* settings.
          Secrets are never written into it: it reads .env here, or DISPATCH_HOME/secrets.json.
          --dry-run prints the file and the commands instead (--platform picks another OS).
status    installed, running, connected to the bridge, paired with a chat.
logs      the service's output (DISPATCH_HOME/logs/service.log); -f follows it.`;

const PLATFORMS = ['linux', 'darwin', 'win32'] as const;

/** `dispatch service install | uninstall | status | logs`. */
export async function runServiceCommand(argv: string[], io: ServiceIo): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === '--help' || verb === '-h' || rest.includes('--help')) {
    io.stdout.write(`${SERVICE_USAGE}\n`);
    return 0;
  }
  const { values } = parseArgs({
    args: rest,
    strict: true,
    options: {
      bridge: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      platform: { type: 'string' },
      follow: { type: 'boolean', short: 'f', default: false },
      lines: { type: 'string', short: 'n', default: '200' },
    },
  });
  if (values.platform !== undefined && !(PLATFORMS as readonly string[]).includes(values.platform)) {
    throw new DispatchError('bad_input', `--platform is one of ${PLATFORMS.join(', ')}, not "${values.platform}".`);
  }
  if (values.platform !== undefined && !values['dry-run']) throw new DispatchError('bad_input', '--platform goes with --dry-run: a service is installed for the machine it runs on.');
  const home = loadRunnerConfig(io.env, io.cwd).home;
  const host: ServiceHost = { platform: (values.platform as NodeJS.Platform | undefined) ?? io.platform ?? process.platform, env: io.env, home };
  switch (verb) {
    case 'install':
      return install(io, host, values.bridge, values['dry-run']);
    case 'uninstall': {
      const lines = await serviceManager(host).uninstall();
      rmSync(path.join(home, 'logs', 'service.log'), { force: true });
      removeIfEmpty(path.join(home, 'logs'));
      removeIfEmpty(home);
      io.stdout.write(`${lines.length > 0 ? lines.join('\n') : 'No Dispatch service was installed.'}\n`);
      return 0;
    }
    case 'status':
      return status(io, host);
    case 'logs': {
      const count = Number(values.lines);
      if (!Number.isInteger(count) || count < 0) throw new DispatchError('bad_input', `-n wants a number of lines, not "${values.lines}".`);
      return logs(io, path.join(home, 'logs', 'service.log'), count, values.follow);
    }
    case undefined:
    case 'help':
      io.stdout.write(`${SERVICE_USAGE}\n`);
      return verb === undefined ? 2 : 0;
    default:
      throw new DispatchError('bad_input', `unknown service command "${verb}": install, uninstall, status or logs.`);
  }
}

async function install(io: ServiceIo, host: ServiceHost, bridge: string | undefined, dryRun: boolean): Promise<number> {
  const { plan, warnings } = planService({ env: io.env, cwd: io.cwd, ...(bridge !== undefined ? { bridge } : {}) });
  const manager = serviceManager(host);
  for (const warning of warnings) io.stderr.write(`warning: ${warning}\n`);
  if (dryRun) {
    io.stdout.write(`# ${manager.kind}: ${manager.file}\n${await manager.render(plan)}`);
    io.stdout.write(`# then: ${manager.installCommands().map((command) => command.join(' ')).join('; ')}\n`);
    return 0;
  }
  let lines: string[];
  try {
    lines = await manager.install(plan);
  } catch (error) {
    // The install made the log folder for the service; a failed one leaves nothing behind.
    removeIfEmpty(path.dirname(plan.logFile));
    removeIfEmpty(host.home);
    throw error;
  }
  for (const line of lines) io.stdout.write(`${line}\n`);
  io.stdout.write(`Logs: ${plan.logFile} (dispatch service logs -f). Status: dispatch service status.\n`);
  return 0;
}

async function status(io: ServiceIo, host: ServiceHost): Promise<number> {
  const manager = serviceManager(host);
  const installed = await manager.installed();
  const running = installed && (await manager.running());
  const link = readLinkState(host.home);
  const lines = [`installed: ${installed ? `yes (${manager.kind} ${manager.file})` : 'no — dispatch service install'}`, `running:   ${running ? 'yes' : 'no'}`];
  if (!link) {
    lines.push('connected: unknown (no runner is running for this DISPATCH_HOME)', 'paired:    unknown');
  } else {
    const connected = link.status === 'online' ? `yes (${link.bridgeUrl})` : `no — ${link.status}${link.detail ? `: ${link.detail}` : ''} (${link.bridgeUrl})`;
    const paired = link.paired === null ? 'unknown (not connected yet)' : link.paired ? 'yes' : 'no — run `dispatch pair` and send the code to the bot';
    lines.push(`connected: ${connected}`, `paired:    ${paired}`);
  }
  io.stdout.write(`${lines.join('\n')}\n`);
  return running ? 0 : 3;
}

async function logs(io: ServiceIo, file: string, count: number, follow: boolean): Promise<number> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    if (!follow) {
      io.stdout.write(`No service log yet at ${file}: the service writes it when it starts.\n`);
      return 0;
    }
    text = '';
  }
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  if (count > 0 && lines.length > 0) io.stdout.write(`${lines.slice(-count).join('\n')}\n`);
  if (!follow) return 0;
  let offset = Buffer.byteLength(text);
  let stopped = false;
  void (io.until ?? untilSignal()).then(() => (stopped = true));
  while (!stopped) {
    offset = copyFrom(file, offset, io.stdout);
    await sleep(250);
  }
  return 0;
}
