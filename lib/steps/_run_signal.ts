// Internal: the AbortSignal steps see as `context.signal`, made on a step's first use (most
// steps of a fast Run never ask for it, and a controller plus a listener cost allocations).

/** A Run's signal: aborted when the Run's step times out, and linked to the shutdown signal. */
export class RunSignal {
  readonly #controller = new AbortController();
  #shutdown: AbortSignal | undefined = undefined;
  #onShutdown: (() => void) | undefined = undefined;

  /**
   * @param shutdown The executor's and the Run's shutdown signal, if any.
   * @param abortReason Set when the Run already timed out: the signal starts aborted.
   * @param ended The Run is over: no need to listen to the shutdown signal.
   */
  constructor(shutdown: AbortSignal | undefined, abortReason: unknown, ended: boolean) {
    const controller = this.#controller;
    if (abortReason !== undefined) controller.abort(abortReason);
    else if (shutdown !== undefined) {
      if (shutdown.aborted) controller.abort(shutdown.reason);
      else if (!ended) {
        this.#shutdown = shutdown;
        this.#onShutdown = () => controller.abort(shutdown.reason);
        shutdown.addEventListener("abort", this.#onShutdown, { once: true });
      }
    }
  }

  /** The signal handed to steps. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Aborts the signal (the running step timed out). */
  abort(reason: unknown): void {
    this.#controller.abort(reason);
  }

  /** Stops listening to the shutdown signal (the Run ended), so long-lived signals do not leak. */
  dispose(): void {
    if (this.#onShutdown !== undefined) {
      this.#shutdown!.removeEventListener("abort", this.#onShutdown);
      this.#onShutdown = undefined;
    }
  }
}
