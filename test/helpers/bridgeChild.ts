import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

/** A port free on 127.0.0.1 right now (for a process that must be restarted on the same port). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A bridge in its own process (bridgeProcess.ts), so that a test can kill it with SIGKILL; resolves once it listens. */
export function startBridgeProcess(home: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'bridgeProcess.ts')], {
    env: { ...process.env, DISPATCH_HOME: home, DISPATCH_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => String(chunk).includes('READY') && resolve(child));
    child.once('exit', (code) => reject(new Error(`bridge process exited early (${code})`)));
  });
}

/** A bridge on PostgreSQL in its own process (clusterBridgeProcess.ts, killable with SIGKILL); resolves with its URL once it listens. */
export function startClusterBridgeProcess(home: string, databaseUrl: string, env: Record<string, string> = {}): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'clusterBridgeProcess.ts')], {
    env: { ...process.env, DISPATCH_HOME: home, DISPATCH_PORT: '0', DISPATCH_DATABASE_URL: databaseUrl, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += String(chunk);
      const ready = /READY (\S+)/.exec(out);
      if (ready) resolve({ child, url: ready[1]! });
    });
    child.once('exit', (code) => reject(new Error(`bridge process exited early (${code})`)));
  });
}

/** The repository root and the built CLI (`npm run build`), as a user runs it: node bin/dispatch.js. */
const ROOT = path.join(import.meta.dirname, '..', '..');
export const BUILT_CLI = path.join(ROOT, 'dist', 'bridge', 'cli', 'main.js');

/** Why the built bridge cannot be used now (not built, or older than the bridge's source), or undefined. */
export function builtBridgeMissing(): string | undefined {
  if (!existsSync(BUILT_CLI)) return 'dist/ is not built: run `npm run build` first';
  const builtAt = statSync(BUILT_CLI).mtimeMs;
  for (const folder of ['bridge', 'shared']) {
    const newer = readdirSync(path.join(ROOT, folder), { recursive: true, encoding: 'utf8' }).find((file) => file.endsWith('.ts') && statSync(path.join(ROOT, folder, file)).mtimeMs > builtAt);
    if (newer) return `dist/ is older than ${folder}/${newer}: run \`npm run build\` first`;
  }
  return undefined;
}

/**
 * `dispatch bridge` from dist/ in a process of its own (killable with SIGKILL), configured by its
 * environment only, in an empty folder (no stray .env); resolves with its URL once it listens.
 */
export function startBuiltBridge(env: Record<string, string>, cwd: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'dispatch.js'), 'bridge'], { cwd, env: { PATH: process.env.PATH ?? '', HOME: cwd, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (chunk: Buffer) => (err = (err + String(chunk)).slice(-4_000)));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += String(chunk);
      const listening = /Dispatch bridge listening on (\S+)/.exec(out);
      if (listening) resolve({ child, url: listening[1]! });
    });
    child.once('exit', (code) => reject(new Error(`dispatch bridge exited early (${code}): ${err}`)));
  });
}
