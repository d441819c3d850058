// Bundles the VS Code extension into two CommonJS files, so the VSIX needs no node_modules:
//   dist/extension.cjs  the extension (vscode is provided by the editor at run time)
//   dist/runner.cjs     the runner process it starts (simple-git, p-queue, zod, ws, vscode-jsonrpc inside)
// Usage: node extension/vscode/esbuild.mjs [--watch] [--sourcemap]
import * as esbuild from 'esbuild';

const watch = process.argv.includes('--watch');
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  logLevel: 'warning',
  sourcemap: process.argv.includes('--sourcemap'),
  // Smaller VSIX and faster activation; names kept so stack traces in the logs stay readable.
  minify: true,
  keepNames: true,
  // ws tries these optional native speed-ups with require() inside try/catch.
  external: ['bufferutil', 'utf-8-validate'],
  // ESM sources use import.meta.url (createRequire, file paths); in a CJS bundle it is this file's URL.
  define: { 'import.meta.url': '__dispatchImportMetaUrl' },
  banner: { js: "const __dispatchImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
};
const builds = [
  { ...common, entryPoints: ['extension/vscode/extension.ts'], outfile: 'dist/extension.cjs', external: [...common.external, 'vscode'] },
  { ...common, entryPoints: ['extension/core/editor/runnerServer.ts'], outfile: 'dist/runner.cjs' },
];

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
