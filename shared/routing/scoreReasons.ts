/**
 * The reasons a person reads beside a route: what in the message made it coding work or
 * office work, named with the labels of the lexicon and of the shapes of code found.
 */

import type { Term } from './lexicon.js';
import type { MessageSignals } from './score.js';
import type { WordSignals } from './signals.js';
import { technicalOnDemand } from './technical.js';

/**
 * Why a message is coding work, for the user.
 *
 * @param failure - The message says something fails.
 * @param dependencyVerb - When the message updates a dependency: its verb ("bump", "update").
 */
export function codeReason(signals: MessageSignals, failure: boolean, dependencyVerb: string | undefined): string {
  const { words } = signals;
  const objects = codeObjectLabels(signals, failure);
  if (dependencyVerb !== undefined) {
    const verb = dependencyVerb;
    const rest = objects.filter((label) => label !== 'a dependency' && label !== 'a version number');
    return `asks to ${verb} a dependency${mentions(rest)}`;
  }
  const verb = words.imperative && words.mainVerb?.term.kind === 'codeVerb' ? words.mainVerb.term.label : undefined;
  const head = words.headObject?.term;
  if (verb && (head?.kind === 'codeObject' || head?.kind === 'surface')) {
    const headLabel = failure && head.failLabel ? head.failLabel : head.label;
    return `asks to ${verb} ${headLabel}${mentions(objects.filter((label) => label !== headLabel))}`;
  }
  if (verb) return `asks to ${verb}${mentions(objects)}`;
  const shape = signals.shapes?.[0];
  if (shape) return `${shape.label}${mentions(objects)}`;
  return objects.length > 0 ? `mentions ${joinAnd(objects.slice(0, 3))}` : 'looks like coding work';
}

function mentions(labels: readonly string[]): string {
  return labels.length > 0 ? ` (mentions ${joinAnd(labels.slice(0, 2))})` : '';
}

// A more precise label makes a vaguer one redundant.
const REDUNDANT: ReadonlyArray<readonly [precise: string, vague: string]> = [
  ['a branch name', 'a branch'],
  ['a file path with a line number', 'a file path'],
  ['a file path with a line number', 'a file name'],
  ['a stack trace', 'an error message'],
  ['a package version', 'a version number'],
  ['a pull request', 'git'],
];

interface ScoredLabel {
  readonly label: string;
  readonly weight: number;
  readonly order: number;
}

// Plain loops and a comparator made once: this runs for every message, and each closure made per call costs.
const byWeightThenOrder = (a: ScoredLabel, b: ScoredLabel): number => b.weight - a.weight || a.order - b.order;

function codeObjectLabels(signals: MessageSignals, failure: boolean): string[] {
  const scored: ScoredLabel[] = [];
  const { structure } = signals;
  for (let order = 0; order < structure.length; order++) {
    const s = structure[order] as (typeof structure)[number];
    if (s.weight > 0) scored.push({ label: s.label, weight: s.weight, order });
  }
  const { matches } = signals.words;
  for (let order = 0; order < matches.length; order++) {
    const m = matches[order] as (typeof matches)[number];
    const { term } = m;
    if (term.kind === 'codeObject' || term.kind === 'surface') {
      const failing = failure && term.failLabel !== undefined;
      scored.push({ label: failing ? (term.failLabel ?? term.label) : term.label, weight: term.weight + (failing ? 2 : 0), order: 100 + order });
    } else if (term.kind === 'tech') {
      scored.push({ label: m.word, weight: 0.5, order: 100 + order });
    }
  }
  for (const term of signals.grounding?.terms ?? []) scored.push({ label: `"${term}" from your code`, weight: 1.5, order: 50 });
  for (const name of technicalOnDemand(signals.technical)?.shaped ?? []) scored.push({ label: name, weight: 0.5, order: 60 });
  if (scored.length === 0) return [];
  scored.sort(byWeightThenOrder);
  const labels = new Set<string>();
  for (const s of scored) labels.add(s.label);
  for (const [precise, vague] of REDUNDANT) if (labels.has(precise)) labels.delete(vague);
  return [...labels];
}

/** Why a message is office work, for the user. */
export function coworkReason(signals: MessageSignals, codeEvidence: number, hasStructure: boolean): string {
  const area = coworkArea(signals.words);
  if (signals.asksAboutCodeSessions) return 'a question about Code sessions, not a coding task';
  if (signals.declinesCodeSession) return `the message says not to open a Code session; looks like ${area}`;
  if (signals.declinesCodeWork) return `the message says it needs no work on code; looks like ${area}`;
  if (codeEvidence >= 2 || hasStructure) {
    const labels = codeObjectLabels(signals, false).slice(0, 2);
    return `weak coding signal${labels.length > 0 ? ` (mentions ${joinAnd(labels)})` : ''}; looks like ${area}`;
  }
  return `no coding signal: looks like ${area}`;
}

/** The kind of office work the message looks like, for the reason. */
function coworkArea(words: WordSignals): string {
  const main = words.mainVerb?.term;
  if (main?.kind === 'coworkVerb') return main.label;
  if (main?.label === 'summarize') return 'a summary';
  const head = words.headObject?.term;
  if (head?.kind === 'coworkObject') return head.label;
  if (words.informational) return 'a question';
  let strongest: Term | undefined;
  for (const { term } of words.matches) {
    if ((term.kind === 'coworkObject' || term.kind === 'coworkVerb') && term.weight < (strongest?.weight ?? 0)) strongest = term;
  }
  if (strongest) return strongest.label;
  return main?.label === 'write' ? 'writing' : 'writing/research';
}

function joinAnd(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
