// Internal: the RunContext implementation handed to steps, and Run ids.

import type { RestClient } from "../client/contract.ts";
import type { ObjectCache } from "../controller/cache.ts";
import type { EventSink } from "../status/event_sink.ts";
import type { RunContext } from "./context.ts";
import type { Logger } from "./logger.ts";
import type { RunResource } from "./resource.ts";

// Run ids: a random per-process prefix and a counter (cheaper than a UUID per Run). 64 random
// bits make two processes (or two copies of this module) picking the same prefix negligible.
const ID_PREFIX =
  Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, "0"))
    .join("") + "-";
let idCount = 0;

/** A fresh Run id: unique within the process, and across processes in all likelihood. */
export function nextRunId(): string {
  return ID_PREFIX + ++idCount;
}

/**
 * The context steps see: plain fields, and the signal and logger made on first use (most steps
 * of a fast Run never ask for them, and both cost allocations).
 */
export class Context<R> implements RunContext<R> {
  readonly resource: RunResource<R>;
  readonly client: RestClient;
  readonly cache: ObjectCache;
  readonly events: EventSink;
  readonly controller: string | undefined;
  readonly runStart: number;
  readonly runId: string;
  readonly #shutdown: AbortSignal | undefined;
  readonly #baseLogger: Logger;
  #logger: Logger | undefined = undefined;
  #abort: AbortController | undefined = undefined;
  #onShutdown: (() => void) | undefined = undefined;
  #abortReason: unknown = undefined;
  #closed = false;

  constructor(
    resource: RunResource<R>,
    client: RestClient,
    cache: ObjectCache,
    events: EventSink,
    controller: string | undefined,
    runId: string,
    shutdown: AbortSignal | undefined,
    logger: Logger,
  ) {
    this.resource = resource;
    this.client = client;
    this.cache = cache;
    this.events = events;
    this.controller = controller;
    this.runId = runId;
    this.#shutdown = shutdown;
    this.#baseLogger = logger;
    // The one clock reading every step shares, taken before the first step.
    this.runStart = Date.now();
  }

  get signal(): AbortSignal {
    if (this.#abort === undefined) {
      const controller = this.#abort = new AbortController();
      const shutdown = this.#shutdown;
      if (this.#abortReason !== undefined) controller.abort(this.#abortReason);
      else if (shutdown?.aborted) controller.abort(shutdown.reason);
      else if (shutdown !== undefined && !this.#closed) {
        this.#onShutdown = () => controller.abort(shutdown.reason);
        shutdown.addEventListener("abort", this.#onShutdown);
      }
    }
    return this.#abort.signal;
  }

  get logger(): Logger {
    if (this.#logger === undefined) {
      const base = this.#baseLogger;
      const properties = { runId: this.runId, controller: this.controller };
      this.#logger = base.with ? base.with(properties) : base;
    }
    return this.#logger;
  }

  /** Aborts the signal (the running step timed out). */
  abortWith(reason: unknown): void {
    this.#abortReason = reason;
    this.#abort?.abort(reason);
  }

  /** The Run ended: stop listening to the shutdown signal, so long-lived signals do not leak. */
  close(): void {
    this.#closed = true;
    if (this.#onShutdown !== undefined) {
      this.#shutdown?.removeEventListener("abort", this.#onShutdown);
      this.#onShutdown = undefined;
    }
  }
}
