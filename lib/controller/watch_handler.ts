/**
 * What a {@linkcode Watcher} reports to ({@linkcode WatchHandler}), and the error it reports
 * when a request or stream fails ({@linkcode WatchError}).
 *
 * @module
 */

import { KubernetesApiError } from "../client/api_error.ts";

/**
 * What a watcher reports, in order: `initStart`, the initial objects (`initObject`) and
 * `initDone` (again after every re-initialisation, e.g. when the resourceVersion expired),
 * then `apply`/`remove` per change and `bookmark`s; `error` whenever something failed and a
 * retry is scheduled. The calls are synchronous; a handler must not throw.
 *
 * @typeParam T The object type.
 *
 * @example Counting the objects of the initial state
 * ```ts
 * import type { WatchHandler } from "@staircase/staircase/controller";
 *
 * let count = 0;
 * const handler: WatchHandler<unknown> = {
 *   initStart: () => (count = 0),
 *   initObject: () => count++,
 *   initDone: (rv) => console.log(`${count} objects at ${rv}`),
 *   apply: () => {},
 *   remove: () => {},
 *   bookmark: () => {},
 *   error: (error) => console.error(error.message),
 * };
 * // What a watcher calls for an initial state of two objects:
 * handler.initStart();
 * handler.initObject({ metadata: { name: "a" } });
 * handler.initObject({ metadata: { name: "b" } });
 * handler.initDone("4711"); // 2 objects at 4711
 * ```
 */
export interface WatchHandler<T> {
  /** A (re)initialisation starts: the complete state follows. */
  initStart(): void;
  /** One object of the initial state. */
  initObject(object: T): void;
  /** The initial state is complete, as of `resourceVersion`. */
  initDone(resourceVersion: string): void;
  /** An object was added or modified. */
  apply(object: T): void;
  /** An object was deleted (`object` is its last state). */
  remove(object: T): void;
  /** The watch has reached `resourceVersion` (no object changed). */
  bookmark(resourceVersion: string): void;
  /** Something failed; the watcher retries after `error.retryInMs`. */
  error(error: WatchError): void;
}

/**
 * A failure of a watcher's request or stream, with what it means and when it is retried. The
 * watcher never stops because of one; `cause` is the original error (a `KubernetesApiError`
 * for refusals, e.g. `isForbidden(error.cause)` for missing RBAC permissions).
 *
 * @example
 * ```ts
 * import { WatchError } from "@staircase/staircase/controller";
 *
 * const error = new WatchError("ConfigMap", "default", new Error("connection reset"), 800);
 * console.log(error.message);
 * ```
 */
export class WatchError extends Error {
  /** The kind being watched. */
  readonly kind: string;
  /** The namespace being watched; `undefined` for all namespaces or cluster scope. */
  readonly namespace?: string;
  /** When the watcher tries again, in ms. */
  readonly retryInMs: number;

  /**
   * Creates the error.
   *
   * @param kind The kind being watched.
   * @param namespace The namespace being watched, if any.
   * @param cause The original error.
   * @param retryInMs When the watcher tries again, in ms.
   */
  constructor(kind: string, namespace: string | undefined, cause: unknown, retryInMs: number) {
    const where = namespace ? ` in namespace "${namespace}"` : "";
    const detail = cause instanceof Error ? cause.message : String(cause);
    const hint = cause instanceof KubernetesApiError && cause.code === 403
      ? " (the client lacks RBAC permission to list and watch this kind here)"
      : "";
    super(
      `watching ${kind}${where} failed: ${detail}${hint}; retrying in ${Math.round(retryInMs)} ms`,
      { cause },
    );
    this.name = "WatchError";
    this.kind = kind;
    this.namespace = namespace;
    this.retryInMs = retryInMs;
  }
}
