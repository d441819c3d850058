// Packages the VS Code extension as a .vsix with @vscode/vsce.
// The root package.json is also the npm package, whose "files" list vsce refuses to combine
// with .vscodeignore; so the extension is staged in dist/vsix/ with a manifest that has
// only what the editor needs, and vsce packs that folder.
// Usage: node extension/vscode/package.mjs [--out file.vsix]   (run `npm run build:extension` first)
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const stage = path.join(root, 'dist', 'vsix');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const outArg = process.argv.indexOf('--out');
const out = path.resolve(outArg > 0 ? process.argv[outArg + 1] : path.join(root, `${manifest.name}-${manifest.version}.vsix`));

for (const bundle of ['dist/extension.cjs', 'dist/runner.cjs']) {
  if (!existsSync(path.join(root, bundle))) throw new Error(`${bundle} is missing: run npm run build:extension first.`);
}
rmSync(stage, { recursive: true, force: true });
mkdirSync(path.join(stage, 'dist'), { recursive: true });
for (const file of ['LICENSE', '.vscodeignore', 'dist/extension.cjs', 'dist/runner.cjs', 'extension/vscode/media']) {
  cpSync(path.join(root, file), path.join(stage, file), { recursive: true });
}
// The extension's page shows the extension's own README, not the project's (setup of the bridge, npm commands).
cpSync(path.join(root, 'extension/vscode/README.md'), path.join(stage, 'README.md'));
// The npm side of the manifest (bin, files, scripts, dependencies) means nothing to the editor.
for (const key of ['bin', 'files', 'scripts', 'dependencies', 'devDependencies', 'allowScripts', 'type']) delete manifest[key];
writeFileSync(path.join(stage, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);

const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', out], { cwd: stage, stdio: 'inherit' });
