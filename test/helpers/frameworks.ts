import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeFiles } from './gitRepos.js';

/**
 * Real test frameworks from the npm registry, installed once per machine into a cache
 * folder under the OS temp dir (keyed by name and version) and reused by every test run:
 * an install takes tens of seconds on two cores, a reuse nothing.
 */
const CACHE = path.join(os.tmpdir(), 'dispatch-test-frameworks');
const INSTALL_TIMEOUT_MS = 300_000;

export type Installed = { nodeModules: string } | { skip: string };

function registryReachable(): boolean {
  return spawnSync('npm', ['ping'], { encoding: 'utf8', timeout: 30_000 }).status === 0;
}

/** The node_modules holding `spec` (e.g. "mocha@3.5.3"), installing it on first use. */
export function installFramework(spec: string): Installed {
  const dir = path.join(CACHE, spec.replace(/[^A-Za-z0-9@.-]/g, '_'));
  const marker = path.join(dir, '.installed');
  if (existsSync(marker)) return { nodeModules: path.join(dir, 'node_modules') };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'framework-cache', private: true }));
  const install = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error', spec], {
    cwd: dir,
    encoding: 'utf8',
    timeout: INSTALL_TIMEOUT_MS,
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  if (install.status === 0) {
    writeFileSync(marker, new Date().toISOString());
    return { nodeModules: path.join(dir, 'node_modules') };
  }
  if (!registryReachable()) return { skip: `the npm registry is not reachable, so ${spec} cannot be installed` };
  throw new Error(`npm install ${spec} failed: ${install.stderr || install.error?.message || `exit ${install.status}`}`);
}

/** A project folder with `files` and the framework's node_modules linked in (a fixture, not a worktree). */
export function suiteProject(parent: string, nodeModules: string | undefined, files: Record<string, string>): string {
  const dir = path.join(parent, 'suite');
  mkdirSync(dir, { recursive: true });
  writeFiles(dir, files);
  if (nodeModules) symlinkSync(nodeModules, path.join(dir, 'node_modules'), 'dir');
  return dir;
}

/** Runs a suite as `npm test` would (no terminal), with colours forced on: the worst case for a chat. */
export function runSuite(dir: string, command: string[]): string {
  const [program, ...args] = command;
  const run = spawnSync(program ?? 'node', args, {
    cwd: dir,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, FORCE_COLOR: '1', CI: '1' },
  });
  return `${run.stdout ?? ''}${run.stderr ?? ''}`;
}
