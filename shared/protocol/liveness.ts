/** The part of a `ws` WebSocket that a liveness watch needs. */
export interface PingableSocket {
  ping(): void;
  terminate(): void;
  on(event: 'pong' | 'message', listener: () => void): unknown;
  on(event: 'close', listener: () => void): unknown;
}

export interface LivenessOptions {
  pingMs: number;
  deadMs: number;
  /** Called just before a silent socket is terminated. */
  onDead(): void;
  /** Called on every ping tick while the socket is alive (last-seen times, revocation checks). */
  onTick?(): void;
}

/**
 * Pings every `pingMs` and terminates the socket when nothing at all (pong or message)
 * arrived for `deadMs`: a path that drops bytes while both sockets stay open looks
 * exactly like that, and TCP alone would not notice for many minutes. Returns a stop function.
 */
export function watchLiveness(socket: PingableSocket, options: LivenessOptions): () => void {
  let lastHeard = Date.now();
  const heard = (): void => {
    lastHeard = Date.now();
  };
  socket.on('pong', heard);
  socket.on('message', heard);
  let lastPing = 0;
  // Checked more often than pinged, so a dead link is noticed close to `deadMs`, not up to a ping later.
  const timer = setInterval(() => {
    const now = Date.now();
    if (now - lastHeard >= options.deadMs) {
      clearInterval(timer);
      options.onDead();
      socket.terminate();
      return;
    }
    if (now - lastPing < options.pingMs) return;
    lastPing = now;
    try {
      socket.ping();
    } catch {
      // Closing already: the close handler cleans up.
    }
    options.onTick?.();
  }, Math.max(10, Math.min(options.pingMs, options.deadMs / 10)));
  timer.unref?.();
  const stop = (): void => clearInterval(timer);
  socket.on('close', stop);
  return stop;
}
