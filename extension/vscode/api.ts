import type { Container } from './container.js';

/**
 * What `activate` returns. It exists for this extension's own extension-host tests
 * (they read the tree, badge, panels and runner link through it); it is not a stable
 * API for other extensions.
 */
export interface DispatchApi {
  readonly container: Container;
}
