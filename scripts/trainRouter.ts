/**
 * Trains the learned routing signal on the labelled development lists
 * (test/shared/eval/routingDev*.jsonl, the former held-out lists D, J, K, 4 and A–C, and
 * ../shared/eval/routing-sample.jsonl; never a list in UNSEEN of bench/routingEval.ts) and writes shared/routing/learnedWeights.data.ts. Deterministic.
 *
 *   npm run train:router
 */

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { trainedWeightsSource } from '../bench/routingLearnedCv.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const target = path.join(root, 'shared', 'routing', 'learnedWeights.data.ts');
const source = trainedWeightsSource();
writeFileSync(target, source);
console.log(`${path.relative(root, target)}: ${source.length} bytes`);
