/**
 * Leave-one-list-out cross-validation of the learned routing signal: for each labelled
 * development list, a model is trained on all the other lists and scored on it, alone and
 * combined with the rules, beside the rules alone. Prints aggregates only.
 *
 *   tsx bench/routingLearnedCv.ts
 */

import { pathToFileURL } from 'node:url';
import { NEVER, learnedLogOdds, overrules, type LearnedCombination, type LearnedModel } from '../shared/routing/learned.js';
import { quantise, toExamples, train, trainingLists, weightsSource, type Example, type TrainingList, type TrainingOptions } from './routingTraining.js';

/** One list's examples with the model's log-odds from a model that never saw the list. */
export interface Fold {
  readonly name: string;
  readonly examples: readonly Example[];
  readonly logOdds: readonly number[];
}

/** Trains one model per left-out list. */
export function crossValidate(lists: readonly TrainingList[], options: TrainingOptions): Fold[] {
  const examples = lists.map((list) => toExamples(list.messages));
  return lists.map((list, held) => {
    const rest = examples.filter((_, n) => n !== held).flat();
    const model = quantise(train(rest, options));
    const own = examples[held] as Example[];
    return { name: list.name, examples: own, logOdds: own.map((e) => logOddsOf(e, model)) };
  });
}

const logOddsOf = (e: Example, model: LearnedModel): number => (e.rules.input ? learnedLogOdds(e.rules.input, model) : 0);

/** How one fold scores under one way of deciding. */
export interface FoldScore {
  readonly right: number;
  readonly total: number;
  readonly coworkToCode: number;
  readonly codeToCowork: number;
}

type Decide = (e: Example, logOdds: number) => 'code' | 'cowork';

/** Scores a fold: right when the route is right and forced exactly when labelled forced. */
export function scoreFold(fold: Fold, decide: Decide): FoldScore {
  let right = 0;
  let coworkToCode = 0;
  let codeToCowork = 0;
  fold.examples.forEach((e, n) => {
    const routed = decide(e, fold.logOdds[n] as number);
    if (routed !== e.message.route) {
      if (routed === 'code') coworkToCode++;
      else codeToCowork++;
    } else if (e.rules.decision.forced === (e.message.forced ?? false)) right++;
  });
  return { right, total: fold.examples.length, coworkToCode, codeToCowork };
}

export const byRules: Decide = (e) => e.rules.decision.route;
export const byModel: Decide = (e, logOdds) => (e.rules.input ? (logOdds > 0 ? 'code' : 'cowork') : e.rules.decision.route);
export const combined =
  (combination: LearnedCombination): Decide =>
  (e, logOdds) => {
    const rules = e.rules.decision.route;
    if (!e.rules.input || !overrules(rules, e.rules.margin, logOdds, combination)) return rules;
    return rules === 'code' ? 'cowork' : 'code';
  };

const OFF = NEVER;
// The model overrules the rules' Cowork only at odds of e^4.5 (about 90 to 1) or more; below
// that, on the lists J and D held out in turn, it sent more office work to Code than it saved.
const TO_CODE = [4.5, 5, 6, 7, 8];
const TO_CODE_PER_POINT = [0, 0.5, 1, 1.5, 2];
// It overrules the rules' Code only at odds of e^5 (about 150 to 1; e^6 until lists Q and R) for Cowork or more, and
// a point more for each point the rules are sure: the rules' Code misses it catches are
// office work in words of code ("summarize this github issue thread for my boss"); lower
// thresholds lost coding work on the held-out folds, and without the per-point term it
// overruled rule tests ("summarize the PR" is coding work).
const TO_COWORK = [5, 6, 8, 10, 12];
const TO_COWORK_PER_POINT = [1, 2];

/**
 * Every combination tried, most conservative first (so that ties keep the higher
 * thresholds and a direction off).
 */
export function combinations(): LearnedCombination[] {
  const coworkSides: Array<readonly [number, number]> = [[OFF, 0]];
  for (const toCowork of [...TO_COWORK].reverse()) for (const perPoint of [...TO_COWORK_PER_POINT].reverse()) coworkSides.push([toCowork, perPoint]);
  const out: LearnedCombination[] = [];
  for (const [toCowork, toCoworkPerPoint] of coworkSides)
    for (const toCode of [...TO_CODE].reverse())
      for (const toCodePerPoint of [...TO_CODE_PER_POINT].reverse()) out.push({ toCode, toCodePerPoint, toCowork, toCoworkPerPoint });
  return out;
}

const accuracy = (s: FoldScore): number => s.right / s.total;
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const OFFICE = 'routingDevOffice';
const officeToCode = (folds: readonly Fold[], scores: readonly FoldScore[]): number =>
  folds.reduce((sum, f, n) => sum + (f.name === OFFICE ? (scores[n] as FoldScore).coworkToCode : 0), 0);

