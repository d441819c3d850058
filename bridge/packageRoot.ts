import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder holding Dispatch's package.json. Code runs both compiled (dist/…) and from
 * source (tsx, in tests), so paths to non-code assets are taken from here, not from
 * the running file.
 */
export function packageRoot(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(folder, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'dispatch') return folder;
    const parent = dirname(folder);
    if (parent === folder) throw new Error('Dispatch package.json not found above ' + fileURLToPath(import.meta.url));
    folder = parent;
  }
}

/** Dispatch's version from package.json. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}
