import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { resolveCommand, toolEnv } from './processTree.js';
import { VENV_FOLDER, type PythonLock } from './pythonDepsKey.js';

/**
 * poetry.lock and uv.lock, installed without poetry or uv (neither is installed where
 * Dispatch runs, and a project's own tool is not fetched for it): the lock is read with
 * Python's tomllib, the packages this interpreter and platform need are picked with pip's
 * own marker logic, and pip installs them as exact pins into the session's venv. The
 * project itself is not installed (no editable install: its tests run from the worktree).
 */

/** The pins file the install reads, in the venv (so it goes wherever the venv goes, and never into the diff). */
export const PINS_FILE = path.join(VENV_FOLDER, 'dispatch-lock-pins.txt');

// Run by the venv's own python (3.11+ for tomllib; pip is in every venv ensurepip made).
// Every group of a poetry lock is installed (a session runs tests: main and dev); uv's lock
// is walked from the project along the edges whose markers hold, with its dependency groups.
const EXPORT_SCRIPT = String.raw`
import json, sys, tomllib
from pip._vendor.packaging.markers import Marker
from pip._vendor.packaging.utils import canonicalize_name

kind, lock_path = sys.argv[1], sys.argv[2]
with open(lock_path, 'rb') as f:
    lock = tomllib.load(f)
pins, skipped, problems = {}, [], []

def applies(marker):
    return not marker or Marker(marker).evaluate({'extra': ''})

def hashes(files):
    return sorted({f['hash'] for f in files if isinstance(f, dict) and isinstance(f.get('hash'), str)})

def add(name, version, found, where):
    if where:
        problems.append(f"{name} {version} comes from {where}, not a package index")
        return
    pins[canonicalize_name(name)] = (name, version, found)

if kind == 'poetry':
    for p in lock.get('package', []):
        name, version = p['name'], p['version']
        if p.get('optional'):
            skipped.append(f"{name} {version} (only for an extra)")
            continue
        markers = p.get('markers')
        # Poetry 2 names a marker per group (every group is installed: a session is a dev session).
        choices = list(markers.values()) if isinstance(markers, dict) else [markers]
        if not any(applies(m) for m in choices):
            skipped.append(f"{name} {version} ({' or '.join(str(m) for m in choices)})")
            continue
        source = p.get('source') or {}
        where = source.get('type') if source.get('type') in ('git', 'directory', 'file', 'url') else None
        add(name, version, hashes(p.get('files', [])), where and f"{where} {source.get('url', '')}".strip())
else:
    packages = lock.get('package', [])
    by_name = {}
    for p in packages:
        by_name.setdefault(canonicalize_name(p['name']), []).append(p)
    def local(p):
        return any(k in (p.get('source') or {}) for k in ('editable', 'virtual'))
    roots = [p for p in packages if local(p)]
    queue, seen = [], set()
    def edges(p, extras=()):
        found = list(p.get('dependencies', []))
        for group in (p.get('dev-dependencies') or {}).values() if local(p) else ():
            found += group
        for extra in extras:
            found += (p.get('optional-dependencies') or {}).get(extra, [])
        return found
    for root in roots:
        queue += edges(root)
    while queue:
        dep = queue.pop(0)
        name = canonicalize_name(dep['name'])
        if not applies(dep.get('marker')):
            skipped.append(f"{dep['name']} ({dep['marker']})")
            continue
        candidates = [p for p in by_name.get(name, []) if 'version' not in dep or p.get('version') == dep['version']]
        if len(candidates) > 1:
            candidates = [p for p in candidates if any(applies(m) for m in p.get('resolution-markers', [None]))] or candidates
        if not candidates:
            problems.append(f"{dep['name']} is named but not locked")
            continue
        p = candidates[0]
        extras = tuple(dep.get('extra', []))
        if (name, p.get('version'), extras) in seen:
            continue
        seen.add((name, p.get('version'), extras))
        queue += edges(p, extras)
        if local(p):
            continue  # a workspace member: the project's own code, not installed
        source = p.get('source') or {}
        where = next((f"{k} {v}" for k, v in source.items() if k in ('git', 'url', 'path', 'directory')), None)
        add(p['name'], p['version'], hashes([*p.get('wheels', []), p.get('sdist') or {}]), where)
    # an edge skipped on one path may be taken on another
    skipped = sorted({s for s in skipped if canonicalize_name(s.split(' ')[0]) not in pins})
all_hashed = bool(pins) and all(found for _, _, found in pins.values())
lines = ['--require-hashes'] if all_hashed else []
for key in sorted(pins):
    name, version, found = pins[key]
    lines.append(f"{name}=={version}" + ''.join(f" --hash={h}" for h in found if all_hashed))
print(json.dumps({'lines': lines, 'count': len(pins), 'hashed': all_hashed, 'skipped': sorted(set(skipped)), 'problems': problems}))
`;

const ExportSchema = z.object({ lines: z.array(z.string()), count: z.number(), hashed: z.boolean(), skipped: z.array(z.string()), problems: z.array(z.string()) });

export interface LockPins {
  /** Packages pinned. */
  count: number;
  /** Every pin has its hashes (pip installs with --require-hashes). */
  hashed: boolean;
  /** Packages (or uv's edges) left out: a marker that does not hold here, or only an extra's. */
  skipped: string[];
}

/**
 * Writes `worktree`'s PINS_FILE from `lock` with `python` (the venv's); the pins, or why
 * there are none (a package from git or a local path, an unreadable lock, no tomllib).
 */
export async function writeLockPins(worktree: string, lock: PythonLock, python: string): Promise<LockPins | { error: string }> {
  const kind = lock === 'poetry.lock' ? 'poetry' : 'uv';
  const answer = await new Promise<{ stdout: string; error?: string }>((resolve) => {
    const { file, args } = resolveCommand([python, '-c', EXPORT_SCRIPT, kind, path.join(worktree, lock)]);
    execFile(file, args, { cwd: worktree, env: toolEnv(), timeout: 60_000, windowsHide: true, maxBuffer: 16_000_000 }, (error, stdout, stderr) => {
      const last = String(stderr).trim().split(/\r?\n/).pop();
      resolve({ stdout: String(stdout), ...(error ? { error: last || error.message } : {}) });
    });
  });
  if (answer.error) return { error: `could not read ${lock}: ${answer.error}` };
  let parsed: z.infer<typeof ExportSchema>;
  try {
    parsed = ExportSchema.parse(JSON.parse(answer.stdout));
  } catch (error) {
    return { error: `could not read ${lock}: ${String(error)}` };
  }
  if (parsed.problems.length > 0) return { error: `${lock}: ${parsed.problems.join('; ')}` };
  await writeFile(path.join(worktree, PINS_FILE), parsed.lines.join('\n') + '\n');
  return { count: parsed.count, hashed: parsed.hashed, skipped: parsed.skipped };
}
