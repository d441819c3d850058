import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatScore, readLabelledLines, scoreList, type LabelledMessage } from '../../bench/routingEval.js';
import { route } from '../../shared/routing/route.js';
import { HELD_OUT, HELD_OUT_B, HELD_OUT_C } from './routingHeldOut.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const evalDir = path.join(here, 'eval');
const samplePath = path.resolve(here, '..', '..', '..', 'shared', 'eval', 'routing-sample.jsonl');

interface Floor {
  /** Lowest accepted share of messages routed right (and forced exactly when labelled forced). */
  accuracy: number;
  /** Highest accepted number of office messages sent to Code. */
  maxCoworkToCode: number;
  /** Forced messages that may go unforced (0: every forced case is right). */
  forcedMisses: number;
  /** The list's sentences may be printed on failure (never for a list kept unseen). */
  showMisses: boolean;
}

// Floors: the figure each list reached at the end of issue 12, less a small margin.
const LISTS: Array<[name: string, load: () => LabelledMessage[] | undefined, floor: Floor]> = [
  ['routing sample (60)', () => (existsSync(samplePath) ? readLabelledLines(samplePath) : undefined), { accuracy: 0.96, maxCoworkToCode: 1, forcedMisses: 0, showMisses: true }],
  ['HELD_OUT (61)', () => [...HELD_OUT], { accuracy: 0.97, maxCoworkToCode: 1, forcedMisses: 0, showMisses: true }],
  ['HELD_OUT_B (30)', () => [...HELD_OUT_B], { accuracy: 0.95, maxCoworkToCode: 1, forcedMisses: 0, showMisses: true }],
  ['HELD_OUT_C (80)', () => [...HELD_OUT_C], { accuracy: 0.95, maxCoworkToCode: 1, forcedMisses: 0, showMisses: true }],
  // Lists J and D were written by someone else and kept unseen, then scored so often (J: 83.3% before its round, 84.5%
  // after the rules, 89.8% with the learned signal; D: 88.6%, 89.4%, 94.9%) that they are development data now: the
  // learned signal trains on them and their misses may be read. Their floors (trained on, with the rules of the round after:
  // 96.8% and 98.4%) are regression checks. J fell to 94.5% when lists Q and R joined the training (the model fits
  // the larger set less closely, while its leave-one-list-out mean rose): its floor is 94%.
  ['development list J (400, five languages)', () => readLabelledLines(path.join(evalDir, 'heldOutJ.jsonl')), { accuracy: 0.94, maxCoworkToCode: 10, forcedMisses: 0, showMisses: true }],
  ['development list D (369)', () => readLabelledLines(path.join(evalDir, 'heldOutD.jsonl')), { accuracy: 0.97, maxCoworkToCode: 5, forcedMisses: 0, showMisses: true }],
  ['development list 1 (197)', () => readLabelledLines(path.join(evalDir, 'routingDev.jsonl')), { accuracy: 0.95, maxCoworkToCode: 2, forcedMisses: 0, showMisses: true }],
  ['development list 2 (120)', () => readLabelledLines(path.join(evalDir, 'routingDev2.jsonl')), { accuracy: 0.87, maxCoworkToCode: 2, forcedMisses: 0, showMisses: true }],
  ['development list 3 (84)', () => readLabelledLines(path.join(evalDir, 'routingDev3.jsonl')), { accuracy: 0.83, maxCoworkToCode: 1, forcedMisses: 0, showMisses: true }],
  ['development list 4 (71)', () => readLabelledLines(path.join(evalDir, 'routingDev4.jsonl')), { accuracy: 0.93, maxCoworkToCode: 1, forcedMisses: 0, showMisses: true }],
  ['development list E (212)', () => readLabelledLines(path.join(evalDir, 'routingDevE.jsonl')), { accuracy: 0.93, maxCoworkToCode: 3, forcedMisses: 0, showMisses: true }],
  ['development list F (95, terse)', () => readLabelledLines(path.join(evalDir, 'routingDevF.jsonl')), { accuracy: 0.85, maxCoworkToCode: 0, forcedMisses: 0, showMisses: true }],
  ['development list G (50, colloquial)', () => readLabelledLines(path.join(evalDir, 'routingDevG.jsonl')), { accuracy: 0.93, maxCoworkToCode: 0, forcedMisses: 0, showMisses: true }],
  // List H was scored before any rule of its round (89.8%), list I once after them (90.2%), then fixed.
  ['development list H (264)', () => readLabelledLines(path.join(evalDir, 'routingDevH.jsonl')), { accuracy: 0.96, maxCoworkToCode: 0, forcedMisses: 0, showMisses: true }],
  ['development list I (174, written after the rules)', () => readLabelledLines(path.join(evalDir, 'routingDevI.jsonl')), { accuracy: 0.94, maxCoworkToCode: 0, forcedMisses: 0, showMisses: true }],
  // List L was written before the rules of its round (forced French phrasings, "I need a code session", concurrency
  // questions, library swaps in plain words, office words as product data, phone typos): 27/44 right before them,
  // 49/52 after (8 library-swap sentences added before their rule).
  ['development list L (52, written before its rules)', () => readLabelledLines(path.join(evalDir, 'routingDevL.jsonl')), { accuracy: 0.9, maxCoworkToCode: 1, forcedMisses: 0, showMisses: true }],
  // List M (races between two users of the product, and two people in an office tool) was written before its rule: 9/11 before.
  ['development list M (11, written before its rule)', () => readLabelledLines(path.join(evalDir, 'routingDevM.jsonl')), { accuracy: 0.9, maxCoworkToCode: 0, forcedMisses: 0, showMisses: true }],
  ['office look-alikes (46)', () => readLabelledLines(path.join(evalDir, 'routingDevOffice.jsonl')), { accuracy: 1, maxCoworkToCode: 0, forcedMisses: 0, showMisses: true }],
];

