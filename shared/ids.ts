/** A random id, e.g. for jobs and requests (UUID v4). */
export function newId(): string {
  return globalThis.crypto.randomUUID();
}

/** The first 8 hex characters of an id: what users see and type ("cancel 3f9a1c2e"). */
export function shortId(id: string): string {
  return id.replace(/-/g, '').slice(0, 8);
}
