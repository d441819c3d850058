import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_PATH, hasChromium } from '../../helpers/browser.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** Where test/extension/vscode/installCodeServer.sh puts code-server (a real VS Code 1.100.3). */
export const CODE_SERVER_DIR = path.join(ROOT, '.vscode-test/code-server/node_modules/code-server');
/** The VS Code server inside code-server; started directly, since only it takes --enable-smoke-test-driver. */
const SERVER_MAIN = path.join(CODE_SERVER_DIR, 'lib/vscode/out/server-main.js');

const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Workbench settings that keep a test window quiet (no trust prompt, no gallery, no welcome page). */
export const QUIET_WORKBENCH = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
};

/** Why the VS Code tests cannot run here, or undefined when they can. */
export function missingForVsCodeTests(): string | undefined {
  if (!existsSync(SERVER_MAIN)) return 'code-server is not installed (run test/extension/vscode/installCodeServer.sh; .ci/run does)';
  if (!hasChromium()) return `chromium is not installed at ${CHROMIUM_PATH} (apt-get install chromium)`;
  return undefined;
}

/** `code-server --install-extension file.vsix --extensions-dir DIR`; returns `code-server --list-extensions`. */
export function installExtension(vsix: string, extensionsDir: string): string {
  const cli = path.join(CODE_SERVER_DIR, 'out/node/entry.js');
  const common = ['--extensions-dir', extensionsDir, '--user-data-dir', path.join(extensionsDir, '.user-data')];
  execFileSync(process.execPath, [cli, ...common, '--install-extension', vsix], { stdio: 'pipe', timeout: 60_000 });
  return execFileSync(process.execPath, [cli, ...common, '--list-extensions', '--show-versions'], { encoding: 'utf8', timeout: 60_000 });
}

export interface CodeServer {
  port: number;
  /** Everything the server printed (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

export interface CodeServerOptions {
  /** Holds User/settings.json and Machine/settings.json (machine-scoped settings of a remote window). */
  userDataDir: string;
  extensionsDir: string;
  env: Record<string, string>;
  userSettings?: Record<string, unknown>;
  machineSettings?: Record<string, unknown>;
}

/** Starts the VS Code server on 127.0.0.1 (a free port) and resolves once it listens. */
export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  for (const [folder, settings] of [['User', options.userSettings], ['Machine', options.machineSettings]] as const) {
    mkdirSync(path.join(options.userDataDir, folder), { recursive: true });
    writeFileSync(path.join(options.userDataDir, folder, 'settings.json'), JSON.stringify(settings ?? {}, null, 2));
  }
  mkdirSync(options.extensionsDir, { recursive: true });
  const args = [
    SERVER_MAIN,
    '--host', '127.0.0.1',
    '--port', '0',
    '--without-connection-token',
    '--accept-server-license-terms',
    // Without it, newer VS Code ignores the extensionTestsPath payload.
    '--enable-smoke-test-driver',
    '--disable-telemetry',
    '--user-data-dir', options.userDataDir,
    '--server-data-dir', options.userDataDir,
    '--extensions-dir', options.extensionsDir,
  ];
  // Its own process group, so stop() also ends the extension host and the runner it started.
  const child = spawn(process.execPath, args, { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`code-server did not start in 30 s:\n${output}`)), 30_000);
    const onData = (data: Buffer) => {
      output += data.toString();
      const match = /Extension host agent listening on (\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`code-server exited (${code}):\n${output}`)));
  });
  return { port, output: () => output, stop: () => stopGroup(child) };
}

async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }, 5_000);
  await exited;
  clearTimeout(timer);
}

export interface Workbench {
  browser: Browser;
  page: Page;
  close(): Promise<void>;
}

/** Debian chromium, headless, fresh profile. */
export async function launchBrowser(viewport = { width: 1280, height: 800 }): Promise<Workbench> {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_FLAGS });
  const page = await browser.newPage({ viewport });
  return { browser, page, close: () => browser.close() };
}

