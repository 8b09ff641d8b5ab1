/**
 * Echo suppression: the watch event of an object state that the controller's own write
 * produced (its echo) does not queue the key again; nor does one that arrives while the key
 * runs and turns out to be the echo of that Run's writes.
 *
 * @module
 */

import type { ResourceType } from "../client/resource_type.ts";
import type { CacheEvent } from "./cache.ts";
import { liveKey } from "./read_your_writes.ts";
import type { RecordedWrite } from "./write_record.ts";

/** An object state: which object (a liveKey) at which resourceVersion. */
export interface Echo {
  readonly object: string;
  readonly resourceVersion: string;
}

interface EchoMeta {
  namespace?: string;
  name?: string;
  resourceVersion?: string;
}

/** A state no write produced: whatever arrives as this is news. */
const NEWS: Echo = { object: "", resourceVersion: "" };

/** The state `event` shows of an object of `resource`, when it has a name and version. */
export function echoOf(
  resource: ResourceType<unknown>,
  event: CacheEvent<unknown>,
): Echo | undefined {
  const meta = (event.object as { metadata?: EchoMeta })?.metadata;
  if (!meta?.name || !meta.resourceVersion) return undefined;
  return {
    object: liveKey(resource.apiVersion, resource.kind, meta.namespace, meta.name),
    resourceVersion: meta.resourceVersion,
  };
}

/**
 * How long the state a write produced is remembered. Its echo comes within seconds; a write
 * whose echo never comes (an object of a kind or scope this controller does not watch) must
 * not be remembered for ever. An echo later than this only costs one extra Run.
 */
export const ECHO_MEMORY_MS = 5 * 60_000;

/** The state one of our writes produced, and when. */
interface Written {
  readonly resourceVersion: string;
  readonly at: number;
}

/** The object states our writes produced, and the events of running keys. */
export class Echoes {
  /**
   * The state each of our writes produced (liveKey → version), oldest write first: their
   * echoes.
   */
  readonly #written = new Map<string, Written>();
  /** Events for running keys, decided when their Run ends. */
  readonly #deferred = new Map<string, Echo[]>();
  readonly #now: () => number;

  /** @param now The clock, in ms (for tests). */
  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
  }

  /** How many write states are remembered (for tests). */
  get size(): number {
    return this.#written.size;
  }

  /**
   * Remembers the state a write produced. Called as soon as each write answers: its watch
   * event may come before the Run ends. Forgets states older than ECHO_MEMORY_MS.
   */
  written(write: RecordedWrite): void {
    const now = this.#now();
    // Oldest first: stop at the first state young enough to keep.
    for (const [object, { at }] of this.#written) {
      if (now - at < ECHO_MEMORY_MS) break;
      this.#written.delete(object);
    }
    if (write.apiVersion && write.kind && write.name && write.resourceVersion) {
      const object = liveKey(write.apiVersion, write.kind, write.namespace, write.name);
      // Deleted first, so that the map stays in the order of the writes.
      this.#written.delete(object);
      this.#written.set(object, { resourceVersion: write.resourceVersion, at: now });
    }
  }

  /**
   * Whether `event` (showing state `echo`) is the echo of one of our writes. Any other state
   * (a deletion included) supersedes the echo we waited for.
   */
  isOurs(echo: Echo | undefined, event: CacheEvent<unknown>): boolean {
    const ours = echo !== undefined && event.type !== "deleted" &&
      this.#written.get(echo.object)?.resourceVersion === echo.resourceVersion;
    if (ours) return true;
    if (echo !== undefined) this.#written.delete(echo.object);
    return false;
  }

  /** Starts collecting the events of `key` while it runs. */
  runStarted(key: string): void {
    this.#deferred.set(key, []);
  }

  /**
   * Defers an event of a running key: it may be the echo of a write whose answer has not
   * arrived yet, so it is decided when the Run ends.
   *
   * @param echo The state the event shows; `undefined` when it is news whatever the Run wrote
   * (a deletion, or no version).
   * @returns `false` when `key` is not running (queue it now).
   */
  defer(key: string, echo: Echo | undefined): boolean {
    const deferred = this.#deferred.get(key);
    if (deferred === undefined) return false;
    deferred.push(echo ?? NEWS);
    return true;
  }

  /**
   * Stops collecting the events of `key`.
   *
   * @returns Whether an event that arrived during the Run is not an echo of its writes.
   */
  runEnded(key: string): boolean {
    const deferred = this.#deferred.get(key) ?? [];
    this.#deferred.delete(key);
    return deferred.some((echo) =>
      echo.object === "" || this.#written.get(echo.object)?.resourceVersion !== echo.resourceVersion
    );
  }
}