/**
 * The combination with the best mean accuracy over the given folds whose office look-alikes
 * sent to Code do not rise above the rules' own. (Holding every fold's office work sent to
 * Code to the rules' count as well was tried: it chose thresholds that lost 10 coding
 * messages for every 9 office ones saved, and the mean fell.)
 */
export function chooseCombination(folds: readonly Fold[]): LearnedCombination {
  let best: LearnedCombination | undefined;
  let bestMean = -1;
  const rules = folds.map((f) => scoreFold(f, byRules));
  const officeLimit = officeToCode(folds, rules);
  for (const combination of combinations()) {
    const decide = combined(combination);
    const scores = folds.map((f) => scoreFold(f, decide));
    if (officeToCode(folds, scores) > officeLimit) continue;
    const m = mean(scores.map(accuracy));
    if (m > bestMean + 1e-12) {
      bestMean = m;
      best = combination;
    }
  }
  return best ?? { toCode: OFF, toCodePerPoint: 0, toCowork: OFF, toCoworkPerPoint: 0 };
}

/** The candidate models compared by cross-validation. */
export const CANDIDATES: readonly TrainingOptions[] = [
  { kind: 'logistic', regularization: 0.1 },
  { kind: 'logistic', regularization: 1 },
  { kind: 'logistic', regularization: 10 },
  { kind: 'bayes', regularization: 0.1 },
  { kind: 'bayes', regularization: 0.3 },
  { kind: 'bayes', regularization: 1 },
];

const pct = (s: FoldScore): string => `${(100 * accuracy(s)).toFixed(1)}%`.padStart(7);
const cell = (s: FoldScore): string => `${pct(s)} ${String(s.codeToCowork).padStart(3)}/${String(s.coworkToCode).padEnd(3)}`;

function describe(c: LearnedCombination): string {
  const side = (t: number, p: number): string => (t >= OFF ? 'off' : `${t} + ${p}/point`);
  return `to Code at log-odds ≥ ${side(c.toCode, c.toCodePerPoint)}; to Cowork at ≤ −(${side(c.toCowork, c.toCoworkPerPoint)})`;
}

/** Prints the per-fold table for one model. */
export function report(folds: readonly Fold[], combination: LearnedCombination): void {
  console.log(`${'fold'.padEnd(18)} ${'n'.padStart(4)}  ${'rules'.padEnd(15)}${'model'.padEnd(15)}${'combined'.padEnd(15)}${'nested'.padEnd(15)}  (accuracy c→w/w→c)`);
  const columns: FoldScore[][] = [[], [], [], []];
  folds.forEach((fold, held) => {
    // Nested: the combination chosen without this fold's messages.
    const nested = chooseCombination(folds.filter((_, n) => n !== held));
    const row = [scoreFold(fold, byRules), scoreFold(fold, byModel), scoreFold(fold, combined(combination)), scoreFold(fold, combined(nested))];
    row.forEach((s, n) => columns[n]?.push(s));
    console.log(`${fold.name.padEnd(18)} ${String(fold.examples.length).padStart(4)}  ${row.map(cell).join('  ')}`);
  });
  const means = columns.map((col) => `${(100 * mean(col.map(accuracy))).toFixed(2)}%`.padEnd(15));
  console.log(`${'mean'.padEnd(18)} ${''.padStart(4)}  ${means.join('')}`);
  const pooled = columns.map((col) => {
    const sum = (key: keyof FoldScore): number => col.reduce((n, s) => n + s[key], 0);
    return `${((100 * sum('right')) / sum('total')).toFixed(2)}% ${sum('codeToCowork')}/${sum('coworkToCode')}`.padEnd(15);
  });
  console.log(`${'pooled'.padEnd(18)} ${''.padStart(4)}  ${pooled.join('')}`);
  console.log(`combination: ${describe(combination)}`);
}

/** The model shipped: chosen by the mean accuracy of its combination with the rules, nested (see the report). */
export const SHIPPED_OPTIONS: TrainingOptions = { kind: 'bayes', regularization: 0.1 };

/**
 * The weights file's source for the given lists: the combination chosen by leave-one-list-out
 * cross-validation, the model trained on every list.
 */
export function trainedWeightsSource(lists: readonly TrainingList[] = trainingLists(), options: TrainingOptions = SHIPPED_OPTIONS): string {
  const combination = chooseCombination(crossValidate(lists, options));
  const model = quantise(train(lists.flatMap((list) => toExamples(list.messages)), options));
  return weightsSource(model, options, combination, lists);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const lists = trainingLists();
  for (const options of CANDIDATES) {
    const folds = crossValidate(lists, options);
    const modelMean = mean(folds.map((f) => accuracy(scoreFold(f, byModel))));
    const combination = chooseCombination(folds);
    const combinedMean = mean(folds.map((f) => accuracy(scoreFold(f, combined(combination)))));
    console.log(`\n# ${options.kind} (${options.regularization}): model alone ${(100 * modelMean).toFixed(2)}%, combined ${(100 * combinedMean).toFixed(2)}%`);
    if (process.argv.includes('--tables')) report(folds, combination);
  }
}