/** The workbench URL for a folder, with an optional test payload (extension development and tests paths). */
export function workbenchUrl(server: CodeServer, folder: string, payload?: [string, string][]): string {
  const query = new URLSearchParams({ folder });
  if (payload) query.set('payload', JSON.stringify(payload));
  return `http://127.0.0.1:${server.port}/?${query.toString()}`;
}

export interface ExtensionTestRun {
  exitCode: number;
  log: string[];
}

/**
 * Runs an extension test suite inside the real extension host, the way VS Code's own
 * browser integration tests do: the workbench opens with `extensionDevelopmentPath` and
 * `extensionTestsPath`; mocha's output and exit code come back through the
 * codeAutomationLog / codeAutomationExit hooks the page calls.
 */
export async function runExtensionTests(server: CodeServer, options: { extensionPath: string; testsPath: string; folder: string; timeoutMs: number }): Promise<ExtensionTestRun> {
  const workbench = await launchBrowser();
  const log: string[] = [];
  try {
    let exit: (code: number) => void = () => undefined;
    const exited = new Promise<number>((resolve) => (exit = resolve));
    await workbench.page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => log.push(`[${type}] ${args.map(String).join(' ')}`));
    await workbench.page.exposeFunction('codeAutomationExit', (code: number) => exit(code));
    const remote = (file: string) => `vscode-remote://127.0.0.1:${server.port}${file}`;
    await workbench.page.goto(workbenchUrl(server, options.folder, [
      ['extensionDevelopmentPath', remote(options.extensionPath)],
      ['extensionTestsPath', remote(options.testsPath)],
    ]));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<number>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the extension tests did not finish in ${options.timeoutMs} ms:\n${log.join('\n')}`)), options.timeoutMs);
    });
    const exitCode = await Promise.race([exited, timeout]).finally(() => clearTimeout(timer));
    return { exitCode, log };
  } finally {
    await workbench.close();
  }
}

/**
 * One workbench page that runs the extension-host suite at every load, so a test can
 * reload the window (the way a user does) and run the suite again in the new extension
 * host: editors and panels are restored from the page's own storage.
 */
export async function openExtensionTestPage(server: CodeServer, options: { extensionPath: string; testsPath: string; folder: string }): Promise<{
  /**
   * Loads (first call) or reloads the window and resolves with the suite's exit code.
   * `beforeReload` runs right before a reload (after the workbench saved its state).
   */
  run(timeoutMs: number, beforeReload?: () => Promise<void>): Promise<number>;
  log: string[];
  close(): Promise<void>;
}> {
  const workbench = await launchBrowser();
  const context = workbench.page.context();
  let page = workbench.page;
  const log: string[] = [];
  let exit: (code: number) => void = () => undefined;
  // On the context: a page the workbench closed after its tests is replaced by a new one of the same profile.
  await context.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => log.push(`[${type}] ${args.map(String).join(' ')}`));
  await context.exposeFunction('codeAutomationExit', (code: number) => exit(code));
  const remote = (file: string) => `vscode-remote://127.0.0.1:${server.port}${file}`;
  const url = workbenchUrl(server, options.folder, [
    ['extensionDevelopmentPath', remote(options.extensionPath)],
    ['extensionTestsPath', remote(options.testsPath)],
  ]);
  let loaded = false;
  return {
    log,
    run: async (timeoutMs, beforeReload) => {
      if (loaded && !page.isClosed()) {
        // The web workbench saves its state (open editors, panels) every 5 s while the page
        // has focus; async work is not allowed at unload. Give it one save first.
        await page.bringToFront();
        await page.waitForTimeout(6_000);
      }
      await beforeReload?.();
      const exited = new Promise<number>((resolve) => (exit = resolve));
      if (loaded && !page.isClosed()) await page.reload();
      else {
        if (loaded) page = await context.newPage();
        await page.goto(url);
      }
      loaded = true;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<number>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the extension tests did not finish in ${timeoutMs} ms:\n${log.slice(-40).join('\n')}`)), timeoutMs);
      });
      return Promise.race([exited, timeout]).finally(() => clearTimeout(timer));
    },
    close: () => workbench.close(),
  };
}
