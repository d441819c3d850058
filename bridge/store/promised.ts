/**
 * The asynchronous shape of an interface: every method `(...a) => R` becomes
 * `(...a) => Promise<R>`, and object-valued properties (a store's `webMessages`,
 * `credentials`) are mapped the same way. PgStore implements `Promised<Store>` until
 * `Store` itself is asynchronous; then `Promised<Store>` and `Store` are the same.
 */
export type Promised<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : T[K] extends object ? Promised<T[K]> : T[K];
};
