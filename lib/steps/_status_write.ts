// Internal: one best-effort status write, settled by the writer or by the watchdog's timeout.

import type { RunContext } from "./context.ts";
import { StatusWriteError } from "./errors.ts";
import type { StatusWriteResult } from "./run_result.ts";
import type { StatusWriteOptions, StatusWriter } from "./status_writer.ts";

/** What a status write needs from its Run. */
export interface StatusWriteHost<R> {
  readonly context: RunContext<R>;
  /** The shutdown signal, linked to the write's signal. */
  readonly shutdown: AbortSignal | undefined;
  /** Set while the write is pending: the watchdog calls it when the write timed out. */
  writeExpired: ((cause: unknown) => void) | undefined;
  /** The write's duration (starts the next lap), or NaN when untimed. */
  writeLap(): number;
  /** Logs a warning without ever throwing. */
  log(level: "warn" | "error", message: string, properties: Record<string, unknown>): void;
}

/**
 * Writes `status` for the step `stepName` (#`stepIndex`) best effort and returns the record.
 * Never rejects: a writer that throws, rejects or times out gives a failed record (logged).
 */
export async function performStatusWrite<R>(
  host: StatusWriteHost<R>,
  writer: StatusWriter<R> | undefined,
  status: object,
  stepName: string,
  stepIndex: number,
): Promise<StatusWriteResult> {
  let cause: unknown;
  let failed = true;
  if (writer === undefined) {
    cause = new Error("no StatusWriter is configured (RunExecutorOptions.statusWriter)");
  } else {
    const controller = new AbortController();
    const shutdown = host.shutdown;
    const signal = shutdown === undefined
      ? controller.signal
      : AbortSignal.any([controller.signal, shutdown]);
    const options = { signal, runId: host.context.runId, stepName };
    [failed, cause] = await attemptStatusWrite(writer, host.context.resource, status, options, (
      expire,
    ) => {
      host.writeExpired = (reason) => {
        controller.abort(reason);
        expire(reason);
      };
    });
    host.writeExpired = undefined;
  }
  const durationMs = host.writeLap();
  const error = failed ? new StatusWriteError(stepName, stepIndex, cause) : undefined;
  if (error !== undefined) {
    // Best effort by design: the next Run starts from observed state anyway.
    host.log("warn", error.message, { runId: host.context.runId, step: stepName, error: cause });
  }
  return { stepName, stepIndex, ok: !failed, durationMs, error };
}

/**
 * Calls `writer.write` and settles with `[failed, cause]`: when the write settles, or when the
 * function handed to `onExpire` is called (the watchdog's timeout), whichever comes first.
 * Never rejects, also when `write` throws synchronously.
 */
function attemptStatusWrite<R>(
  writer: StatusWriter<R>,
  resource: R,
  status: object,
  options: StatusWriteOptions,
  onExpire: (expire: (cause: unknown) => void) => void,
): Promise<[boolean, unknown]> {
  return new Promise<[boolean, unknown]>((resolve) => {
    onExpire((cause) => resolve([true, cause]));
    try {
      Promise.resolve(writer.write(resource, status, options)).then(
        () => resolve([false, undefined]),
        (error) => resolve([true, error]),
      );
    } catch (error) {
      resolve([true, error]);
    }
  });
}

/** Why a status an outcome carries cannot be written, or undefined when it can. */
export function badStatus(status: unknown): string | undefined {
  if (typeof status === "object" && status !== null && !Array.isArray(status)) return undefined;
  // A null or array status would replace the whole status in a merge patch: refuse it.
  const what = status === null ? "null" : Array.isArray(status) ? "an array" : typeof status;
  return `the outcome's status must be an object (or undefined), got ${what}`;
}
