import type { Promised } from '../../bridge/store/promised.js';

/**
 * Today's synchronous SqliteStore seen through the asynchronous Store shape, so one contract
 * suite runs on both engines. Goes away once Store itself is asynchronous.
 */
export function promised<T extends object>(target: T): Promised<T> {
  return new Proxy(target, {
    get(object, key) {
      const value: unknown = Reflect.get(object, key, object);
      if (typeof value === 'function') return async (...args: unknown[]) => (value as (...a: unknown[]) => unknown).apply(object, args);
      if (value !== null && typeof value === 'object') return promised(value);
      return value;
    },
  }) as Promised<T>;
}
