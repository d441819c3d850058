import assert from 'node:assert/strict';
import { unpinned } from '../../../extension/core/pythonDepsKey.js';

/**
 * Which requirements files say exactly what pip installs (a venv built from them may be
 * reused) — lines as they appear in real projects' requirements files.
 */
describe('Python requirements: pinned or not', () => {
  const pinned = [
    'Django==4.2.11\npsycopg2-binary==2.9.9  # the database\n',
    '--no-index\n--find-links ./wheels\nrequests==2.31.0\n',
    '-r requirements.txt\npytest==8.1.1\n',
    'requests[socks]==2.31.0\n',
    'numpy==1.26.4; python_version >= "3.9"\n',
    'certifi==2024.2.2 \\\n    --hash=sha256:0569859f95fc761b18b45ef421b1290a0f65f147e92a1e5eb3e635f9a5e4e66f\n',
    'legacy===1.0-custom\n',
    '# only comments\n\n',
  ];
  const loose: [string, RegExp][] = [
    ['flask>=2.0\n', /`flask>=2.0` is not pinned/],
    ['requests\n', /`requests` is not pinned/],
    ['django==4.2.*\n', /not pinned/],
    ['urllib3==1.26.18,<2\n', /not pinned/],
    ['celery~=5.3\n', /not pinned/],
    ['./vendor/mylib\n', /installed from a local path/],
    ['mylib @ file:///home/me/mylib\n', /installed from a local path/],
  ];

  for (const text of pinned) it(`pinned: ${JSON.stringify(text.split('\n')[0])}`, () => assert.equal(unpinned(text), undefined));
  for (const [text, reason] of loose) it(`not pinned: ${JSON.stringify(text.trim())}`, () => assert.match(unpinned(text) ?? '', reason));
});
