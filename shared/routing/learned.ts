/**
 * The learned routing signal: a linear model over hashed features of the message (see
 * `learnedFeatures.ts`), trained offline on the labelled development lists by
 * `npm run train:router` and compiled into `learnedWeights.data.ts`. It gives the log-odds
 * that a message is coding work; `route.ts` lets it overrule the rules only when it is
 * confident and the rules' own margin is small (see `LearnedCombination`).
 */

import { FEATURE_BITS, MAX_FEATURES, featureBuckets } from './learnedFeatures.js';
import { LEARNED_MODEL } from './learnedWeights.data.js';

/** A trained model: a weight per feature bucket and a bias. */
export interface LearnedModel {
  readonly weights: Float32Array | Int8Array;
  /** Multiplies each stored weight (int8 weights are quantised). */
  readonly scale: number;
  readonly bias: number;
  /** Divide the sum of weights by the square root of the number of features. */
  readonly normalized: boolean;
}

/** The text the model reads, as the router prepared it. */
export interface LearnedInput {
  /** Folded, lowercase, code masked, override phrase and quotes blanked. */
  readonly folded: string;
  /** The message as a person reads it (for camelCase). */
  readonly original: string;
  /** It has a code span or a code block. */
  readonly hasCode: boolean;
}

/**
 * When the model overrules the rules. The model turns a rules' Cowork into Code when its
 * log-odds reach `toCode + toCodePerPoint × (points the rule score is short of the code
 * threshold)`, and a rules' Code into Cowork when its log-odds fall to
 * `-(toCowork + toCoworkPerPoint × (points above))`. `NEVER` disables a direction.
 */
export interface LearnedCombination {
  readonly toCode: number;
  readonly toCodePerPoint: number;
  readonly toCowork: number;
  readonly toCoworkPerPoint: number;
}

const scratch = new Int32Array(MAX_FEATURES);
let shipped: LearnedModel | undefined;

/** The model compiled into the router, decoded on first use. */
export function shippedModel(): LearnedModel {
  shipped ??= decodeModel(LEARNED_MODEL);
  return shipped;
}

/** The combination chosen by leave-one-list-out cross-validation (see bench/routingLearnedCv.ts). */
export const SHIPPED_COMBINATION: LearnedCombination = LEARNED_MODEL.combination;

/**
 * The log-odds that a message is coding work, by the model.
 *
 * @param input - The message as the router prepared it.
 * @param model - The model; the shipped one unless told.
 * @returns Log-odds: above 0 leans Code, below 0 leans Cowork.
 */
export function learnedLogOdds(input: LearnedInput, model: LearnedModel = shippedModel()): number {
  const count = featureBuckets(input.folded, input.original, input.hasCode, scratch);
  const { weights } = model;
  let sum = 0;
  for (let k = 0; k < count; k++) sum += weights[scratch[k] as number] as number;
  sum *= model.scale;
  if (model.normalized && count > 0) sum /= Math.sqrt(count);
  return model.bias + sum;
}

/**
 * Whether the model overrules the rules' route.
 *
 * @param rulesRoute - The rules' route.
 * @param margin - How far the rules' score is from its code threshold, in points (≥ 0).
 * @param logOdds - The model's log-odds.
 * @param combination - The thresholds.
 */
export function overrules(rulesRoute: 'code' | 'cowork', margin: number, logOdds: number, combination: LearnedCombination): boolean {
  if (rulesRoute === 'cowork') return logOdds >= combination.toCode + combination.toCodePerPoint * margin;
  return -logOdds >= combination.toCowork + combination.toCoworkPerPoint * margin;
}

/** A threshold this high turns a direction off. */
export const NEVER = 1e9;

/** Whether any log-odds could overrule the rules' route under the combination. */
export function mayOverrule(rulesRoute: 'code' | 'cowork', combination: LearnedCombination): boolean {
  return rulesRoute === 'cowork' ? combination.toCode < NEVER : combination.toCowork < NEVER;
}

interface StoredModel {
  readonly bits: number;
  readonly bias: number;
  readonly scale: number;
  readonly normalized: boolean;
  /** Int8 weights, base64. */
  readonly weights: string;
}

/** Decodes a compiled model. */
export function decodeModel(stored: StoredModel): LearnedModel {
  if (stored.bits !== FEATURE_BITS) throw new Error(`learned weights have ${stored.bits} bits, the features ${FEATURE_BITS}: run npm run train:router`);
  const binary = atob(stored.weights);
  const weights = new Int8Array(binary.length);
  for (let k = 0; k < binary.length; k++) weights[k] = (binary.charCodeAt(k) << 24) >> 24;
  return { weights, scale: stored.scale, bias: stored.bias, normalized: stored.normalized };
}
