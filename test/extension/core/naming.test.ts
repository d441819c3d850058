import assert from 'node:assert/strict';
import { safeShortId, sessionBranchName, slugify, taskSlug } from '../../../extension/core/slug.js';

describe('branch and folder names', () => {
  const cases: [string, string][] = [
    ['Bump axios to 1.7 in the backend', 'bump-axios-to-1-7-in-the-backend'],
    ['--upload-pack=x', 'upload-pack-x'],
    ['../../etc/passwd', 'etc-passwd'],
    ['refs/heads/main..HEAD@{1}', 'refs-heads-main-head-1'],
    ['\u0000\u0007\u001b[31mred', '31mred'],
    ['Crème brûlée — ünïcödé', 'creme-brulee-unicode'],
    ['🚀🚀🚀', ''],
    ['a'.repeat(100), 'a'.repeat(40)],
    ['word '.repeat(20), 'word-word-word-word-word-word-word-word'],
  ];
  for (const [input, expected] of cases) {
    it(`slugify(${JSON.stringify(input.slice(0, 30))}) → "${expected}"`, () => {
      const slug = slugify(input);
      assert.equal(slug, expected);
      assert.match(slug, /^(?:[a-z0-9]+(?:-[a-z0-9]+)*)?$/);
      assert.ok(slug.length <= 40);
    });
  }

  it('uses the first line of the task, and "task" when nothing is left', () => {
    assert.equal(taskSlug('Fix the login\n\nDetails: --force'), 'fix-the-login');
    assert.equal(taskSlug('🚀'), 'task');
  });

  it('short ids: the first 8 of a UUID, a hash for ids that sanitize to nothing useful', () => {
    assert.equal(safeShortId('3F9A1C2E-1111-2222-3333-444455556666'), '3f9a1c2e');
    assert.match(safeShortId('../'), /^[0-9a-f]{8}$/);
    assert.notEqual(safeShortId('../'), safeShortId('./.'));
  });

  it('branch names are dispatch/<shortId>-<slug>', () => {
    assert.equal(sessionBranchName('3f9a1c2e', '--delete main'), 'dispatch/3f9a1c2e-delete-main');
  });
});
