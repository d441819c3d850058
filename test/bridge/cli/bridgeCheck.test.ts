import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { usePostgres } from '../../helpers/postgres.js';
import { runCli, type CliResult } from '../../helpers/cliRun.js';

const check = (env: Record<string, string>): Promise<CliResult> => runCli(['bridge', '--check'], { env });

describe('dispatch bridge --check', function () {
  this.timeout(30_000);
  let home: string;
  beforeEach(() => (home = mkdtempSync(join(tmpdir(), 'dispatch-check-'))));
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  describe('on SQLite', () => {
    it('creates the schema the first time, says it is up to date the second, and serves nothing', async () => {
      const first = await check({ DISPATCH_HOME: home });
      assert.equal(first.code, 0, first.err);
      assert.match(first.out, new RegExp(`Store: SQLite at ${join(home, 'bridge.db').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      assert.match(first.out, /Schema version: 0 → 4\nMigrations applied: 1, 2, 3, 4/);
      assert.equal(existsSync(join(home, 'secrets.json')), false, 'checking creates no bridge secrets');
      const second = await check({ DISPATCH_HOME: home });
      assert.equal(second.code, 0);
      assert.match(second.out, /Schema version: 4 → 4\nMigrations: up to date\./);
    });

    it('fails with exit code 1 on a database from a newer Dispatch', async () => {
      const raw = new Database(join(home, 'bridge.db'));
      raw.pragma('user_version = 999');
      raw.close();
      const result = await check({ DISPATCH_HOME: home });
      assert.equal(result.code, 1);
      assert.match(result.err, /newer Dispatch \(schema 999; this one knows 4\)\. Upgrade Dispatch/);
    });
  });

  describe('on PostgreSQL', () => {
    const postgres = usePostgres();
    const password = 'pw-Secret-42';
    let database: string;
    before(async () => {
      await postgres.cluster().sql(`CREATE ROLE checker LOGIN PASSWORD '${password}'`);
    });
    beforeEach(async () => {
      database = `c_${Math.random().toString(36).slice(2, 10)}`;
      await postgres.cluster().sql(`CREATE DATABASE ${database} OWNER checker`);
    });
    const urlWith = (secret: string, port = postgres.cluster().port) => `postgres://checker:${secret}@127.0.0.1:${port}/${database}`;

    it('applies the migrations, then finds the schema up to date, never printing the password', async () => {
      const first = await check({ DISPATCH_HOME: home, DISPATCH_DATABASE_URL: urlWith(password) });
      assert.equal(first.code, 0, first.err);
      assert.match(first.out, new RegExp(`Store: PostgreSQL at postgres://checker:\\*\\*\\*@127\\.0\\.0\\.1:${postgres.cluster().port}/${database}\\n`));
      assert.match(first.out, /Schema version: 0 → 5\nMigrations applied: 1 initial schema, 2 machine links across bridges, 3 notifier job claims, 4 dead bridges, link notices and pruning, 5 bridge timings/);
      const second = await check({ DISPATCH_HOME: home, DISPATCH_DATABASE_URL: urlWith(password) });
      assert.match(second.out, /Schema version: 5 → 5\nMigrations: up to date\./);
      assert.ok(!`${first.out}${first.err}${second.out}${second.err}`.includes(password));
      assert.equal(existsSync(join(home, 'bridge.db')), false, 'no SQLite file beside it');
    });

    it('says the login was refused, with exit code 1 and without the password', async () => {
      const result = await check({ DISPATCH_HOME: home, DISPATCH_DATABASE_URL: urlWith('wrong-guess-77') });
      assert.equal(result.code, 1);
      assert.match(result.err, /PostgreSQL at postgres:\/\/checker:\*\*\*@.* refused the login: password authentication failed for user "checker"\. Check the user and password in DISPATCH_DATABASE_URL\./);
      assert.ok(!`${result.out}${result.err}`.includes('wrong-guess-77'));
    });

    it('says the server cannot be reached, with exit code 1', async () => {
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const closedPort = (server.address() as { port: number }).port;
      await new Promise<void>((resolve) => server.close(() => resolve()));
      const result = await check({ DISPATCH_HOME: home, DISPATCH_DATABASE_URL: urlWith(password, closedPort) });
      assert.equal(result.code, 1);
      assert.match(result.err, new RegExp(`Cannot reach PostgreSQL at postgres://checker:\\*\\*\\*@127\\.0\\.0\\.1:${closedPort}/.*ECONNREFUSED`));
      assert.ok(!result.err.includes(password));
    });
  });

  it('refuses a database URL that is not PostgreSQL, naming the variable', async () => {
    for (const url of ['mysql://root:pw@db/dispatch', 'localhost:5432/dispatch', 'postgres://']) {
      const result = await check({ DISPATCH_HOME: home, DISPATCH_DATABASE_URL: url });
      assert.equal(result.code, 2, url);
      assert.match(result.err, /DISPATCH_DATABASE_URL: must be a PostgreSQL URL \(postgres:\/\/user:password@host:5432\/database or postgresql:\/\/…\)/);
      assert.ok(!result.err.includes(':pw@'), 'the value is not echoed');
    }
  });
});
