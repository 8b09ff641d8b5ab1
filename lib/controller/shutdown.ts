/**
 * Graceful shutdown on process signals: the first SIGTERM or SIGINT aborts an `AbortSignal`
 * that the program shuts down with; a second one exits at once with the conventional code
 * (128 + the signal number: 130 for SIGINT, 143 for SIGTERM).
 *
 * Nothing is installed on import: listeners exist only between
 * {@linkcode handleShutdownSignals} and disposing its result.
 *
 * @module
 */

/**
 * Adds and removes process signal listeners: `Deno.addSignalListener` and
 * `Deno.removeSignalListener` by default; replace them to test code that shuts down on
 * signals without sending any.
 *
 * @example
 * ```ts
 * import { handleShutdownSignals, type SignalListeners } from "@staircase/staircase/controller";
 *
 * // Listeners a test fires by hand instead of sending the process a signal.
 * const handlers = new Map<Deno.Signal, () => void>();
 * const fake: SignalListeners = {
 *   add: (signal, handler) => void handlers.set(signal, handler),
 *   remove: (signal) => void handlers.delete(signal),
 * };
 * using shutdown = handleShutdownSignals({ listeners: fake });
 * handlers.get("SIGTERM")?.();
 * console.log(shutdown.received, shutdown.signal.aborted); // SIGTERM true
 * ```
 */
export interface SignalListeners {
  /** Starts calling `handler` when the process receives `signal`. */
  add(signal: Deno.Signal, handler: () => void): void;
  /** Stops calling `handler` for `signal`. */
  remove(signal: Deno.Signal, handler: () => void): void;
}

/**
 * Options of {@linkcode handleShutdownSignals}.
 *
 * @example
 * ```ts
 * import { handleShutdownSignals } from "@staircase/staircase/controller";
 *
 * const handlers = new Map<Deno.Signal, () => void>(); // the process's signals, fired by hand here
 * using shutdown = handleShutdownSignals({
 *   signals: ["SIGHUP"],
 *   onShutdown: (signal) => console.log(`${signal}: shutting down; again to exit at once`),
 *   exit: (code) => console.log(`exit ${code}`), // Deno.exit by default
 *   listeners: {
 *     add: (s, handler) => void handlers.set(s, handler),
 *     remove: (s) => void handlers.delete(s),
 *   },
 * });
 * handlers.get("SIGHUP")?.(); // SIGHUP: shutting down; again to exit at once
 * handlers.get("SIGHUP")?.(); // exit 129
 * console.log(shutdown.received); // SIGHUP
 * ```
 */
export interface ShutdownSignalsOptions {
  /**
   * The signals that ask for shutdown (Windows delivers only SIGINT and SIGBREAK).
   *
   * @default {["SIGTERM", "SIGINT"]} (`["SIGINT", "SIGBREAK"]` on Windows)
   */
  signals?: readonly Deno.Signal[];
  /** Called once, on the first signal, e.g. to log that shutdown started. Errors are ignored. */
  onShutdown?: (signal: Deno.Signal) => void;
  /**
   * Called on the second signal with 128 + its number (130 for SIGINT, 143 for SIGTERM).
   *
   * @default {Deno.exit}
   */
  exit?: (code: number) => void;
  /**
   * How listeners are added and removed.
   *
   * @default {{ add: Deno.addSignalListener, remove: Deno.removeSignalListener }}
   */
  listeners?: SignalListeners;
}

/**
 * The reason of the shutdown signal: which process signal asked for shutdown.
 *
 * @example
 * ```ts
 * import { ShutdownRequestedError } from "@staircase/staircase/controller";
 *
 * const reason = new ShutdownRequestedError("SIGTERM");
 * console.log(reason.name, reason.signal, reason.message); // ... SIGTERM received: shutting down
 * ```
 */
export class ShutdownRequestedError extends Error {
  /** The signal received. */
  readonly signal: Deno.Signal;

  /** Creates the error. */
  constructor(signal: Deno.Signal) {
    super(`${signal} received: shutting down`);
    this.name = "ShutdownRequestedError";
    this.signal = signal;
  }
}

/**
 * {@linkcode handleShutdownSignals} could not listen: no signals, or one this platform does
 * not deliver (the cause says which).
 *
 * @example
 * ```ts
 * import { ShutdownSignalsError } from "@staircase/staircase/controller";
 *
 * console.log(new ShutdownSignalsError("signals must not be empty").message);
 * ```
 */
export class ShutdownSignalsError extends Error {
  /** Creates the error. */
  constructor(problem: string, options?: { cause?: unknown }) {
    super(`cannot handle shutdown signals: ${problem}`, options);
    this.name = "ShutdownSignalsError";
  }
}

