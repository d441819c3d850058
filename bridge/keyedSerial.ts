/**
 * Runs tasks one after another per key (a job, a machine), in the order they were
 * queued; different keys run independently. The store is asynchronous, so two handlers
 * for the same job can interleave between its awaits: where the order of what reaches
 * the chat or the runner matters, they queue here instead.
 */
export class KeyedSerial {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Runs `task` after every task queued before it under `key`; its result (or error) is the caller's alone. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    // The last task of a key forgets it, so the map holds only keys with work queued.
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
