import assert from 'node:assert/strict';
import path from 'node:path';
import { MAX_VOCABULARY_BYTES, MAX_VOCABULARY_TERMS, RepoVocabularySchema } from '../../../shared/routing/context.js';
import { buildRepoVocabulary, boundTerms } from '../../../extension/core/repoVocabulary.js';
import { git, makeRepo, TempDirs, writeFiles } from '../../helpers/gitRepos.js';

describe('repository vocabulary', () => {
  const temp = new TempDirs();
  after(() => temp.cleanup());

  it('names the dependencies, scripts, folders, files and identifiers of a checkout', async () => {
    const repo = makeRepo(path.join(temp.make(), 'shop'), {
      'package.json': JSON.stringify({ name: 'shop', workspaces: ['packages/*'], scripts: { 'test:e2e': 'x', seed: 'y' }, dependencies: { moment: '^2', '@sentry/node': '^7' } }),
      'packages/admin/package.json': JSON.stringify({ name: '@shop/admin', devDependencies: { vitest: '^1' } }),
      'api/pyproject.toml': '[project]\nname = "api"\ndependencies = ["fastapi>=0.110", "pydantic[email]"]\n\n[tool.poetry.dependencies]\npython = "^3.11"\nsqlalchemy = "^2"\n',
      'api/requirements-dev.txt': 'pytest==8.0\n# comment\nhypothesis\n',
      'worker/go.mod': 'module github.com/acme/worker\n\ngo 1.22\n\nrequire (\n\tgithub.com/spf13/cobra v1.8.0\n)\n',
      'engine/Cargo.toml': '[package]\nname = "engine"\n\n[dependencies]\nserde = "1"\ntokio = { version = "1" }\n',
      'site/Gemfile': "source 'https://rubygems.org'\ngem 'jekyll', '~> 4'\n",
      'legacy/composer.json': JSON.stringify({ require: { 'monolog/monolog': '^3' } }),
      Makefile: '.PHONY: deploy\nCC := gcc\ndeploy: build\n\techo\nbuild-assets:\n\techo\n',
      'src/shipping/rates.ts': 'export function computeShippingCost(order) { return computeShippingCost(order) + shipping_fee; }\nconst shipping_fee = 3;\n',
      'node_modules/ignored/index.js': 'function ignoredEverywhere() {}\n',
    });
    const { terms } = await buildRepoVocabulary(repo);
    for (const term of ['moment', '@sentry/node', 'sentry', 'test e2e', 'seed', 'vitest', '@shop/admin', 'fastapi', 'pydantic', 'sqlalchemy', 'pytest', 'hypothesis', 'cobra', 'github.com/spf13/cobra', 'serde', 'tokio', 'jekyll', 'monolog/monolog', 'deploy', 'build-assets', 'src', 'shipping', 'rates', 'compute shipping cost', 'shipping fee']) {
      assert.ok(terms.includes(term), `missing ${term}`);
    }
    assert.ok(!terms.includes('python'), 'the python version pin is not a dependency');
    assert.ok(!terms.some((term) => term.includes('ignored')), 'node_modules is not read');
    assert.ok(terms.every((term) => term === term.toLowerCase()));
    assert.equal(RepoVocabularySchema.safeParse({ terms }).success, true);
  });

  it('reads only tracked files', async () => {
    const repo = makeRepo(path.join(temp.make(), 'r'), { 'src/tracked.ts': 'const trackedThing = 1; trackedThing;\n' });
    writeFiles(repo, { 'src/untrackedSecret.ts': 'const untrackedSecretName = 1;\n' });
    const { terms } = await buildRepoVocabulary(repo);
    assert.ok(terms.includes('tracked thing'));
    assert.ok(!terms.some((term) => term.includes('untracked')));
  });

  it('gives an empty vocabulary for a folder that is not a git checkout', async () => {
    assert.deepEqual(await buildRepoVocabulary(temp.make()), { terms: [] });
  });

  it('keeps within the term and byte bounds, most telling terms first', () => {
    const many = Array.from({ length: MAX_VOCABULARY_TERMS + 500 }, (_, i) => `d${i}`);
    const bounded = boundTerms(many);
    assert.equal(bounded.length, MAX_VOCABULARY_TERMS);
    assert.equal(bounded[0], 'd0');
    const long = boundTerms(Array.from({ length: 5000 }, (_, i) => `${'x'.repeat(90)}${i}`));
    assert.ok(long.reduce((sum, term) => sum + term.length, 0) <= MAX_VOCABULARY_BYTES);
    assert.equal(RepoVocabularySchema.safeParse({ terms: long }).success, true);
  });

  it('builds the vocabulary of a 5,000-file checkout in well under a second', async function () {
    const files: Record<string, string> = {};
    for (let i = 0; i < 5000; i++) {
      files[`src/area${i % 50}/module${i}.ts`] = `export function handleThing${i % 97}(input: string) {\n  return formatOutput${i % 13}(input) + sharedHelper(input);\n}\n`.repeat(20);
    }
    const repo = makeRepo(path.join(temp.make(), 'big'), files);
    git(repo, ['status', '--short']);
    const started = performance.now();
    const { terms } = await buildRepoVocabulary(repo);
    const elapsed = performance.now() - started;
    assert.ok(terms.includes('shared helper'));
    assert.ok(terms.includes('area7'));
    assert.ok(elapsed < 1000, `took ${elapsed.toFixed(0)} ms`);
    this.test!.title += ` (${elapsed.toFixed(0)} ms)`;
  });
});
