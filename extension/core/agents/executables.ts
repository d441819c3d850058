import { accessSync, constants, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { SourceEnv } from './agentSettings.js';

function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    if (process.platform !== 'win32') accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first `name` on the PATH of `env` (with PATHEXT on Windows), or undefined. */
export function findOnPath(name: string, env: SourceEnv): string | undefined {
  const dirs = (env.PATH ?? env.Path ?? '').split(path.delimiter).filter(Boolean);
  const extensions = process.platform === 'win32' ? ['', ...(env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';')] : [''];
  for (const dir of dirs) {
    for (const extension of extensions) {
      const candidate = path.join(dir, name + extension.toLowerCase());
      if (isExecutableFile(candidate)) return candidate;
    }
  }
  return undefined;
}

/**
 * A configured program: a path (relative to `cwd`) when it contains a separator, else a
 * name looked up on PATH. Undefined when it does not exist or cannot be executed.
 */
export function resolveProgram(program: string, env: SourceEnv, cwd = process.cwd()): string | undefined {
  if (program.includes('/') || program.includes('\\')) {
    const file = path.resolve(cwd, program);
    return isExecutableFile(file) ? file : undefined;
  }
  return findOnPath(program, env);
}

/**
 * The `claude` executable that ships in the Agent SDK's per-platform optional package
 * (the same lookup the SDK does), or undefined when that package was not installed
 * (`npm ci --omit=optional`, or a platform without one).
 */
export function bundledClaude(): string | undefined {
  const require = createRequire(import.meta.url);
  const base = `@anthropic-ai/claude-agent-sdk-${process.platform}-${process.arch}`;
  const names = process.platform === 'linux' ? [base, `${base}-musl`] : [base];
  for (const name of names) {
    try {
      const dir = path.dirname(require.resolve(`${name}/package.json`));
      const file = path.join(dir, process.platform === 'win32' ? 'claude.exe' : 'claude');
      if (isExecutableFile(file)) return file;
    } catch {
      // Not installed for this platform: try the next.
    }
  }
  return undefined;
}

/** Where the claude backend's executable comes from: DISPATCH_CLAUDE_PATH, the SDK's bundled one, PATH. */
export function resolveClaude(configured: string | undefined, env: SourceEnv): string | undefined {
  // A JavaScript entry point (an npm-installed cli.js) is run by node and need not be executable.
  if (configured && /\.(c|m)?js$/.test(configured)) {
    const file = path.resolve(configured);
    return statSync(file, { throwIfNoEntry: false })?.isFile() ? file : undefined;
  }
  if (configured) return resolveProgram(configured, env);
  return bundledClaude() ?? findOnPath('claude', env);
}

/** Where the codex backend's executable comes from: DISPATCH_CODEX_PATH, else `codex` on PATH. */
export function resolveCodex(configured: string | undefined, env: SourceEnv): string | undefined {
  return resolveProgram(configured ?? 'codex', env);
}
