import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DispatchError } from '../../../shared/errors.js';
import { LAUNCHD_LABEL, launchdPlist, SYSTEMD_UNIT, systemdUnit, WINDOWS_TASK, windowsTaskXml, type ServicePlan } from './serviceDefinition.js';

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Where the service manager is, and how to call it (tests put stand-ins on PATH). */
export interface ServiceHost {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  home: string;
}

/** One platform's service manager, driven with argument arrays. */
export interface ServiceManager {
  /** "systemd user unit", "launchd agent", "scheduled task". */
  kind: string;
  /** The file install writes (on Windows, a definition handed to schtasks and then removed). */
  file: string;
  render(plan: ServicePlan): Promise<string>;
  /** The commands install would run, for --dry-run. */
  installCommands(): string[][];
  install(plan: ServicePlan): Promise<string[]>;
  uninstall(): Promise<string[]>;
  installed(): Promise<boolean>;
  running(): Promise<boolean>;
}

export function run(host: ServiceHost, command: string, args: string[]): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(command, args, { env: host.env, encoding: 'utf8', timeout: 30_000, windowsHide: true }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : 127) : 0;
      resolve({ code, stdout: stdout ?? '', stderr: stderr || (error && code === 127 ? `${command}: ${error.message}` : '') });
    });
  });
}

async function must(host: ServiceHost, command: string, args: string[]): Promise<Ran> {
  const ran = await run(host, command, args);
  if (ran.code !== 0) throw new DispatchError('internal', `${[command, ...args].join(' ')} failed: ${(ran.stderr || ran.stdout).trim() || `exit ${ran.code}`}`);
  return ran;
}

function userHome(host: ServiceHost): string {
  return host.env.HOME || host.env.USERPROFILE || os.homedir();
}

export function serviceManager(host: ServiceHost): ServiceManager {
  if (host.platform === 'linux') return systemdManager(host);
  if (host.platform === 'darwin') return launchdManager(host);
  if (host.platform === 'win32') return windowsManager(host);
  throw new DispatchError('bad_config', `dispatch service knows systemd (Linux), launchd (macOS) and Task Scheduler (Windows), not ${host.platform}. Run \`dispatch runner --bridge URL\` under your own supervisor.`);
}

function systemdManager(host: ServiceHost): ServiceManager {
  const configHome = host.env.XDG_CONFIG_HOME || path.join(userHome(host), '.config');
  const file = path.join(configHome, 'systemd', 'user', SYSTEMD_UNIT);
  const systemctl = (...args: string[]) => ['systemctl', '--user', ...args];
  return {
    kind: 'systemd user unit',
    file,
    async render(plan) {
      // Newer systemd grows the restart delay itself; older ones ignore those keys with a warning.
      const version = Number(/systemd (\d+)/.exec((await run(host, 'systemctl', ['--version'])).stdout)?.[1] ?? 0);
      return systemdUnit(plan, version);
    },
    installCommands: () => [systemctl('daemon-reload'), systemctl('enable', SYSTEMD_UNIT), systemctl('restart', SYSTEMD_UNIT)],
    async install(plan) {
      const text = await this.render(plan);
      mkdirSync(path.dirname(file), { recursive: true });
      mkdirSync(path.dirname(plan.logFile), { recursive: true });
      const existed = existsSync(file);
      writeFileSync(file, text, { mode: 0o644 });
      try {
        for (const [command, ...args] of this.installCommands()) await must(host, command!, args);
      } catch (error) {
        if (!existed) {
          rmSync(file, { force: true }); // a failed install leaves nothing behind
          removeEmptyFolders(path.dirname(file), userHome(host));
        }
        throw error;
      }
      return [`Installed ${file} and started it.`, ...(await lingerNote(host))];
    },
    async uninstall() {
      const lines: string[] = [];
      await run(host, 'systemctl', ['--user', 'disable', '--now', SYSTEMD_UNIT]);
      if (existsSync(file)) {
        rmSync(file, { force: true });
        removeEmptyFolders(path.dirname(file), userHome(host));
        lines.push(`Removed ${file}.`);
      }
      await run(host, 'systemctl', ['--user', 'daemon-reload']);
      await run(host, 'systemctl', ['--user', 'reset-failed', SYSTEMD_UNIT]);
      return lines;
    },
    installed: async () => existsSync(file),
    running: async () => (await run(host, 'systemctl', ['--user', 'is-active', SYSTEMD_UNIT])).stdout.trim() === 'active',
  };
}

