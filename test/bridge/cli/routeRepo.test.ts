import assert from 'node:assert/strict';
import path from 'node:path';
import { runCli, type CliResult } from '../../helpers/cliRun.js';
import { makeRepo, TempDirs } from '../../helpers/gitRepos.js';

const run = (argv: string[], cwd: string, stdin = '', env: NodeJS.ProcessEnv = {}): Promise<CliResult> => runCli(argv, { stdin, env, cwd });

describe('dispatch route --repo', () => {
  const temp = new TempDirs();
  after(() => temp.cleanup());

  it('routes with the vocabulary and the name of a local checkout', async () => {
    const parent = temp.make();
    makeRepo(path.join(parent, 'isfail'), {
      'package.json': JSON.stringify({ name: 'isfail', dependencies: { moment: '^2.30.0', dayjs: '^1.11.0' } }),
      'src/shipping/rates.ts': 'export function computeShippingCost(weight: number) { return weight * 2; }\n',
    });
    const text = 'swap moment for dayjs';
    const without = JSON.parse((await run(['route', text], parent)).out);
    // Without the checkout only general signals speak (the learned one may read a swap as code work); with it, the repository's own names do.
    assert.doesNotMatch(without.reason, /from your code/);
    const withRepo = await run(['route', '--repo', 'isfail', text], parent);
    assert.equal(withRepo.code, 0);
    const decision = JSON.parse(withRepo.out);
    assert.equal(decision.route, 'code');
    assert.match(decision.reason, /from your code/);
    const hinted = JSON.parse((await run(['route', '--repo', path.join(parent, 'isfail'), 'run the tests in isfail'], '/')).out);
    assert.equal(hinted.repoHint, 'isfail');
  });

  it('uses the same context for --jsonl', async () => {
    const parent = temp.make();
    makeRepo(path.join(parent, 'shop'), { 'src/shipping/rates.ts': 'export function computeShippingCost() { return 1; }\n' });
    const { code, out } = await run(['route', '--jsonl', '--repo', 'shop'], parent, '{"text":"where we compute shipping costs, islands pay double"}\n');
    assert.equal(code, 0);
    assert.equal(JSON.parse(out.trim()).route, 'code');
  });

  it('refuses a folder that is not a git checkout, with a clear message', async () => {
    const folder = temp.make();
    const { code, err, out } = await run(['route', '--repo', folder, 'fix the bug'], '/');
    assert.notEqual(code, 0);
    assert.equal(out, '');
    assert.match(err, /not a git checkout/);
  });

  it('accepts the name of a configured repository (DISPATCH_REPOS) as well as a path', async () => {
    const checkout = makeRepo(path.join(temp.make(), 'checkouts', 'is-number'), {
      'package.json': JSON.stringify({ name: 'is-number', dependencies: { moment: '^2.30.0', dayjs: '^1.11.0' } }),
    });
    const env = { DISPATCH_REPOS: `is-number=${checkout}` };
    // Run from a folder where no "is-number" folder exists: the name is looked up in the configuration.
    const named = await run(['route', '--repo', 'is-number', 'run the tests in is-number'], temp.make(), '', env);
    assert.equal(named.code, 0, named.err);
    assert.equal(JSON.parse(named.out).repoHint, 'is-number');
    const swap = JSON.parse((await run(['route', '--repo', 'Is-Number', 'swap moment for dayjs'], temp.make(), '', env)).out);
    assert.match(swap.reason, /from your code/, 'routed with the configured checkout\'s vocabulary');
  });

  it('a --repo that is neither a checkout nor a configured name says both, and routes nothing', async () => {
    const checkout = makeRepo(path.join(temp.make(), 'api'));
    const { code, out, err } = await run(['route', '--repo', 'is-number', 'run the tests'], temp.make(), '', { DISPATCH_REPOS: `api=${checkout}` });
    assert.notEqual(code, 0);
    assert.equal(out, '');
    assert.match(err, /--repo is-number: not a git checkout \(no \.git in .*is-number\), nor the name of a configured repository \(configured: api\)/);
  });
});
