/**
 * A bounded memo for judgements about one word (is it English, which vocabulary term is it).
 * Chat words follow a steep frequency curve, so most look-ups repeat; the judgement of a
 * word never depends on its sentence, so remembering it is safe. The memo is emptied when
 * full, which keeps its memory bounded whatever the traffic.
 */

const MAX_ENTRIES = 20_000;

/** A memo of word → answer (never undefined), emptied when it reaches its bound. */
export class WordMemo<T extends NonNullable<unknown> | null> {
  private readonly answers = new Map<string, T>();

  /**
   * The answer for a word, computed once.
   *
   * @param word - The word as looked up.
   * @param compute - Works out the answer when the memo does not hold it.
   * @returns The answer.
   */
  get(word: string, compute: (word: string) => T): T {
    const known = this.answers.get(word);
    // Answers are never undefined (a miss is remembered as null or false), so one probe tells.
    if (known !== undefined) return known;
    const answer = compute(word);
    if (this.answers.size >= MAX_ENTRIES) this.answers.clear();
    this.answers.set(word, answer);
    return answer;
  }
}
