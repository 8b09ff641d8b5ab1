// Internal: the client adaptations a Watcher sends its requests through.

import type { RequestOptions, RestClient } from "../client/contract.ts";
import { METADATA_LIST_ACCEPT, METADATA_WATCH_ACCEPT } from "./watcher_options.ts";

/**
 * A client whose requests ask for `PartialObjectMetadata` (watch) or `PartialObjectMetadataList`
 * (list) instead of full objects.
 */
export function metadataClient(client: RestClient): RestClient {
  const perform = (options: RequestOptions): Promise<unknown> =>
    client.performRequest({
      ...options,
      accept: options.querystring?.get("watch") === "true"
        ? METADATA_WATCH_ACCEPT
        : METADATA_LIST_ACCEPT,
    });
  return { performRequest: perform as RestClient["performRequest"] };
}

/**
 * A client whose response streams end as soon as the request's signal aborts, whatever the
 * transport does: a pending read of a silent stream is what the caller's abort and the idle
 * watchdog must interrupt, and a transport that loses its link to the signal (issue 8: a
 * combined signal collected by GC while the body lives) would otherwise leave the watcher
 * waiting for ever. The listener lives on the request's signal, which its owner keeps alive.
 */
export function abortableStreams(client: RestClient): RestClient {
  const perform = async (options: RequestOptions): Promise<unknown> => {
    const result: unknown = await client.performRequest(options);
    const signal = options.abortSignal;
    if (!options.expectStream || !signal || !(result instanceof ReadableStream)) return result;
    const reader = (result as ReadableStream<Uint8Array>).getReader();
    let onAbort = (): void => {};
    return new ReadableStream<Uint8Array>({
      start(controller): void {
        onAbort = (): void => {
          controller.error(signal.reason);
          reader.cancel(signal.reason).catch(() => {});
        };
        if (signal.aborted) onAbort();
        else signal.addEventListener("abort", onAbort, { once: true });
      },
      async pull(controller): Promise<void> {
        try {
          const { done, value } = await reader.read();
          if (done) {
            signal.removeEventListener("abort", onAbort);
            controller.close();
          } else {
            controller.enqueue(value);
          }
        } catch (err) {
          signal.removeEventListener("abort", onAbort);
          if (!signal.aborted) controller.error(err);
        }
      },
      cancel(reason): Promise<void> {
        signal.removeEventListener("abort", onAbort);
        return reader.cancel(reason);
      },
    }, { highWaterMark: 0 });
  };
  return { performRequest: perform as RestClient["performRequest"] };
}
