import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { writeFiles } from './gitRepos.js';

/**
 * Tiny pure-Python packages for tests that drive real pip without an index (PyPI is not
 * reachable here). Each package carries an in-tree PEP 517 backend (`requires = []`),
 * so pip builds it with nothing to download: into a wheel (`pip wheel --no-index`), or
 * from an sdist at install time — which puts the built wheel in pip's cache.
 */
const BACKEND = String.raw`import base64, hashlib, os, zipfile
HERE = os.path.dirname(os.path.abspath(__file__))
NAME, VERSION = open(os.path.join(HERE, 'NAME')).read().split()
DIST = f'{NAME}-{VERSION}.dist-info'

def _wheel(wheel_directory, files):
    files[f'{DIST}/METADATA'] = f'Metadata-Version: 2.1\nName: {NAME}\nVersion: {VERSION}\n'.encode()
    files[f'{DIST}/WHEEL'] = b'Wheel-Version: 1.0\nGenerator: tinybackend\nRoot-Is-Purelib: true\nTag: py3-none-any\n'
    if os.path.exists(os.path.join(HERE, 'entry_points.txt')):
        files[f'{DIST}/entry_points.txt'] = open(os.path.join(HERE, 'entry_points.txt'), 'rb').read()
    def line(p, d):
        digest = base64.urlsafe_b64encode(hashlib.sha256(d).digest()).rstrip(b'=').decode()
        return f'{p},sha256={digest},{len(d)}'
    filename = f'{NAME}-{VERSION}-py3-none-any.whl'
    with zipfile.ZipFile(os.path.join(wheel_directory, filename), 'w') as z:
        for p, d in files.items():
            z.writestr(p, d)
        z.writestr(f'{DIST}/RECORD', '\n'.join([line(p, d) for p, d in files.items()] + [f'{DIST}/RECORD,,']) + '\n')
    return filename

def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    files = {}
    for root, _, names in os.walk(os.path.join(HERE, NAME)):
        for n in names:
            if n.endswith('.py'):
                full = os.path.join(root, n)
                files[os.path.relpath(full, HERE)] = open(full, 'rb').read()
    return _wheel(wheel_directory, files)

def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    # As setuptools does: a .pth file that puts the source folder on the import path.
    return _wheel(wheel_directory, {f'__editable__.{NAME}-{VERSION}.pth': (HERE + '\n').encode()})
`;

export interface TinyPackage {
  name: string;
  version: string;
  /** The module's __init__.py. */
  code: string;
  /** A console script `name = module:function`, which pip writes into the venv's bin/. */
  script?: string;
}

/** Writes the package's source folder under `parent`; returns it. */
export function tinyPackageSource(parent: string, pkg: TinyPackage): string {
  const dir = path.join(parent, `${pkg.name}-${pkg.version}`);
  writeFiles(dir, {
    'pyproject.toml': '[build-system]\nrequires = []\nbuild-backend = "tinybackend"\nbackend-path = ["."]\n',
    'tinybackend.py': BACKEND,
    NAME: `${pkg.name} ${pkg.version}\n`,
    [`${pkg.name}/__init__.py`]: pkg.code,
    ...(pkg.script ? { 'entry_points.txt': `[console_scripts]\n${pkg.script}\n` } : {}),
  });
  return dir;
}

/** Builds the package into a wheel in `wheels` with pip (no index, nothing downloaded). */
export function buildWheel(parent: string, wheels: string, pkg: TinyPackage): void {
  const source = tinyPackageSource(parent, pkg);
  execFileSync('python3', ['-m', 'pip', 'wheel', '--quiet', '--no-index', '--no-deps', '--wheel-dir', wheels, source], { stdio: 'pipe', timeout: 120_000 });
}

/** Packs the package as an sdist (`name-version.tar.gz`) into `wheels`: pip builds it at install time. */
export function buildSdist(parent: string, wheels: string, pkg: TinyPackage): void {
  const source = tinyPackageSource(parent, pkg);
  execFileSync('tar', ['-czf', path.join(wheels, `${pkg.name}-${pkg.version}.tar.gz`), '-C', parent, path.basename(source)], { stdio: 'pipe' });
}

/** A requirements.txt that installs only from `wheels`, pinned. */
export function localRequirements(wheels: string, pins: string[]): string {
  return ['--no-index', `--find-links ${wheels}`, ...pins, ''].join('\n');
}
