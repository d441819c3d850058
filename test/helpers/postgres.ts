import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './bridgeChild.js';

const run = promisify(execFile);

/** Debian's server binaries (any installed major version), else whatever is on PATH. */
export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    for (const version of readdirSync(root).sort().reverse()) {
      const bin = join(root, version, 'bin');
      if (existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl'))) return bin;
    }
  }
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) return dir;
  }
  return undefined;
}


/**
 * A private PostgreSQL server in a temp folder on a free port (TESTING.md). initdb refuses
 * root, so as root it runs as the `postgres` user, which then owns the folder.
 */
export class PostgresCluster {
  private constructor(
    private readonly bin: string,
    private readonly folder: string,
    readonly port: number,
    private readonly asUser: string[],
  ) {}

  static async start(): Promise<PostgresCluster> {
    const bin = postgresBinDir();
    if (!bin) throw new Error('PostgreSQL server binaries (initdb, pg_ctl) are not installed');
    const folder = mkdtempSync(join(tmpdir(), 'dispatch-pg-'));
    const asRoot = process.getuid?.() === 0;
    if (asRoot) {
      const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
      const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
      chownSync(folder, uid, gid);
    }
    const asUser = asRoot ? ['runuser', '-u', 'postgres', '--'] : [];
    const command = (tool: string, args: string[]) => (asUser.length ? run(asUser[0]!, [...asUser.slice(1), join(bin, tool), ...args]) : run(join(bin, tool), args));
    await command('initdb', ['-D', join(folder, 'data'), '-A', 'trust', '-U', 'dispatch', '--no-sync']);
    // The superuser `dispatch` needs no password; any other role must give its own (to test refused logins).
    writeFileSync(join(folder, 'data', 'pg_hba.conf'), 'local all all trust\nhost all dispatch 127.0.0.1/32 trust\nhost all all 127.0.0.1/32 scram-sha-256\n');
    // A port found free may be taken before the server binds it (parallel runs): try a few.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      try {
        // fsync off: a test server's data need not survive a power cut, and it is much faster.
        await command('pg_ctl', ['-D', join(folder, 'data'), '-o', `-p ${port} -k ${folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`, '-l', join(folder, 'log'), '-w', 'start']);
        return new PostgresCluster(bin, folder, port, asUser);
      } catch (error) {
        if (attempt >= 3) {
          rmSync(folder, { recursive: true, force: true });
          throw error;
        }
      }
    }
  }

  url(database = 'postgres', user = 'dispatch'): string {
    return `postgres://${user}@127.0.0.1:${this.port}/${database}`;
  }

  /** A fresh, empty database for one test; returns its URL. */
  async createDatabase(): Promise<string> {
    const name = `t_${randomBytes(6).toString('hex')}`;
    await this.sql(`CREATE DATABASE ${name}`);
    return this.url(name);
  }

  /** Runs one statement as the superuser (on the `postgres` database unless told). */
  async sql(statement: string, params: unknown[] = [], database = 'postgres'): Promise<pg.QueryResult> {
    const client = new pg.Client({ connectionString: this.url(database) });
    await client.connect();
    try {
      return await client.query(statement, params);
    } finally {
      await client.end();
    }
  }

  async stop(): Promise<void> {
    const [head, ...rest] = this.asUser;
    const args = [join(this.bin, 'pg_ctl'), '-D', join(this.folder, 'data'), '-m', 'immediate', '-w', 'stop'];
    await (head ? run(head, [...rest, ...args]) : run(args[0]!, args.slice(1))).catch(() => undefined);
    rmSync(this.folder, { recursive: true, force: true });
  }
}

/**
 * Mocha hooks for a describe block: one private server for the block (skipped with a reason
 * when the server binaries are missing), stopped and removed after it.
 */
export function usePostgres(): { cluster: () => PostgresCluster } {
  let cluster: PostgresCluster | undefined;
  before(async function () {
    if (!postgresBinDir()) {
      // Mocha has printed the suite's title by now, so the reason goes out on its own line.
      process.stderr.write(`  skipped "${this.test?.parent?.fullTitle() ?? 'PostgreSQL tests'}": the PostgreSQL server binaries (initdb, pg_ctl) are not installed; apt-get install postgresql\n`);
      this.skip();
    }
    this.timeout(60_000);
    cluster = await PostgresCluster.start();
  });
  after(async function () {
    this.timeout(30_000);
    await cluster?.stop();
  });
  return {
    cluster: () => {
      if (!cluster) throw new Error('the PostgreSQL cluster has not started');
      return cluster;
    },
  };
}

/** A private server as the cluster tests use it: its `postgres` database, fresh databases, stop. */
export interface PostgresServer {
  /** The `postgres` database of the cluster. */
  url: string;
  /** A fresh, empty database; returns its URL. */
  createDatabase(): Promise<string>;
  stop(): Promise<void>;
}

/** Why PostgreSQL tests cannot run here, or undefined when they can. */
export function postgresMissing(): string | undefined {
  if (!postgresBinDir()) return 'no PostgreSQL server binaries (initdb, pg_ctl) on this machine: apt-get install -y postgresql';
  if (process.getuid?.() === 0 && !existsSync('/usr/sbin/runuser')) return 'running as root without runuser (initdb refuses root)';
  return undefined;
}

/** Starts a private server, or returns undefined when it cannot run here (see {@link postgresMissing}). */
export async function startPostgres(): Promise<PostgresServer | undefined> {
  if (postgresMissing()) return undefined;
  const cluster = await PostgresCluster.start();
  return { url: cluster.url(), createDatabase: () => cluster.createDatabase(), stop: () => cluster.stop() };
}
