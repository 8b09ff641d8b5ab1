// Internal: one best-effort status write, settled by the writer or by the watchdog's timeout.

import type { StatusWriteOptions, StatusWriter } from "./status_writer.ts";

/**
 * Calls `writer.write` and settles with `[failed, cause]`: when the write settles, or when the
 * function handed to `onExpire` is called (the watchdog's timeout), whichever comes first.
 * Never rejects, also when `write` throws synchronously.
 */
export function attemptStatusWrite<R>(
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
