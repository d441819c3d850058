import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { systemdUnit, type ServicePlan } from '../../../extension/core/cli/serviceDefinition.js';
import { makeRepo, TempDirs, writeFiles } from '../../helpers/gitRepos.js';
import { dispatch } from './cliIo.js';

const RUNNER_SECRET = 'runner-secret-0123456789';
const SLACK_SECRET = 'xoxb-slack-secret-42';
const BRIDGE = 'ws://bridge.example:7878';

/** Every file and folder under `dir`, relative, sorted: what "nothing left behind" compares. */
function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (at: string) => {
    for (const name of readdirSync(at)) {
      const full = path.join(at, name);
      out.push(path.relative(dir, full));
      if (statSync(full).isDirectory()) walk(full);
    }
  };
  walk(dir);
  return out.sort();
}

function hasCommand(name: string, args: string[]): boolean {
  return spawnSync(name, args, { stdio: 'ignore' }).status === 0;
}

/** The file --dry-run prints, without its "# …" header and footer lines. */
function definitionOf(stdout: string): string {
  return stdout.replace(/^#.*\n/gm, '');
}

/** A stand-in for a service manager's CLI: records its argv, answers from a script. */
function standIn(bin: string, name: string, body: string): void {
  const file = path.join(bin, name);
  writeFileSync(file, `#!/bin/sh\necho "$*" >> "$STAND_IN_LOG"\n${body}\n`);
  chmodSync(file, 0o755);
}

describe('dispatch service: the runner as a login service', function () {
  this.timeout(30_000);
  const temp = new TempDirs();
  afterEach(() => temp.cleanup());

  /** A user's world: HOME, a repository with a .env, tools on PATH, secrets in the shell. */
  function world(envFile = `DISPATCH_RUNNER_TOKEN=${RUNNER_SECRET}\n`) {
    const home = temp.make('service-home-');
    const outside = temp.make('service-tools-');
    const bin = path.join(outside, 'bin');
    const repo = makeRepo(path.join(temp.make(), 'api'));
    writeFiles(repo, { '.env': envFile });
    const env: NodeJS.ProcessEnv = {
      HOME: home,
      XDG_CONFIG_HOME: path.join(home, '.config'),
      USER: 'ana',
      PATH: `${bin}:${process.env.PATH ?? ''}`,
      DISPATCH_HOME: path.join(home, '.dispatch'),
      DISPATCH_MAX_SESSIONS: '3',
      DISPATCH_RUNNER_TOKEN: RUNNER_SECRET,
      SLACK_BOT_TOKEN: SLACK_SECRET,
      STAND_IN_LOG: path.join(outside, 'calls.log'),
      STAND_IN_STATE: outside,
    };
    writeFiles(bin, { '.keep': '' });
    return { home, outside, bin, repo, env, calls: () => (existsSync(env.STAND_IN_LOG!) ? readFileSync(env.STAND_IN_LOG!, 'utf8').trim().split('\n') : []) };
  }

  it('the systemd unit runs `dispatch runner --bridge URL` from this folder, restarts on failure, after the network, logs to the service log, and holds no secret', async () => {
    const { env, repo, home } = world();
    const run = await dispatch(['service', 'install', '--dry-run', '--platform', 'linux', '--bridge', BRIDGE], env, repo);
    assert.equal(run.code, 0, run.stderr);
    const unit = run.stdout;
    assert.match(unit, new RegExp(`^# systemd user unit: ${path.join(home, '.config', 'systemd', 'user', 'dispatch.service')}\n`));
    const line = (key: string) => unit.split('\n').filter((l) => l.startsWith(`${key}=`)).map((l) => l.slice(key.length + 1));
    assert.deepEqual(line('ExecStart'), [`${process.execPath} ${path.resolve('bin/dispatch.js')} runner --bridge ${BRIDGE}`]);
    assert.deepEqual(line('WorkingDirectory'), [repo], 'started where .env is, so it reads the secrets there');
    assert.deepEqual(line('Restart'), ['on-failure']);
    assert.deepEqual(line('After'), ['network-online.target']);
    assert.deepEqual(line('StartLimitIntervalSec'), ['0'], 'it never gives up restarting');
    assert.deepEqual(line('StandardOutput'), [`append:${path.join(home, '.dispatch', 'logs', 'service.log')}`]);
    assert.deepEqual(line('WantedBy'), ['default.target']);
    assert.ok(line('Environment').includes(`DISPATCH_HOME=${path.join(home, '.dispatch')}`));
    assert.ok(line('Environment').includes('DISPATCH_MAX_SESSIONS=3'), 'non-secret settings are kept');
    assert.ok(!unit.includes(RUNNER_SECRET) && !unit.includes(SLACK_SECRET) && !unit.includes('TOKEN'), 'no secret, not even its name');
    assert.match(run.stderr, /warning: SLACK_BOT_TOKEN is set in this shell but not in .*\.env: the service will not see it/);
    assert.ok(!run.stderr.includes(SLACK_SECRET), 'a warning names the variable, never its value');
    assert.ok(!existsSync(path.join(home, '.config')), '--dry-run writes nothing');
  });

  it('several bridges (comma-separated) go into the unit as one --bridge; a bad entry is refused by name and nothing is written', async () => {
    const { env, repo, home } = world();
    const list = `${BRIDGE},wss://bridge-two.example`;
    const run = await dispatch(['service', 'install', '--dry-run', '--platform', 'linux', '--bridge', list], env, repo);
    assert.equal(run.code, 0, run.stderr);
    assert.ok(run.stdout.includes(`runner --bridge ${list}\n`), run.stdout);
    const bad = await dispatch(['service', 'install', '--bridge', `${BRIDGE},bridge-two`], env, repo);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /--bridge lists "bridge-two", which is not a URL/);
    assert.ok(!existsSync(path.join(home, '.config')), 'nothing written');
  });

  it('the generated unit passes `systemd-analyze verify`', async function () {
    if (!hasCommand('systemd-analyze', ['--version'])) this.skip();
    const { env, repo } = world();
    const run = await dispatch(['service', 'install', '--dry-run', '--platform', 'linux', '--bridge', BRIDGE], env, repo);
    const dir = temp.make('unit-');
    const file = path.join(dir, 'dispatch.service');
    writeFileSync(file, definitionOf(run.stdout));
    // System mode: the user manager needs a login session this machine may not have; the unit syntax is the same.
    const verified = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8' });
    assert.equal(verified.status, 0, verified.stderr);
    assert.equal(verified.stderr.trim(), '', 'no unknown keys or bad values');
  });

  it('restart delays grow on systemd 254 and later, and stay fixed (no unknown keys) before', () => {
    const plan: ServicePlan = { program: '/usr/bin/node', args: ['/opt/dispatch/bin/dispatch.js', 'start'], workingDirectory: '/home/ana/api', environment: { DISPATCH_HOME: '/home/ana/.dispatch' }, logFile: '/home/ana/.dispatch/logs/service.log', description: 'Dispatch' };
    assert.match(systemdUnit(plan, 255), /^RestartSteps=8$/m);
    assert.match(systemdUnit(plan, 255), /^RestartMaxDelaySec=300$/m);
    assert.doesNotMatch(systemdUnit(plan, 252), /RestartSteps|RestartMaxDelaySec/);
    assert.match(systemdUnit(plan, 252), /^RestartSec=10$/m);
    assert.match(systemdUnit({ ...plan, args: ['/opt/my dispatch/bin/dispatch.js', 'start'], environment: { DISPATCH_REPOS: 'a=/x 100%' } }, 252), /^ExecStart=\/usr\/bin\/node "\/opt\/my dispatch\/bin\/dispatch.js" start$\n^Environment="DISPATCH_REPOS=a=\/x 100%%"$/m);
  });

  it('the launchd plist: label, program arguments, keep-alive on failure, run at load, logs, settings without secrets', async function () {
    if (!hasCommand('python3', ['--version'])) this.skip();
    const { env, repo, home } = world();
    const run = await dispatch(['service', 'install', '--dry-run', '--platform', 'darwin'], env, repo);
    assert.equal(run.code, 0, run.stderr);
    const plist = definitionOf(run.stdout);
    const parsed = JSON.parse(execFileSync('python3', ['-c', 'import json, plistlib, sys; print(json.dumps(plistlib.loads(sys.stdin.buffer.read())))'], { input: plist, encoding: 'utf8' }));
    assert.equal(parsed.Label, 'com.dispatch.runner');
    assert.deepEqual(parsed.ProgramArguments, [process.execPath, path.resolve('bin/dispatch.js'), 'start'], 'no bridge named: the local bridge and runner');
    assert.equal(parsed.WorkingDirectory, repo);
    assert.equal(parsed.RunAtLoad, true);
    assert.deepEqual(parsed.KeepAlive, { SuccessfulExit: false });
    assert.equal(parsed.StandardOutPath, path.join(home, '.dispatch', 'logs', 'service.log'));
    assert.equal(parsed.StandardErrorPath, parsed.StandardOutPath);
    assert.equal(parsed.EnvironmentVariables.DISPATCH_HOME, path.join(home, '.dispatch'));
    assert.ok(!Object.keys(parsed.EnvironmentVariables).some((name) => /TOKEN/.test(name)));
    assert.ok(!plist.includes(RUNNER_SECRET));
  });

  it('the Windows task: at logon, only with a network, restarts on failure, output appended to the service log', async function () {
    if (!hasCommand('python3', ['--version'])) this.skip();
    const { env, repo, home } = world();
    const run = await dispatch(['service', 'install', '--dry-run', '--platform', 'win32', '--bridge', BRIDGE], { ...env, USERDOMAIN: 'DESK', USERNAME: 'ana' }, repo);
    assert.equal(run.code, 0, run.stderr);
    const xml = definitionOf(run.stdout).replace('encoding="UTF-16"', 'encoding="UTF-8"');
    const script = `import json, sys, xml.etree.ElementTree as ET
ns = {'t': 'http://schemas.microsoft.com/windows/2004/02/mit/task'}
root = ET.fromstring(sys.stdin.read().encode())
get = lambda p: root.find(p, ns).text
print(json.dumps({'user': get('t:Triggers/t:LogonTrigger/t:UserId'), 'network': get('t:Settings/t:RunOnlyIfNetworkAvailable'),
  'interval': get('t:Settings/t:RestartOnFailure/t:Interval'), 'count': get('t:Settings/t:RestartOnFailure/t:Count'),
  'limit': get('t:Settings/t:ExecutionTimeLimit'), 'command': get('t:Actions/t:Exec/t:Command'), 'args': get('t:Actions/t:Exec/t:Arguments'),
  'cwd': get('t:Actions/t:Exec/t:WorkingDirectory')}))`;
    const task = JSON.parse(execFileSync('python3', ['-c', script], { input: xml, encoding: 'utf8' }));
    assert.equal(task.user, 'DESK\\ana');
    assert.equal(task.network, 'true');
    assert.equal(task.interval, 'PT1M');
    assert.ok(Number(task.count) >= 100);
    assert.equal(task.limit, 'PT0S', 'never stopped for running too long');
    assert.equal(task.command, 'cmd.exe');
    assert.ok(task.args.includes(`"${process.execPath}" "${path.resolve('bin/dispatch.js')}" "runner" "--bridge" "${BRIDGE}" >> "${path.join(home, '.dispatch', 'logs', 'service.log')}" 2>&1`), task.args);
    assert.ok(task.args.includes(`set "DISPATCH_HOME=${path.join(home, '.dispatch')}"`));
    assert.equal(task.cwd, repo);
    assert.ok(!xml.includes(RUNNER_SECRET) && !xml.includes('TOKEN'));
  });

  it('install then uninstall leaves nothing behind (with a stand-in systemctl: this machine has no user systemd bus)', async () => {
    const { env, repo, home, bin, calls } = world();
    standIn(bin, 'systemctl', `case "$*" in
  --version) echo "systemd 252 (252.39-1~deb12u2)";;
  "--user restart dispatch.service") touch "$STAND_IN_STATE/active";;
  "--user disable --now dispatch.service") rm -f "$STAND_IN_STATE/active";;
  "--user is-active dispatch.service") if [ -f "$STAND_IN_STATE/active" ]; then echo active; else echo inactive; exit 3; fi;;
esac`);
    standIn(bin, 'loginctl', 'echo no');
    const before = tree(home);
    const dry = await dispatch(['service', 'install', '--dry-run', '--bridge', BRIDGE], env, repo);

    const installed = await dispatch(['service', 'install', '--bridge', BRIDGE], env, repo);
    assert.equal(installed.code, 0, installed.stderr);
    const unitFile = path.join(home, '.config', 'systemd', 'user', 'dispatch.service');
    assert.equal(readFileSync(unitFile, 'utf8'), definitionOf(dry.stdout), 'install writes what --dry-run printed');
    assert.match(installed.stdout, /loginctl enable-linger ana/);
    assert.deepEqual(calls().filter((c) => c.startsWith('--user')), ['--user daemon-reload', '--user enable dispatch.service', '--user restart dispatch.service']);
    const status = await dispatch(['service', 'status'], env, repo);
    assert.equal(status.code, 0);
    assert.match(status.stdout, new RegExp(`^installed: yes \\(systemd user unit ${unitFile}\\)\nrunning: +yes\n`));

    const removed = await dispatch(['service', 'uninstall'], env, repo);
    assert.equal(removed.code, 0, removed.stderr);
    assert.match(removed.stdout, /Removed .*dispatch\.service/);
    assert.deepEqual(tree(home), before, 'no unit, no folder, no log left');
    assert.ok(calls().includes('--user disable --now dispatch.service'));
    const after = await dispatch(['service', 'status'], env, repo);
    assert.equal(after.code, 3);
    assert.match(after.stdout, /^installed: no/);
  });

  it('service logs prints the last lines of the service log, or says there is none yet', async () => {
    const { env, repo, home } = world();
    const none = await dispatch(['service', 'logs'], env, repo);
    assert.match(none.stdout, /^No service log yet at .*service\.log: the service writes it when it starts\.\n$/);
    writeFiles(path.join(home, '.dispatch', 'logs'), { 'service.log': 'one\ntwo\nConnected to ws://bridge.example:7878 as desk.\n' });
    const shown = await dispatch(['service', 'logs', '-n', '2'], env, repo);
    assert.equal(shown.stdout, 'two\nConnected to ws://bridge.example:7878 as desk.\n');
  });

  it('a failed install (no systemd user bus) says why and leaves nothing behind', async () => {
    const { env, repo, home, bin } = world();
    standIn(bin, 'systemctl', `case "$*" in
  --version) echo "systemd 252";;
  *) echo "Failed to connect to bus: No medium found" >&2; exit 1;;
esac`);
    const before = tree(home);
    const run = await dispatch(['service', 'install', '--bridge', BRIDGE], env, repo);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /systemctl --user daemon-reload failed: Failed to connect to bus: No medium found/);
    assert.deepEqual(tree(home), before);
  });

  it('install then uninstall on macOS and Windows drives launchctl and schtasks (stand-ins) and leaves nothing behind', async () => {
    const { env, repo, home, bin, outside, calls } = world();
    standIn(bin, 'launchctl', `case "$1" in print) [ -f "$STAND_IN_STATE/loaded" ] && echo "state = running" || exit 113;; bootstrap) touch "$STAND_IN_STATE/loaded";; bootout) rm -f "$STAND_IN_STATE/loaded";; esac`);
    // schtasks keeps a copy of the XML it was given, as Task Scheduler does.
    standIn(bin, 'schtasks', `case "$1" in
  /Create) cp "$5" "$STAND_IN_STATE/task.xml";;
  /Query) [ -f "$STAND_IN_STATE/task.xml" ] || exit 1; echo '"\\Dispatch","N/A","Running"';;
  /Delete) rm -f "$STAND_IN_STATE/task.xml";;
esac`);
    const before = tree(home);
    for (const platform of ['darwin', 'win32'] as const) {
      const io = { ...env, USERDOMAIN: 'DESK', USERNAME: 'ana' };
      const run = (argv: string[]) => dispatchOn(platform, argv, io, repo);
      const installed = await run(['install', '--bridge', BRIDGE]);
      assert.equal(installed.code, 0, installed.stderr);
      assert.match((await run(['status'])).stdout, /^installed: yes[\s\S]*running: +yes/);
      if (platform === 'win32') {
        const given = readFileSync(path.join(outside, 'task.xml'));
        assert.deepEqual([...given.subarray(0, 2)], [0xff, 0xfe], 'UTF-16 with a byte order mark, as schtasks wants');
        assert.match(given.toString('utf16le'), /<LogonTrigger>/);
      }
      assert.equal((await run(['uninstall'])).code, 0);
      assert.deepEqual(tree(home), before, `${platform}: nothing left behind`);
      assert.match((await run(['status'])).stdout, /^installed: no/);
    }
    assert.ok(calls().some((c) => c.startsWith('bootstrap gui/')));
    assert.ok(calls().includes('/Delete /TN Dispatch /F'));
  });
});

/** `dispatch service …` as if on another operating system (the stand-ins play its tools). */
async function dispatchOn(platform: NodeJS.Platform, argv: string[], env: NodeJS.ProcessEnv, cwd: string) {
  const { runServiceCommand } = await import('../../../extension/core/cli/serviceCommand.js');
  const { recorder } = await import('./cliIo.js');
  const stdout = recorder();
  const stderr = recorder();
  let code: number;
  try {
    code = await runServiceCommand(argv, { stdout: stdout.stream, stderr: stderr.stream, env, cwd, platform });
  } catch (error) {
    stderr.stream.write(String(error));
    code = 2;
  }
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}
