/**
 * Training the learned routing signal (see shared/routing/learned.ts): the labelled
 * development lists, their features, logistic regression and multinomial naive Bayes over
 * hashed features, and the compiled weights file. Deterministic: the same lists give the
 * same file, byte for byte. Never reads a held-out list (those named in UNSEEN of bench/routingEval.ts, such as a later heldOut5.jsonl).
 */

import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeModel, type LearnedCombination, type LearnedModel } from '../shared/routing/learned.js';
import { FEATURE_BITS, MAX_FEATURES, featureBuckets } from '../shared/routing/learnedFeatures.js';
import { routeByRules, type RulesTrace } from '../shared/routing/route.js';
import { readLabelledLines, type LabelledMessage } from './routingEval.js';
import { HELD_OUT, HELD_OUT_B, HELD_OUT_C } from '../test/shared/routingHeldOut.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const evalDir = path.join(repoRoot, 'test', 'shared', 'eval');
const samplePath = path.resolve(repoRoot, '..', 'shared', 'eval', 'routing-sample.jsonl');
const BUCKETS = 1 << FEATURE_BITS;

/** A labelled list the model may learn from. */
export interface TrainingList {
  readonly name: string;
  readonly messages: readonly LabelledMessage[];
}

/**
 * Former held-out lists, scored so often that they no longer measure anything unseen: they
 * are development data now (K and 4 since 2026-12-03). A new held-out list (say heldOut5.jsonl) is never added here.
 */
export const FORMER_HELD_OUT_FILES: readonly string[] = ['heldOutD.jsonl', 'heldOutJ.jsonl', 'heldOutK.jsonl', 'heldOut4.jsonl'];

/**
 * The development lists (routingDev*.jsonl), the former held-out lists (D, J, K, 4, and A–C of
 * test/shared/routingHeldOut.ts as one list) and the shared routing sample, in a fixed order.
 */
export function trainingLists(): TrainingList[] {
  const files = readdirSync(evalDir)
    .filter((file) => /^routingDev[\w-]*\.jsonl$/.test(file))
    .sort();
  const lists = [...files, ...FORMER_HELD_OUT_FILES].map((file) => ({ name: file.replace(/\.jsonl$/, ''), messages: readLabelledLines(path.join(evalDir, file)) }));
  lists.push({ name: 'heldOutABC', messages: [...HELD_OUT, ...HELD_OUT_B, ...HELD_OUT_C] });
  if (existsSync(samplePath)) lists.push({ name: 'routing-sample', messages: readLabelledLines(samplePath) });
  return lists;
}

/** A message as the model and the rules see it. */
export interface Example {
  readonly message: LabelledMessage;
  readonly rules: RulesTrace;
  /** Feature buckets (absent for forced messages: the rules decide those alone). */
  readonly features?: Int32Array;
  /** 1: code, 0: cowork. */
  readonly label: 0 | 1;
}

/** Routes each message by the rules and computes its features. */
export function toExamples(messages: readonly LabelledMessage[]): Example[] {
  const scratch = new Int32Array(MAX_FEATURES);
  return messages.map((message) => {
    const rules = routeByRules(message.text, message.context);
    const label = message.route === 'code' ? 1 : 0;
    if (!rules.input) return { message, rules, label };
    const count = featureBuckets(rules.input.folded, rules.input.original, rules.input.hasCode, scratch);
    return { message, rules, features: scratch.slice(0, count), label };
  });
}

/** What is trained and how. */
export interface TrainingOptions {
  readonly kind: 'logistic' | 'bayes';
  /** Logistic: L2 strength; Bayes: additive smoothing. */
  readonly regularization: number;
  readonly epochs?: number;
}

// Forced messages teach nothing: their text, less the override phrase, may be office work sent to Code on purpose.
const learnable = (examples: readonly Example[]): Array<Example & { features: Int32Array }> =>
  examples.filter((e): e is Example & { features: Int32Array } => e.features !== undefined && !(e.message.forced ?? false));

/**
 * Trains a model on examples.
 *
 * @returns Float weights (quantise with `quantise` before shipping).
 */
export function train(examples: readonly Example[], options: TrainingOptions): LearnedModel {
  const data = learnable(examples);
  return options.kind === 'bayes' ? trainBayes(data, options.regularization) : trainLogistic(data, options.regularization, options.epochs ?? 30);
}

