import { bridgeLabel, parseBridgeUrls } from './bridgeUrls.js';

/**
 * Which of several bridges (sharing one database) the runner dials. It holds one at a
 * time and keeps it while it works; when a link to it fails, the next in order is dialled
 * at once, wrapping around, and only a round in which every bridge failed waits for the
 * backoff. With one bridge every failure is a full round, as before there were several.
 */
export class BridgeRotation {
  private readonly urls: string[];
  private index = 0;
  /** Bridges that failed since the last working link or the last full round. */
  private failedThisRound = 0;

  /** `bridgeUrl`: one URL, or several separated by commas; a bad one throws, naming it. */
  constructor(bridgeUrl: string, setting?: string) {
    this.urls = parseBridgeUrls(bridgeUrl, setting);
  }

  /** The URL to dial now. */
  get current(): string {
    return this.urls[this.index]!;
  }

  /** The current bridge as status and logs show it (no credentials). */
  get label(): string {
    return bridgeLabel(this.current);
  }

  get size(): number {
    return this.urls.length;
  }

  /** A link to the current bridge works: stay on it, and start counting a new round. */
  succeeded(): void {
    this.failedThisRound = 0;
  }

  /** The current bridge failed: move on; `next` dials at once, `backoff` waits first. */
  failed(): 'next' | 'backoff' {
    this.index = (this.index + 1) % this.urls.length;
    this.failedThisRound += 1;
    if (this.failedThisRound < this.urls.length) return 'next';
    this.failedThisRound = 0;
    return 'backoff';
  }
}
