import { execFileSync } from 'node:child_process';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { ROOT } from './codeServer.js';

/** Builds dist/extension.cjs and dist/runner.cjs, as `npm run build:extension` does. */
export function buildExtension(): void {
  execFileSync(process.execPath, [path.join(ROOT, 'extension/vscode/esbuild.mjs')], { cwd: ROOT, stdio: 'inherit' });
}

/**
 * Compiles the extension-host suite (host/index.ts and what it imports) to one CommonJS
 * file under .vscode-test/, where `require('mocha')` still finds the project's mocha.
 */
export async function buildHostSuite(): Promise<string> {
  const outfile = path.join(ROOT, '.vscode-test/host-suite/index.cjs');
  await esbuild.build({
    entryPoints: [path.join(ROOT, 'test/extension/vscode/host/index.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
  return outfile;
}
