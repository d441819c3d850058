/**
 * A bounded set of recently seen keys, oldest forgotten first. Redeliveries come within
 * minutes of the original, so remembering the last few thousand is enough and memory stays flat.
 */
export class RecentKeys {
  private readonly keys = new Map<string, true>();

  constructor(private readonly capacity = 5_000) {}

  /** True if any of `keys` was seen before; remembers them all either way. */
  seenBefore(keys: string[]): boolean {
    let seen = false;
    for (const key of keys) {
      if (this.keys.has(key)) {
        seen = true;
        // Refresh, so a key that keeps coming back stays remembered.
        this.keys.delete(key);
      }
      this.keys.set(key, true);
    }
    while (this.keys.size > this.capacity) {
      const oldest = this.keys.keys().next().value;
      if (oldest === undefined) break;
      this.keys.delete(oldest);
    }
    return seen;
  }

  get size(): number {
    return this.keys.size;
  }
}
