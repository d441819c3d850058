import { createInterface, type Interface } from 'node:readline';
import type { ApprovalDecision, ApprovalRequest } from '../../../shared/sessions.js';

/**
 * Asks approval questions on the terminal, one at a time. y = once, a = for the grant
 * length, anything else (or end of input) = deny. A closed stdin denies rather than
 * leaving the session waiting forever for a terminal nobody can type into.
 */
export class TerminalApprovals {
  private readonly rl: Interface;
  private closed = false;
  private chain: Promise<unknown> = Promise.resolve();
  private waiting: ((line: string | undefined) => void) | undefined;
  /** Lines typed (or piped) before the question was asked answer the next questions. */
  private readonly early: string[] = [];

  constructor(
    input: NodeJS.ReadableStream,
    private readonly output: NodeJS.WritableStream,
    private readonly grantMinutes: number,
  ) {
    this.rl = createInterface({ input, terminal: false });
    this.rl.on('line', (line) => {
      const waiting = this.waiting;
      this.waiting = undefined;
      if (waiting) waiting(line);
      else this.early.push(line);
    });
    this.rl.on('close', () => {
      this.closed = true;
      this.waiting?.(undefined);
      this.waiting = undefined;
    });
  }

  ask(request: ApprovalRequest): Promise<ApprovalDecision> {
    const next = this.chain.then(() => this.askNow(request));
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async askNow(request: ApprovalRequest): Promise<ApprovalDecision> {
    const command = request.command ? `\n  $ ${request.command.join(' ')}` : '';
    this.output.write(`Approve? ${request.summary}${command}\n  [y] once  [a] for ${this.grantMinutes} min  [N] deny > `);
    const line = this.early.length
      ? this.early.shift()
      : this.closed
        ? undefined
        : await new Promise<string | undefined>((resolve) => (this.waiting = resolve));
    const answer = line?.trim().toLowerCase();
    const base = { requestId: request.requestId, decidedBy: 'terminal' };
    if (answer === 'y' || answer === 'yes') return { ...base, decision: 'approve_once' };
    if (answer === 'a' || answer === 'always') return { ...base, decision: 'approve_for', minutes: this.grantMinutes };
    if (line === undefined) this.output.write('\n');
    return { ...base, decision: 'deny', reason: line === undefined ? 'no answer: the terminal input was closed' : 'denied on the terminal' };
  }

  close(): void {
    this.rl.close();
  }
}