// Lists K and 4 were held out (K: 91.8% before its round, 95.0% after; 4: 94.8% and 94.8%), then worn by scoring:
// development data since 2026-12-03, trained on, their misses readable. Floors a little under their scores then
// (98.0% each, every forced case right).
LISTS.push(['development list K (400)', () => readLabelledLines(path.join(evalDir, 'heldOutK.jsonl')), { accuracy: 0.96, maxCoworkToCode: 5, forcedMisses: 0, showMisses: true }]);
LISTS.push(['development list 4 (400, 11 languages)', () => readLabelledLines(path.join(evalDir, 'heldOut4.jsonl')), { accuracy: 0.96, maxCoworkToCode: 5, forcedMisses: 0, showMisses: true }]);
// Lists Q (code-leaning, eleven languages) and R (office work with a technical flavour): 84.0% and 90.8% on their
// first score, 98.8% and 96.5% trained on.
LISTS.push(['development list Q (400, 11 languages)', () => readLabelledLines(path.join(evalDir, 'routingDevQ.jsonl')), { accuracy: 0.96, maxCoworkToCode: 8, forcedMisses: 0, showMisses: true }]);
// List S (product words, chores and failures in pl/ru/tr/sv/ja/ko/zh, with tech-flavoured office work): 79.0% on its
// first score (82 code→cowork), 86.2% with the rules written from it (before retraining), 99.0% trained on.
LISTS.push(['development list S (420, seven more languages)', () => readLabelledLines(path.join(evalDir, 'routingDevS.jsonl')), { accuracy: 0.96, maxCoworkToCode: 4, forcedMisses: 1, showMisses: true }]);
// List T (typos, dictated run-ons, product words and questions, 14 languages) checks the rules and the model; the model
// does not train on it (trained on, the held-out lists fell). First score 84.5% (355/420; rules alone 321), then 89.8% (377; rules alone 347).
LISTS.push(['development list T (420, 14 languages, not trained on)', () => readLabelledLines(path.join(evalDir, 'rulesDevT.jsonl')), { accuracy: 0.87, maxCoworkToCode: 8, forcedMisses: 0, showMisses: true }]);
LISTS.push(['development list R (400, office work)', () => readLabelledLines(path.join(evalDir, 'routingDevR.jsonl')), { accuracy: 0.95, maxCoworkToCode: 15, forcedMisses: 0, showMisses: true }]);

/**
 * The held-out list: 450 messages in 14 languages, written by someone who read no code and no list, never
 * trained on (see bench/routingTraining.ts), scored only as aggregates. First score, on main before this
 * round: 88.2% (40 code→cowork, 8 cowork→code, forced 28/42); after it: 96.9% (13, 1, forced 42/42).
 * The floor is that less a margin.
 */
const HELD_OUT_5 = path.join(evalDir, 'heldOut5.jsonl');
LISTS.push(['held-out 5 (unseen)', () => (existsSync(HELD_OUT_5) ? readLabelledLines(HELD_OUT_5) : undefined), { accuracy: 0.95, maxCoworkToCode: 3, forcedMisses: 0, showMisses: false }]);

/**
 * Held-out list 6: 495 messages in 14 languages (60 with a repository context), written by someone who read no
 * code and no list, before the rules of its round; never trained on, scored only as aggregates. First score (main
 * before the round): 87.3% (51 code→cowork, 11 cowork→code, forced 50/52). The floor is its last score less a margin.
 */
const HELD_OUT_6 = path.join(evalDir, 'heldOut6.jsonl');
LISTS.push(['held-out 6 (unseen)', () => (existsSync(HELD_OUT_6) ? readLabelledLines(HELD_OUT_6) : undefined), { accuracy: 0.88, maxCoworkToCode: 11, forcedMisses: 1, showMisses: false }]);

function misses(messages: readonly LabelledMessage[]): string {
  return messages
    .filter((m) => {
      const decision = route(m.text, m.context);
      return decision.route !== m.route || decision.forced !== (m.forced ?? false);
    })
    .map((m) => `  ${m.route}${m.forced ? ' (forced)' : ''} expected: ${m.text}`)
    .join('\n');
}

describe('routing accuracy on labelled lists', () => {
  for (const [name, load, floor] of LISTS) {
    it(`${name}: at least ${(floor.accuracy * 100).toFixed(0)}% right, at most ${floor.maxCoworkToCode} office messages sent to Code, ${floor.forcedMisses === 0 ? 'every forced case forced' : `at most ${floor.forcedMisses} forced case missed`}`, function () {
      const messages = load();
      if (!messages) this.skip();
      const score = scoreList(messages);
      const { all } = score;
      // Only aggregates for an unseen list: its sentences must stay unread.
      const detail = `\n${formatScore(name, score)}${floor.showMisses ? `\n${misses(messages)}` : ''}`;
      assert.ok(all.correct / all.total >= floor.accuracy, `accuracy ${((100 * all.correct) / all.total).toFixed(1)}%${detail}`);
      assert.ok(all.coworkToCode <= floor.maxCoworkToCode, `${all.coworkToCode} office messages sent to Code${detail}`);
      assert.ok(all.forcedTotal - all.forcedRight <= floor.forcedMisses, `forced ${all.forcedRight}/${all.forcedTotal}${detail}`);
      // A forced case routed to Code without being forced counts here too, within the same allowance.
      assert.ok(all.forcedWrong <= floor.forcedMisses, `${all.forcedWrong} messages forced that should not be, or not forced with the right route${detail}`);
    });
  }
});
