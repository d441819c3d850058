import { spawn, type ChildProcess } from 'node:child_process';
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