/**
 * What {@linkcode handleShutdownSignals} returns: the shutdown signal, and disposal that
 * removes the listeners.
 *
 * @example
 * ```ts
 * import { handleShutdownSignals, type ShutdownSignals } from "@staircase/staircase/controller";
 *
 * function describe(shutdown: ShutdownSignals): string {
 *   return shutdown.received ? `stopping on ${shutdown.received}` : "running";
 * }
 * const handlers = new Map<Deno.Signal, () => void>(); // the process's signals, fired by hand here
 * using shutdown = handleShutdownSignals({
 *   listeners: {
 *     add: (s, handler) => void handlers.set(s, handler),
 *     remove: (s) => void handlers.delete(s),
 *   },
 * });
 * console.log(describe(shutdown)); // running
 * handlers.get("SIGINT")?.();
 * console.log(describe(shutdown), shutdown.signal.reason.message); // stopping on SIGINT SIGINT received: shutting down
 * ```
 */
export interface ShutdownSignals extends Disposable {
  /** Aborts on the first signal, with a {@linkcode ShutdownRequestedError} as its reason. */
  readonly signal: AbortSignal;
  /** The first signal received, if any. */
  readonly received: Deno.Signal | undefined;
  /** Removes the listeners (also `[Symbol.dispose]`); the signal keeps its state. */
  dispose(): void;
}

/** Signal numbers that are the same on every POSIX system (and SIGBREAK, Windows only). */
const SIGNAL_NUMBERS: Partial<Record<Deno.Signal, number>> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGTERM: 15,
  SIGBREAK: 21,
};

/**
 * The conventional exit code of a process ended by `signal`: 128 + its number.
 *
 * @param signal A signal name.
 * @returns 130 for SIGINT, 143 for SIGTERM; 1 for a signal without a known number.
 *
 * @example
 * ```ts
 * import { signalExitCode } from "@staircase/staircase/controller";
 *
 * console.log(signalExitCode("SIGINT"), signalExitCode("SIGTERM")); // 130 143
 * ```
 */
export function signalExitCode(signal: Deno.Signal): number {
  const n = SIGNAL_NUMBERS[signal];
  return n === undefined ? 1 : 128 + n;
}

const denoListeners: SignalListeners = {
  add: (signal, handler) => Deno.addSignalListener(signal, handler),
  remove: (signal, handler) => Deno.removeSignalListener(signal, handler),
};

/**
 * Turns SIGTERM and SIGINT into an `AbortSignal` for graceful shutdown. The first signal aborts
 * it (and calls `onShutdown`); any second one calls `exit(128 + number)` at once, for a user
 * who does not want to wait. Dispose the result once shutdown is complete, so that a later
 * signal has its default effect (ending the process) again. (Deno's signal listeners do not
 * keep the process alive by themselves: the program ends when its work does.)
 *
 * @param options Which signals, what to do on them, and how to listen.
 * @returns The signal and its disposal.
 * @throws {ShutdownSignalsError} If `signals` is empty or holds a signal this platform cannot
 * listen for (no listener is left installed).
 *
 * @example Stop work on SIGTERM/SIGINT
 * ```ts
 * import { handleShutdownSignals } from "@staircase/staircase/controller";
 *
 * // Works until SIGTERM or SIGINT; a second signal exits at once.
 * async function main(): Promise<void> {
 *   using shutdown = handleShutdownSignals({
 *     onShutdown: (signal) => console.error(`${signal}: finishing; send it again to exit now`),
 *   });
 *   while (!shutdown.signal.aborted) {
 *     await new Promise((resolve) => setTimeout(resolve, 1_000)); // the real work
 *   }
 *   console.error("stopped cleanly");
 * }
 * ```
 */
export function handleShutdownSignals(options: ShutdownSignalsOptions = {}): ShutdownSignals {
  const signals = [
    ...new Set(
      options.signals ??
        (Deno.build.os === "windows" ? ["SIGINT", "SIGBREAK"] : ["SIGTERM", "SIGINT"]),
    ),
  ] as Deno.Signal[];
  if (signals.length === 0) throw new ShutdownSignalsError("signals must not be empty");
  const listeners = options.listeners ?? denoListeners;
  const exit = options.exit ?? ((code: number) => Deno.exit(code));
  const controller = new AbortController();
  let received: Deno.Signal | undefined;

  const handlers = new Map<Deno.Signal, () => void>();
  for (const name of signals) {
    handlers.set(name, () => {
      if (received !== undefined) {
        exit(signalExitCode(name));
        return;
      }
      received = name;
      controller.abort(new ShutdownRequestedError(name));
      try {
        options.onShutdown?.(name);
      } catch {
        // A logging callback must not stop the shutdown.
      }
    });
  }
  const added: Deno.Signal[] = [];
  const dispose = (): void => {
    for (const name of added.splice(0)) listeners.remove(name, handlers.get(name)!);
  };
  for (const name of signals) {
    try {
      listeners.add(name, handlers.get(name)!);
      added.push(name);
    } catch (error) {
      dispose();
      throw new ShutdownSignalsError(`cannot listen for ${name}`, { cause: error });
    }
  }
  return {
    signal: controller.signal,
    get received() {
      return received;
    },
    dispose,
    [Symbol.dispose]: dispose,
  };
}
