import { writeFileSync } from 'node:fs';
import * as mochaModule from 'mocha';
import { RESULTS_ENV, SUITE_ENV } from './behaviours.js';
import { defineDispatchSuite } from './dispatch.suite.js';
import { defineReloadSuite } from './reload.suite.js';

/**
 * The entry VS Code calls in the extension host (extensionTestsPath): runs the suite
 * with mocha, writes each test's outcome for the outer test, and resolves or rejects
 * so the workbench reports exit code 0 or 1.
 */
/**
 * mocha 12 is ESM that `require()` loads; through the bundle's interop the class sits
 * zero to two `default`s deep.
 */
function mochaClass(): typeof import('mocha') {
  let candidate: unknown = mochaModule;
  for (let depth = 0; depth < 3 && typeof candidate !== 'function'; depth++) candidate = (candidate as { default?: unknown }).default;
  return candidate as typeof import('mocha');
}

export async function run(): Promise<void> {
  const Mocha = mochaClass();
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  // Installs describe/it on the global object, as mocha does when it loads a spec file.
  mocha.suite.emit('pre-require', globalThis, 'dispatch.suite', mocha);
  if (process.env[SUITE_ENV] === 'reload') defineReloadSuite();
  else defineDispatchSuite();
  const results: Record<string, string> = {};
  const failures = await new Promise<number>((resolve) => {
    const runner = mocha.run(resolve);
    runner.on('pass', (test) => (results[test.title] = 'passed'));
    runner.on('fail', (test, error: Error) => (results[test.title] = error?.stack ?? String(error)));
  });
  const file = process.env[RESULTS_ENV];
  if (file) writeFileSync(file, JSON.stringify(results, null, 2));
  if (failures > 0) throw new Error(`${failures} extension-host test(s) failed`);
}
