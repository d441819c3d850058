import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { byModel, byRules, chooseCombination, combined, crossValidate, SHIPPED_OPTIONS, scoreFold, trainedWeightsSource, type Fold } from '../../bench/routingLearnedCv.js';
import { trainingLists } from '../../bench/routingTraining.js';
import { SHIPPED_COMBINATION, learnedLogOdds } from '../../shared/routing/learned.js';
import { featureBuckets, MAX_FEATURES } from '../../shared/routing/learnedFeatures.js';
import { route, routeByRules } from '../../shared/routing/route.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const weightsFile = path.resolve(here, '..', '..', 'shared', 'routing', 'learnedWeights.data.ts');
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('the learned routing signal', () => {
  let folds: Fold[];
  before(function () {
    this.timeout(60_000);
    folds = crossValidate(trainingLists(), SHIPPED_OPTIONS);
  });

  it('the compiled weights are what npm run train:router makes from the committed lists (nobody edits them by hand)', function () {
    this.timeout(60_000);
    const started = Date.now();
    const regenerated = trainedWeightsSource();
    if (Date.now() - started > 20_000) this.skip();
    assert.equal(sha256(regenerated), sha256(readFileSync(weightsFile, 'utf8')), 'learnedWeights.data.ts is stale or edited: run npm run train:router');
  });

  it('leave-one-list-out: the rules with the model are right at least as often as the rules alone, on the mean of the lists', () => {
    const accuracy = (decide: Parameters<typeof scoreFold>[1]): number => mean(folds.map((f) => {
      const s = scoreFold(f, decide);
      return s.right / s.total;
    }));
    // The combination is chosen on the other lists only, so each list scores a model and thresholds that never saw it.
    const nested = mean(folds.map((f, held) => {
      const s = scoreFold(f, combined(chooseCombination(folds.filter((_, n) => n !== held))));
      return s.right / s.total;
    }));
    const rules = accuracy(byRules);
    assert.ok(nested >= rules, `combined ${(100 * nested).toFixed(2)}% < rules alone ${(100 * rules).toFixed(2)}%`);
    // The model on its own is a real signal, not noise the thresholds hide.
    assert.ok(accuracy(byModel) >= 0.85, `model alone ${(100 * accuracy(byModel)).toFixed(2)}%`);
  });

  it('sends no more office look-alikes to Code than the rules do, with the shipped combination, on a model that never saw them', () => {
    const office = folds.find((f) => f.name === 'routingDevOffice');
    assert.ok(office, 'the office list is a fold');
    assert.ok(scoreFold(office, combined(SHIPPED_COMBINATION)).coworkToCode <= scoreFold(office, byRules).coworkToCode);
  });

  it('never changes a forced route, whatever the model says', () => {
    const decision = route('open a Code session and draft the board memo for thursday');
    assert.equal(decision.route, 'code');
    assert.equal(decision.forced, true);
    assert.equal(routeByRules('open a Code session and draft the board memo').input, undefined);
  });

  it('turns office work that the rules call Code into Cowork only at very high odds, never coding work said in office words', () => {
    // Written for this test, in none of the lists: office writing about code things.
    for (const text of ['summarize this pull request discussion for the marketing team in two bullet points', 'schreib eine Stellenanzeige für einen Frontend-Entwickler mit React in Hamburg']) {
      assert.equal(routeByRules(text).decision.route, 'code', `the rules alone: ${text}`);
      assert.equal(route(text).route, 'cowork', text);
    }
    // Far from the rules' threshold, the rules keep their Code though the model leans Cowork.
    assert.equal(route('summarize the diff between main and the release branch').route, 'code');
  });

  it('reads typos and other languages through character n-grams: a misspelt coding request leans Code, an email leans Cowork', () => {
    const odds = (text: string): number => {
      const input = routeByRules(text).input;
      assert.ok(input);
      return learnedLogOdds(input);
    };
    assert.ok(odds('fix teh failling unit tets in the paymnet modul') > 0);
    assert.ok(odds('escribe un correo al cliente sobre el retraso de la entrega') < 0);
  });

  it('bounds the features of a very long message', () => {
    const out = new Int32Array(MAX_FEATURES);
    const count = featureBuckets('word '.repeat(20_000), '', false, out);
    assert.ok(count <= MAX_FEATURES && count > 1000);
  });

  it('a very long token does not turn office writing into coding work (a pasted run of one letter)', () => {
    // Found by the bridge's disk-full test: 5,000 x's once gave the model thousands of "xxx" grams.
    for (const length of [50, 500, 5_000]) assert.equal(route(`draft a polite email declining the meeting ${'x'.repeat(length)}`).route, 'cowork');
  });
});
