import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseDotenv } from 'dotenv';
import { asDispatchError, DispatchError } from '../../../shared/errors.js';
import { parseBridgeUrls } from '../link/bridgeUrls.js';
import { loadRunnerConfig } from '../runnerConfig.js';
import { isSecretName as maskedAsSecret } from '../secretMask.js';
import type { ServicePlan } from './serviceDefinition.js';

/** Names that hold credentials: never written into a unit, plist or task. */
const SECRET_NAME = /TOKEN|SECRET|PASSWORD|PASSWD|KEY|CREDENTIAL|AUTH|DATABASE_URL|COOKIE/i;

/** Broader than the log mask on purpose: a service file keeps out anything that may be a credential. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name) || maskedAsSecret(name);
}

export interface PlanInput {
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** `--bridge URL`; else DISPATCH_BRIDGE_URL; else the service runs `dispatch start` (a local bridge). */
  bridge?: string;
}

export interface PlannedService {
  plan: ServicePlan;
  home: string;
  /** Things the person should fix for the service to work like this shell does. */
  warnings: string[];
}

/**
 * The service for the current settings: `dispatch runner --bridge URL` when a bridge is
 * named, `dispatch start` otherwise, from this folder (where `.env` is read at start),
 * with DISPATCH_* settings that are not secrets, and the PATH (agents are found on it).
 */
export function planService(input: PlanInput): PlannedService {
  const config = loadRunnerConfig(input.env, input.cwd);
  if (config.repos.length === 0) {
    throw new DispatchError('bad_config', 'Run `dispatch service install` inside the git repository the sessions should use, or set DISPATCH_REPOS=name=/path.');
  }
  const bridge = input.bridge ?? input.env.DISPATCH_BRIDGE_URL;
  if (bridge !== undefined) checkBridgeUrl(bridge, input.bridge !== undefined ? '--bridge' : 'DISPATCH_BRIDGE_URL');
  const script = dispatchScript();
  const environment: Record<string, string> = { DISPATCH_HOME: config.home };
  for (const [name, value] of Object.entries(input.env)) {
    if (name.startsWith('DISPATCH_') && value !== undefined && !isSecretName(name) && name !== 'DISPATCH_BRIDGE_URL') environment[name] = value;
  }
  environment.DISPATCH_HOME = config.home; // absolute, whatever the shell said
  if (input.env.PATH) environment.PATH = input.env.PATH;
  const plan: ServicePlan = {
    program: process.execPath,
    args: bridge !== undefined ? [script, 'runner', '--bridge', bridge] : [script, 'start'],
    workingDirectory: input.cwd,
    environment,
    logFile: path.join(config.home, 'logs', 'service.log'),
    description: bridge !== undefined ? `Dispatch runner for ${bridge}` : 'Dispatch (bridge with web chat, and a runner for this machine)',
  };
  return { plan, home: config.home, warnings: secretWarnings(input, config.home, bridge !== undefined) };
}

/** One bridge URL or several, comma-separated (the runner fails over between them). */
function checkBridgeUrl(list: string, setting: string): void {
  let urls: string[];
  try {
    urls = parseBridgeUrls(list, setting);
  } catch (error) {
    throw new DispatchError('bad_input', asDispatchError(error).message);
  }
  for (const url of urls) {
    const parsed = new URL(url);
    if (parsed.username || parsed.password) throw new DispatchError('bad_input', 'Leave credentials out of the bridge URL: the service file would keep them. Put the runner token in .env instead.');
  }
}

/**
 * A secret set only in this shell would be lost: the service starts with no shell. Say so,
 * naming the variable (never its value), and where to put it.
 */
function secretWarnings(input: PlanInput, home: string, remote: boolean): string[] {
  const envFile = path.join(input.cwd, '.env');
  let fromFile: Record<string, string> = {};
  try {
    fromFile = parseDotenv(readFileSync(envFile, 'utf8'));
  } catch {
    // No .env here.
  }
  const warnings: string[] = [];
  for (const name of Object.keys(input.env).sort()) {
    if (!isSecretName(name) || !(name.startsWith('DISPATCH_') || /^(SLACK|DISCORD|ANTHROPIC|OPENAI)_/.test(name))) continue;
    if (!(name in fromFile)) warnings.push(`${name} is set in this shell but not in ${envFile}: the service will not see it. Put it in that .env file.`);
  }
  const hasRunnerToken = 'DISPATCH_RUNNER_TOKEN' in fromFile || existsSync(path.join(home, 'secrets.json'));
  if (remote && !hasRunnerToken) {
    warnings.push(`No runner token for the service: put DISPATCH_RUNNER_TOKEN in ${envFile} (or keep the bridge's ${path.join(home, 'secrets.json')} here).`);
  }
  return warnings;
}

/** bin/dispatch.js of this installation (the code runs from dist/ or, in tests, from source). */
function dispatchScript(): string {
  let folder = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(folder, 'bin', 'dispatch.js');
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(folder);
    if (parent === folder) throw new DispatchError('internal', 'bin/dispatch.js not found above this installation.');
    folder = parent;
  }
}
