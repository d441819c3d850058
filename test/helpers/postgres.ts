import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/** A private PostgreSQL cluster for one test run (initdb + pg_ctl in a temp folder, on a free port). */
export interface PostgresServer {
  /** The `postgres` database of the cluster. */
  url: string;
  /** A fresh, empty database; returns its URL. */
  createDatabase(): Promise<string>;
  stop(): Promise<void>;
}

const BIN_DIRS = ['/usr/lib/postgresql/17/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/15/bin', '/usr/local/bin', '/usr/bin'];

/** Why PostgreSQL tests cannot run here, or undefined when they can. */
export function postgresMissing(): string | undefined {
  if (!binDir()) return 'no PostgreSQL server binaries (initdb, pg_ctl) on this machine: apt-get install -y postgresql';
  if (process.getuid?.() === 0 && !existsSync('/usr/sbin/runuser')) return 'running as root without runuser (initdb refuses root)';
  return undefined;
}

function binDir(): string | undefined {
  return BIN_DIRS.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
}

/**
 * Starts a private server, or returns undefined when the binaries are missing (callers
 * skip with `postgresMissing()` as the reason). initdb refuses root, so as root the
 * server runs as the `postgres` user through runuser.
 */
export async function startPostgres(): Promise<PostgresServer | undefined> {
  const bin = binDir();
  if (!bin || postgresMissing()) return undefined;
  const dir = await mkdtemp(join(tmpdir(), 'dispatch-pg-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  await chmod(dir, 0o700);
  const tool = (name: string, args: string[]) => (asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, name), ...args]) : run(join(bin, name), args));
  const data = join(dir, 'data');
  const port = await freePort();
  await tool('initdb', ['-D', data, '-A', 'trust', '-U', 'dispatch', '--no-sync']);
  // fsync off: a test cluster trades durability for speed on a shared machine.
  await tool('pg_ctl', ['-D', data, '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, '-l', join(dir, 'log'), '-w', 'start']);
  const url = `postgres://dispatch@127.0.0.1:${port}/postgres`;
  let databases = 0;
  return {
    url,
    async createDatabase() {
      databases += 1;
      const name = `test_${process.pid}_${databases}`;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return `postgres://dispatch@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      await tool('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
