import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MAX_VOCABULARY_BYTES, MAX_VOCABULARY_TERMS, type RepoVocabulary } from '../../shared/routing/context.js';

/**
 * PLACEHOLDER — to be replaced by 12-router's builder at merge (same signature).
 * Only the top-level file and folder names and package.json's dependency names, so that
 * the runner's plumbing (hello, updates, bridge storage) can be built and tested first.
 *
 * @param path - A local checkout.
 * @returns Its bounded vocabulary (lowercase terms).
 */
export async function buildRepoVocabulary(path: string): Promise<RepoVocabulary> {
  const terms = new Set<string>();
  for (const entry of await readdir(path, { withFileTypes: true }).catch(() => [])) {
    if (entry.name === '.git') continue;
    terms.add(entry.name.toLowerCase());
    const base = entry.name.replace(/\.[^.]+$/, '').toLowerCase();
    if (base) terms.add(base);
  }
  try {
    const manifest = JSON.parse(await readFile(join(path, 'package.json'), 'utf8')) as Record<string, unknown>;
    for (const field of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
      const deps = manifest[field];
      if (deps && typeof deps === 'object') for (const name of Object.keys(deps)) terms.add(name.toLowerCase());
    }
  } catch {
    // No package.json, or not JSON: nothing to add.
  }
  const bounded: string[] = [];
  let bytes = 0;
  for (const term of terms) {
    const size = Buffer.byteLength(term);
    if (term.length > 100 || bounded.length >= MAX_VOCABULARY_TERMS || bytes + size > MAX_VOCABULARY_BYTES) continue;
    bounded.push(term);
    bytes += size;
  }
  return { terms: bounded };
}
