import { z } from 'zod';

/** One dependency a package manager reports as behind: the versions it showed. */
export interface OutdatedDependency {
  name: string;
  current?: string;
  wanted?: string;
  latest?: string;
}

// `npm outdated --json` and `pnpm outdated --format json`: name → versions (npm gives an array
// when one name is installed at several places in a workspace).
// npm's `{"error": {"code": …}}` (no registry) has neither `wanted` nor `latest`: not a report.
const Versions = z
  .object({ current: z.string().optional(), wanted: z.string().optional(), latest: z.string().optional() })
  .passthrough()
  .refine((versions) => versions.wanted !== undefined || versions.latest !== undefined);
const ByName = z.record(z.string(), z.union([Versions, z.array(Versions)]));
// `yarn outdated --json` (yarn 1): JSON lines, one of them the table.
const YarnTable = z.object({ type: z.literal('table'), data: z.object({ head: z.array(z.string()), body: z.array(z.array(z.string())) }) });

/** The JSON object a package manager printed, when warnings (npm's go to stderr) surround it. */
function jsonObject(text: string): unknown {
  const start = text.search(/^\{/m);
  const end = text.lastIndexOf('}');
  if (start < 0 || end < start) return undefined;
  try {
    return JSON.parse(text.slice(start, end + 1));
  } catch {
    return undefined;
  }
}

function fromYarn(text: string): OutdatedDependency[] | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      continue;
    }
    const table = YarnTable.safeParse(parsed);
    if (!table.success) continue;
    const column = (name: string) => table.data.data.head.findIndex((head) => head.toLowerCase() === name);
    const [name, current, wanted, latest] = ['package', 'current', 'wanted', 'latest'].map(column);
    return table.data.data.body.map((row) => ({
      name: row[name ?? 0] ?? '?',
      ...(current !== undefined && row[current] ? { current: row[current] } : {}),
      ...(wanted !== undefined && row[wanted] ? { wanted: row[wanted] } : {}),
      ...(latest !== undefined && row[latest] ? { latest: row[latest] } : {}),
    }));
  }
  // yarn 1 prints no table at all when nothing is outdated: at most its info and warning lines.
  const lines = text.split('\n').filter((line) => line.trim());
  return lines.every((line) => /^\{"type":"(info|warning|finished)"/.test(line)) ? [] : undefined;
}

/**
 * The outdated dependencies in a package manager's JSON report (npm, pnpm, yarn 1); an
 * empty list when it reports none; undefined when the output is not such a report (a
 * Makefile target, pip), which is then summarized as plain output.
 */
export function parseOutdated(text: string): OutdatedDependency[] | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const object = jsonObject(trimmed);
  const byName = object === undefined ? undefined : ByName.safeParse(object);
  if (byName?.success) {
    return Object.entries(byName.data).flatMap(([name, found]) =>
      (Array.isArray(found) ? found : [found]).map((versions) => ({
        name,
        ...(versions.current ? { current: versions.current } : {}),
        ...(versions.wanted ? { wanted: versions.wanted } : {}),
        ...(versions.latest ? { latest: versions.latest } : {}),
      })),
    );
  }
  return fromYarn(trimmed);
}

const MAX_LISTED = 30;

/** "2 dependencies are outdated (`npm outdated --json`):" and one line per dependency, or "Every dependency is up to date". */
export function outdatedSummary(line: string, found: readonly OutdatedDependency[]): string {
  if (found.length === 0) return `Every dependency is up to date (\`${line}\`).`;
  const head = `${found.length} ${found.length === 1 ? 'dependency is' : 'dependencies are'} outdated (\`${line}\`):`;
  const rows = found.slice(0, MAX_LISTED).map((dep) => `• ${dep.name} — current ${dep.current ?? 'not installed'}, wanted ${dep.wanted ?? '?'}, latest ${dep.latest ?? '?'}`);
  const rest = found.length > MAX_LISTED ? [`…and ${found.length - MAX_LISTED} more (see the log).`] : [];
  return [head, ...rows, ...rest].join('\n');
}
