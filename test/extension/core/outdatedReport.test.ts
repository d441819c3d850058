import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { outdatedSummary, parseOutdated } from '../../../extension/core/agents/outdatedReport.js';

/** Outputs captured from the real tools (pnpm 10.34.9, yarn 1.22.22) in a project depending on is-number ^6 or ^7. */
function fixture(name: string): string {
  return readFileSync(path.join(import.meta.dirname, 'fixtures', 'outdated', name), 'utf8');
}

describe('reading package managers\' outdated reports', () => {
  const behind = [{ name: 'is-number', current: '6.0.0', wanted: '6.0.0', latest: '7.0.0' }];

  it('reads pnpm\'s --format json and yarn 1\'s --json table alike', () => {
    assert.deepEqual(parseOutdated(fixture('pnpm10-one-behind.json')), behind);
    assert.deepEqual(parseOutdated(fixture('yarn1-one-behind.jsonl')), behind);
  });

  it('an empty report is "nothing outdated"', () => {
    assert.deepEqual(parseOutdated(fixture('pnpm10-up-to-date.json')), []);
    assert.deepEqual(parseOutdated('{"type":"warning","data":"package.json: No license field"}\n'), []);
    assert.equal(outdatedSummary('pnpm outdated --format json', []), 'Every dependency is up to date (`pnpm outdated --format json`).');
  });

  it("npm's error object (no registry) and plain text are not a report", () => {
    const npmError = '{\n  "error": {\n    "code": "ENOTFOUND",\n    "summary": "request to https://registry.npmjs.org/is-number failed",\n    "detail": ""\n  }\n}\n';
    assert.equal(parseOutdated(npmError), undefined);
    assert.equal(parseOutdated('Package Current Wanted Latest\nrequests 2.0 2.0 2.32\n'), undefined);
  });
});
