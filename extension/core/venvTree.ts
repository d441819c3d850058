import { lstat, readdir, readFile, readlink, rm, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * A venv is not relocatable as made: `python -m venv` and pip write the venv's absolute
 * path into bin/ (script shebangs, the activate scripts) and pyvenv.cfg. A cached venv
 * keeps the path it was built at, and each copy is rewritten to its own before it
 * appears in a worktree. What else points outside the venv makes it unfit to reuse.
 */

/** The site-packages folders of a venv (lib/pythonX.Y/site-packages). */
async function sitePackages(venv: string): Promise<string[]> {
  const lib = path.join(venv, 'lib');
  const versions = await readdir(lib).catch(() => [] as string[]);
  return versions.filter((name) => name.startsWith('python')).map((name) => path.join(lib, name, 'site-packages'));
}

function inside(file: string, folder: string): boolean {
  const relative = path.relative(folder, file);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** pyvenv.cfg's `home`: the folder of the interpreter the venv's python links to. */
async function venvHome(venv: string): Promise<string | undefined> {
  const text = await readFile(path.join(venv, 'pyvenv.cfg'), 'utf8').catch(() => '');
  return /^home\s*=\s*(.+)$/m.exec(text)?.[1]?.trim();
}

/**
 * Why the venv at `venv` (in `worktree`) must not be reused, or undefined: an editable
 * install or a `.pth` file adding a folder outside the venv (the worktree's own source),
 * a package installed from a local path (its `direct_url.json`), or a link in bin/ to
 * anything but the interpreter it was made from.
 */
export async function venvEscape(venv: string, worktree: string): Promise<string | undefined> {
  const home = await venvHome(venv);
  if (!home) return 'the venv has no pyvenv.cfg naming its interpreter';
  const bin = path.join(venv, 'bin');
  for (const name of await readdir(bin).catch(() => [] as string[])) {
    const file = path.join(bin, name);
    if (!(await lstat(file)).isSymbolicLink()) continue;
    const target = path.resolve(bin, await readlink(file));
    if (!inside(target, venv) && (inside(target, worktree) || !inside(target, path.resolve(home)))) return `bin/${name} links to ${target}`;
  }
  for (const site of await sitePackages(venv)) {
    for (const name of await readdir(site).catch(() => [] as string[])) {
      const file = path.join(site, name);
      if (name.startsWith('__editable__') || name.endsWith('.egg-link')) return `an editable install (${name})`;
      if (name.endsWith('.pth')) {
        // Each line is a folder added to sys.path, unless it is code ("import …").
        for (const line of (await readFile(file, 'utf8')).split(/\r?\n/)) {
          const entry = line.trim();
          if (!entry || entry.startsWith('#') || /^import[\s\t]/.test(entry)) continue;
          if (!inside(path.resolve(site, entry), venv)) return `${name} adds ${entry} to the import path`;
        }
      }
      if (name.endsWith('.dist-info')) {
        const direct = await readFile(path.join(file, 'direct_url.json'), 'utf8').catch(() => undefined);
        if (direct === undefined) continue;
        const url = (JSON.parse(direct) as { url?: unknown; dir_info?: { editable?: unknown } }).url;
        if (typeof url === 'string' && url.startsWith('file:')) return `${name.replace(/\.dist-info$/, '')} is installed from ${url}`;
      }
    }
  }
  return undefined;
}

/**
 * Rewrites the venv path `from` to `to` in the copy at `venv`: every text file in bin/
 * (shebangs of pip's scripts, activate, activate.fish, activate.csh, Activate.ps1) and
 * pyvenv.cfg. Binaries and links are left as they are.
 */
export async function relocateVenv(venv: string, from: string, to: string): Promise<number> {
  if (from === to) return 0;
  const bin = path.join(venv, 'bin');
  const files = [path.join(venv, 'pyvenv.cfg'), ...(await readdir(bin).catch(() => [] as string[])).map((name) => path.join(bin, name))];
  let rewritten = 0;
  for (const file of files) {
    const info = await lstat(file).catch(() => undefined);
    if (!info?.isFile() || info.size > 1_000_000) continue;
    const content = await readFile(file);
    if (content.includes(0) || !content.includes(from)) continue;
    await writeFile(file, content.toString('utf8').split(from).join(to), { mode: info.mode });
    rewritten++;
  }
  return rewritten;
}

/**
 * Removes the files under `dir` last written before `beforeMs` (pip's cache: an HTTP
 * response or a built wheel pip has not written again since), and folders left empty.
 */
export async function pruneOlderFiles(dir: string, beforeMs: number): Promise<{ files: number; bytes: number }> {
  const removed = { files: 0, bytes: 0 };
  const walk = async (folder: string): Promise<boolean> => {
    let left = 0;
    for (const entry of await readdir(folder, { withFileTypes: true }).catch(() => [])) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) {
        if (await walk(full)) await rmdir(full).catch(() => left++);
        else left++;
        continue;
      }
      const info = await lstat(full).catch(() => undefined);
      if (!info || info.mtimeMs >= beforeMs) {
        left++;
        continue;
      }
      await rm(full, { force: true });
      removed.files++;
      removed.bytes += info.size;
    }
    return left === 0;
  };
  await walk(dir);
  return removed;
}
