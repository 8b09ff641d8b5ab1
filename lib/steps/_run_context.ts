// Internal: the RunContext implementation handed to steps.

import type { RestClient } from "../client/contract.ts";
import type { RunContext } from "./context.ts";
import type { Logger } from "./logger.ts";

/** What the context needs from its Run. */
export interface ContextOwner {
  /** The Run's signal, made on first use. */
  signal(): AbortSignal;
  /** The executor's logger. */
  readonly baseLogger: Logger;
}

// Run ids: a random per-process prefix and a counter (cheaper than a UUID per Run). 64 random
// bits make two processes (or two copies of this module) picking the same prefix negligible.
const ID_PREFIX =
  Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, "0"))
    .join("") + "-";
let idSeq = 0;

/** A fresh Run id: unique within the process, and across processes in all likelihood. */
export function nextRunId(): string {
  return ID_PREFIX + ++idSeq;
}

/** Reserves a Run id number; the string is built only if someone reads it. */
function reserveRunId(): number {
  return ++idSeq;
}

export class Context<R> implements RunContext<R> {
  readonly resource: R;
  readonly client: RestClient;
  readonly runStart: number;
  readonly #run: ContextOwner;
  #id: string | undefined;
  readonly #seq: number;
  #logger: Logger | undefined;

  constructor(
    run: ContextOwner,
    resource: R,
    client: RestClient,
    runStart: number,
    id: string | undefined,
  ) {
    this.#run = run;
    this.resource = resource;
    this.client = client;
    this.runStart = runStart;
    this.#id = id;
    this.#seq = id === undefined ? reserveRunId() : 0;
  }

  get runId(): string {
    return this.#id ??= ID_PREFIX + this.#seq;
  }

  // Made on first use: most steps never touch them, and both cost an allocation.
  get signal(): AbortSignal {
    return this.#run.signal();
  }

  get logger(): Logger {
    if (this.#logger === undefined) {
      const base = this.#run.baseLogger;
      this.#logger = base.with ? base.with({ runId: this.runId }) : base;
    }
    return this.#logger;
  }
}
