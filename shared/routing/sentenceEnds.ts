/**
 * Where each sentence of a message ends, for the override (`override.ts`): whether the sentence
 * that holds a mention of a Code session is a question.
 */

/** The end of each sentence, found once: mentions come in order, so the search only moves forward. */
export class SentenceEnds {
  private next = -1;
  constructor(private readonly text: string) {}

  endsWithQuestion(from: number): boolean {
    if (this.next < from) {
      const m = /[.!?\n]/g;
      m.lastIndex = from;
      this.next = m.exec(this.text)?.index ?? this.text.length;
    }
    return this.text[this.next] === '?';
  }
}
