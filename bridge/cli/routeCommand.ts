import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { buildRepoVocabulary } from '../../extension/core/repoVocabulary.js';
import type { RepoConfig } from '../../extension/core/repositories.js';
import { loadRunnerConfig } from '../../extension/core/runnerConfig.js';
import type { RoutingContext } from '../../shared/routing/context.js';
import { route } from '../../shared/routing/route.js';
import { DispatchError } from '../../shared/errors.js';
import { writeLine, type CliIo } from './io.js';

/**
 * `dispatch route "text"` prints one routing decision as JSON;
 * `dispatch route --jsonl` maps JSON lines with a `text` field on stdin to one result
 * per line, in order. A bad line yields `{"error": …}` and the stream goes on.
 * `--repo PATH` (repeatable) routes with the context a runner would send: the checkout's
 * name (its folder name) and its vocabulary. `--repo NAME` names a configured repository
 * (DISPATCH_REPOS, as the runner reads it) instead, by its configured name.
 */
export async function runRouteCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { jsonl: { type: 'boolean', default: false }, repo: { type: 'string', multiple: true } },
    allowPositionals: true,
    strict: true,
  });
  if (values.jsonl && positionals.length > 0) throw new DispatchError('bad_input', 'dispatch route --jsonl reads stdin; give no text argument.');
  const text = positionals.join(' ');
  if (!values.jsonl && text.trim() === '') throw new DispatchError('bad_input', 'Usage: dispatch route "some text"  (or --jsonl to read JSON lines on stdin)');
  const context = await contextFromCheckouts(values.repo ?? [], io);
  if (values.jsonl) {
    await routeLines(io, context);
    return 0;
  }
  writeLine(io.stdout, JSON.stringify(decisionJson(text, context)));
  return 0;
}

function isCheckout(folder: string): boolean {
  return existsSync(folder) && statSync(folder).isDirectory() && existsSync(path.join(folder, '.git'));
}

/**
 * The context a runner with these repositories would send. Each `--repo` is a path to a
 * checkout (named by its folder) or, when no such checkout is there, the name of a
 * repository the runner is configured with (named as configured).
 */
async function contextFromCheckouts(given: readonly string[], io: CliIo): Promise<RoutingContext | undefined> {
  if (given.length === 0) return undefined;
  let configured: RepoConfig[] | undefined;
  const repos = [];
  for (const wanted of given) {
    const checkout = path.resolve(io.cwd, wanted);
    if (isCheckout(checkout)) {
      repos.push({ name: path.basename(checkout), vocabulary: await buildRepoVocabulary(checkout) });
      continue;
    }
    // Read only when a name is given: a path alone needs no runner configuration.
    configured ??= loadRunnerConfig(io.env, io.cwd).repos;
    const named = configured.find((repo) => repo.name.toLowerCase() === wanted.trim().toLowerCase());
    if (named && isCheckout(named.path)) {
      repos.push({ name: named.name, vocabulary: await buildRepoVocabulary(named.path) });
      continue;
    }
    const known = configured.map((repo) => repo.name).join(', ');
    const why = named
      ? `the configured repository ${named.name} points at ${named.path}, which is not a git checkout`
      : `not a git checkout (no .git in ${checkout}), nor the name of a configured repository (${known ? `configured: ${known}` : 'none is configured: DISPATCH_REPOS="name=/path"'})`;
    throw new DispatchError('bad_input', `--repo ${wanted}: ${why}.`);
  }
  return { repos };
}

async function routeLines(io: CliIo, context: RoutingContext | undefined): Promise<void> {
  const lines = createInterface({ input: io.stdin, crlfDelay: Infinity });
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber += 1;
    if (line.trim() === '') continue;
    writeLine(io.stdout, JSON.stringify(routeLine(line, lineNumber, context)));
  }
}

function routeLine(line: string, lineNumber: number, context: RoutingContext | undefined): object {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return { error: `line ${lineNumber}: not valid JSON` };
  }
  const text = (parsed as { text?: unknown } | null)?.text;
  if (typeof text !== 'string') return { error: `line ${lineNumber}: expected an object with a string "text" field` };
  return decisionJson(text, context);
}

function decisionJson(text: string, context: RoutingContext | undefined): object {
  const decision = route(text, context);
  return {
    route: decision.route,
    forced: decision.forced,
    reason: decision.reason,
    task: decision.task,
    repoHint: decision.repoHint ?? null,
  };
}