/** Multinomial naive Bayes with additive smoothing: log-ratio of the classes' smoothed feature frequencies. */
function trainBayes(data: ReadonlyArray<Example & { features: Int32Array }>, alpha: number): LearnedModel {
  const counts = [new Float64Array(BUCKETS), new Float64Array(BUCKETS)] as const;
  const totals = new Float64Array(2);
  const docs = new Float64Array(2);
  for (const e of data) {
    const own = counts[e.label];
    docs[e.label] = (docs[e.label] as number) + 1;
    for (const bucket of e.features) own[bucket] = (own[bucket] as number) + 1;
    totals[e.label] = (totals[e.label] as number) + e.features.length;
  }
  const weights = new Float32Array(BUCKETS);
  const [t0, t1] = [totals[0] as number, totals[1] as number];
  for (let b = 0; b < BUCKETS; b++) {
    const c0 = counts[0][b] as number;
    const c1 = counts[1][b] as number;
    if (c0 + c1 === 0) continue;
    weights[b] = Math.log((c1 + alpha) / (t1 + alpha * BUCKETS)) - Math.log((c0 + alpha) / (t0 + alpha * BUCKETS));
  }
  return { weights, scale: 1, bias: Math.log(((docs[1] as number) + 1) / ((docs[0] as number) + 1)), normalized: true };
}

/** Logistic regression with L2, by AdaGrad over a seeded shuffle: features count / √n. */
function trainLogistic(data: ReadonlyArray<Example & { features: Int32Array }>, lambda: number, epochs: number): LearnedModel {
  const weights = new Float64Array(BUCKETS);
  const squared = new Float64Array(BUCKETS).fill(1e-8);
  let bias = 0;
  let biasSquared = 1e-8;
  const rate = 0.5;
  const order = data.map((_, n) => n);
  let seed = 12345;
  const random = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const perExample = lambda / Math.max(1, data.length);
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let k = order.length - 1; k > 0; k--) {
      const j = Math.floor(random() * (k + 1));
      [order[k], order[j]] = [order[j] as number, order[k] as number];
    }
    for (const n of order) {
      const e = data[n] as Example & { features: Int32Array };
      const norm = 1 / Math.sqrt(Math.max(1, e.features.length));
      let z = bias;
      for (const b of e.features) z += (weights[b] as number) * norm;
      const error = 1 / (1 + Math.exp(-z)) - e.label;
      for (const b of e.features) {
        const g = error * norm + perExample * (weights[b] as number);
        squared[b] = (squared[b] as number) + g * g;
        weights[b] = (weights[b] as number) - (rate * g) / Math.sqrt(squared[b] as number);
      }
      biasSquared += error * error;
      bias -= (rate * error) / Math.sqrt(biasSquared);
    }
  }
  return { weights: Float32Array.from(weights), scale: 1, bias, normalized: true };
}

/** Int8 weights with one scale, as shipped. */
export function quantise(model: LearnedModel): LearnedModel {
  let largest = 0;
  for (const w of model.weights) largest = Math.max(largest, Math.abs(w * model.scale));
  const scale = largest === 0 ? 1 : largest / 127;
  const weights = new Int8Array(model.weights.length);
  for (let b = 0; b < weights.length; b++) weights[b] = Math.round(((model.weights[b] as number) * model.scale) / scale);
  return { weights, scale, bias: model.bias, normalized: model.normalized };
}

/** The compiled weights file's source. */
export function weightsSource(model: LearnedModel, options: TrainingOptions, combination: LearnedCombination, lists: readonly TrainingList[]): string {
  const q = model.weights instanceof Int8Array ? model : quantise(model);
  const bytes = new Uint8Array(q.weights.buffer, q.weights.byteOffset, q.weights.byteLength);
  const weights = Buffer.from(bytes).toString('base64');
  const count = lists.reduce((sum, list) => sum + list.messages.length, 0);
  const stored = {
    bits: FEATURE_BITS,
    bias: round(q.bias),
    scale: round(q.scale),
    normalized: q.normalized,
    combination,
    weights,
  };
  return [
    '// Generated by scripts/trainRouter.ts (npm run train:router). Do not edit.',
    `// ${options.kind === 'bayes' ? 'Multinomial naive Bayes' : 'Logistic regression'} (${options.regularization}) over ${BUCKETS} hashed feature buckets, int8,`,
    `// trained on ${count} messages of ${lists.map((list) => list.name).join(', ')}.`,
    `export const LEARNED_MODEL = ${JSON.stringify(stored, null, 1).replace(/\n\s*/g, ' ')} as const;`,
    '',
  ].join('\n');
}

/** Reads a model back from its file's source text, to check it in tests. */
export function modelFromSource(source: string): LearnedModel {
  const json = source.slice(source.indexOf('{'), source.lastIndexOf('}') + 1);
  return decodeModel(JSON.parse(json) as Parameters<typeof decodeModel>[0]);
}

const round = (x: number): number => Number(x.toPrecision(9));