/** Without lingering, a user's units stop at logout and start only at the next login. */
async function lingerNote(host: ServiceHost): Promise<string[]> {
  const user = host.env.USER || os.userInfo().username;
  const linger = await run(host, 'loginctl', ['show-user', user, '--property=Linger', '--value']);
  if (linger.code === 0 && linger.stdout.trim() === 'yes') return [];
  return [`To keep it running while you are logged out, and to start it at boot before you log in: loginctl enable-linger ${user}`];
}

function launchdManager(host: ServiceHost): ServiceManager {
  const file = path.join(userHome(host), 'Library', 'LaunchAgents', `${LAUNCHD_LABEL}.plist`);
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  const domain = `gui/${uid}`;
  return {
    kind: 'launchd agent',
    file,
    render: async (plan) => launchdPlist(plan),
    installCommands: () => [['launchctl', 'bootstrap', domain, file]],
    async install(plan) {
      mkdirSync(path.dirname(file), { recursive: true });
      mkdirSync(path.dirname(plan.logFile), { recursive: true });
      const existed = existsSync(file);
      // A loaded older definition must go first, or bootstrap refuses.
      if (existed) await run(host, 'launchctl', ['bootout', `${domain}/${LAUNCHD_LABEL}`]);
      writeFileSync(file, launchdPlist(plan), { mode: 0o644 });
      try {
        await must(host, 'launchctl', ['bootstrap', domain, file]);
      } catch (error) {
        if (!existed) {
          rmSync(file, { force: true });
          removeEmptyFolders(path.dirname(file), userHome(host));
        }
        throw error;
      }
      return [`Installed ${file}; it runs now and at every login.`];
    },
    async uninstall() {
      await run(host, 'launchctl', ['bootout', `${domain}/${LAUNCHD_LABEL}`]);
      if (!existsSync(file)) return [];
      rmSync(file, { force: true });
      removeEmptyFolders(path.dirname(file), userHome(host));
      return [`Removed ${file}.`];
    },
    installed: async () => existsSync(file),
    running: async () => {
      const printed = await run(host, 'launchctl', ['print', `${domain}/${LAUNCHD_LABEL}`]);
      return printed.code === 0 && /\bstate = running\b/.test(printed.stdout);
    },
  };
}

function windowsManager(host: ServiceHost): ServiceManager {
  const file = path.join(host.home, 'service', 'dispatch-task.xml');
  const userId = host.env.USERDOMAIN && host.env.USERNAME ? `${host.env.USERDOMAIN}\\${host.env.USERNAME}` : (host.env.USERNAME ?? os.userInfo().username);
  return {
    kind: 'scheduled task',
    file,
    render: async (plan) => windowsTaskXml(plan, userId),
    installCommands: () => [
      ['schtasks', '/Create', '/TN', WINDOWS_TASK, '/XML', file, '/F'],
      ['schtasks', '/Run', '/TN', WINDOWS_TASK],
    ],
    async install(plan) {
      mkdirSync(path.dirname(file), { recursive: true });
      mkdirSync(path.dirname(plan.logFile), { recursive: true });
      // schtasks reads task XML as UTF-16 (little-endian, with a byte order mark).
      writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(windowsTaskXml(plan, userId), 'utf16le')]));
      try {
        for (const [command, ...args] of this.installCommands()) await must(host, command!, args);
      } finally {
        rmSync(file, { force: true }); // Task Scheduler keeps its own copy
        removeIfEmpty(path.dirname(file));
      }
      return [`Created the scheduled task "${WINDOWS_TASK}" (at logon, for ${userId}) and started it.`];
    },
    async uninstall() {
      if (!(await this.installed())) return [];
      await run(host, 'schtasks', ['/End', '/TN', WINDOWS_TASK]);
      await must(host, 'schtasks', ['/Delete', '/TN', WINDOWS_TASK, '/F']);
      return [`Deleted the scheduled task "${WINDOWS_TASK}".`];
    },
    installed: async () => (await run(host, 'schtasks', ['/Query', '/TN', WINDOWS_TASK])).code === 0,
    running: async () => /"Running"/i.test((await run(host, 'schtasks', ['/Query', '/TN', WINDOWS_TASK, '/FO', 'CSV', '/NH'])).stdout),
  };
}

export function removeIfEmpty(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // Not empty, or already gone.
  }
}

/** Removes `dir` and its parents while they are empty, stopping below `stopAt` (the user's home). */
export function removeEmptyFolders(dir: string, stopAt: string): void {
  for (let at = path.resolve(dir); at.startsWith(path.resolve(stopAt) + path.sep); at = path.dirname(at)) {
    try {
      rmdirSync(at);
    } catch {
      return; // not empty (or gone): what is above it stays too
    }
  }
}
