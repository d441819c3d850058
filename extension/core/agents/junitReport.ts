import type { ParsedTests } from './testParsers.js';

/**
 * JUnit XML, the machine-readable report most runners can write (pytest --junitxml,
 * jest-junit, node:test's junit reporter, go-junit-report): counts and every failing
 * test with its message, without guessing at a terminal layout. Only the few elements
 * and attributes that matter are read; anything unreadable gives undefined, and the
 * caller falls back to the text.
 */
export interface JunitReport {
  tests: ParsedTests;
  /** Failing test → the first line of its failure message. */
  reasons: Map<string, string>;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, entity: string) => {
    if (entity[0] === '#') return String.fromCodePoint(entity[1]?.toLowerCase() === 'x' ? parseInt(entity.slice(2), 16) : Number(entity.slice(1)));
    return ENTITIES[entity] ?? whole;
  });
}

function attribute(tag: string, name: string): string | undefined {
  const match = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return match ? unescapeXml(match[1] ?? '') : undefined;
}

/** The counts and failures of a JUnit XML document; undefined when it has no test case. */
export function parseJunit(xml: string, nameOf: (file: string | undefined, classname: string | undefined, name: string) => string): JunitReport | undefined {
  const cases = [...xml.matchAll(/<testcase\b([^>]*?)(?:\/>|>([\s\S]*?)<\/testcase>)/g)];
  if (cases.length === 0) return undefined;
  let passed = 0;
  let skipped = 0;
  const failures: string[] = [];
  const reasons = new Map<string, string>();
  for (const [, attributes = '', body = ''] of cases) {
    const name = nameOf(attribute(attributes, 'file'), attribute(attributes, 'classname'), attribute(attributes, 'name') ?? '?');
    const failure = /<(failure|error)\b([^>]*?)(?:\/>|>([\s\S]*?)<\/\1>)/.exec(body);
    if (failure) {
      failures.push(name);
      const message = attribute(failure[2] ?? '', 'message') ?? unescapeXml(failure[3] ?? '');
      const first = message.split('\n').map((line) => line.trim()).find(Boolean);
      if (first && !reasons.has(name)) reasons.set(name, first.length > 200 ? `${first.slice(0, 199)}…` : first);
    } else if (/<skipped\b/.test(body)) skipped++;
    else passed++;
  }
  return { tests: { passed, failed: failures.length, ...(skipped ? { skipped } : {}), failures: failures.slice(0, 200) }, reasons };
}

/** pytest's node id from a JUnit test case: "tests/test_x.py::Class::test_name". */
export function pytestNodeId(file: string | undefined, classname: string | undefined, name: string): string {
  const parts = (classname ?? '').split('.');
  // classname is "tests.test_x.Class" or "tests.test_x": the module path, then classes (capitalised).
  const classAt = parts.findIndex((part) => /^[A-Z]/.test(part));
  const modules = classAt < 0 ? parts : parts.slice(0, classAt);
  const classes = classAt < 0 ? [] : parts.slice(classAt);
  const path = file ?? (modules.length ? `${modules.join('/')}.py` : '');
  return [path, ...classes, name].filter(Boolean).join('::');
}
