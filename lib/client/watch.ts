/**
 * Reading a watch response: JSON-lines decoding, `ERROR` events as typed errors, the last
 * resourceVersion, and an idle watchdog.
 *
 * @module
 */

import { KubernetesApiError } from "./api_error.ts";
import type { JSONValue, RestClient, WatchEvent } from "./contract.ts";
import { ConnectionError, WatchIdleError } from "./errors.ts";
import { JsonLinesDecoder } from "./json_lines.ts";
import type { WatchState } from "./resource_options.ts";
import type { Status } from "./status.ts";
import { timerDelay } from "./_timers.ts";

/**
 * How {@linkcode watchEvents} ends when the server closes the stream.
 *
 * @example
 * ```ts
 * import { type RestClient, type WatchEnd, watchEvents } from "@staircase/staircase/client";
 *
 * // Drain one watch stream and learn where the next one resumes.
 * async function drain(client: RestClient): Promise<WatchEnd> {
 *   const events = watchEvents(client, "/api/v1/configmaps", { querystring: new URLSearchParams() });
 *   for (let step = await events.next(); ; step = await events.next()) {
 *     if (step.done) return step.value; // { resourceVersion } of the last event seen
 *   }
 * }
 * ```
 */
export interface WatchEnd {
  /** The resourceVersion of the last object or bookmark seen. */
  resourceVersion?: string;
}

/**
 * Options of {@linkcode watchEvents}.
 *
 * @example
 * ```ts
 * import { type RestClient, watchEvents, type WatchState } from "@staircase/staircase/client";
 *
 * // Labelled ConfigMaps from a known resourceVersion; a stream silent for a minute fails.
 * async function follow(client: RestClient, resourceVersion: string): Promise<WatchState> {
 *   const state: WatchState = { resourceVersion };
 *   const querystring = new URLSearchParams({ labelSelector: "app=web", resourceVersion });
 *   for await (const event of watchEvents(client, "/api/v1/configmaps", { querystring, idleTimeoutMs: 60_000, state })) {
 *     console.log(event.type);
 *   }
 *   return state; // state.resourceVersion: where the next watch resumes
 * }
 * ```
 */
export interface WatchEventsOptions {
  /** Query parameters (`watch=true` is added). */
  querystring: URLSearchParams;
  /** Aborts the watch. */
  abortSignal?: AbortSignal;
  /**
   * A stream that delivers no *event* for this long while the caller waits for one fails with
   * {@linkcode WatchIdleError} (bytes that never complete an event do not count; time the
   * caller spends on an event does not either).
   *
   * @default {no idle timeout}
   */
  idleTimeoutMs?: number;
  /**
   * The longest event accepted, in characters; a longer one fails with `LineTooLongError`.
   *
   * @default {67108864}
   */
  maxEventLength?: number;
  /** Updated with the last resourceVersion seen. */
  state?: WatchState;
}

const EVENT_TYPES = new Set(["ADDED", "MODIFIED", "DELETED", "BOOKMARK"]);

/**
 * Watches a collection path and yields its events. `ERROR` events are thrown as
 * {@linkcode KubernetesApiError} (a too-old resourceVersion gives one for which `isGone` is
 * true). The generator returns when the server ends the stream (e.g. after `timeoutSeconds`).
 *
 * @example
 * ```ts
 * import { type RestClient, watchEvents } from "@staircase/staircase/client";
 * import type { ConfigMap } from "@staircase/staircase/apis/core/v1";
 *
 * async function printEvents(client: RestClient): Promise<void> {
 *   const querystring = new URLSearchParams({ allowWatchBookmarks: "true" });
 *   for await (const event of watchEvents<ConfigMap>(client, "/api/v1/configmaps", { querystring })) {
 *     if (event.type !== "BOOKMARK") console.log(event.type, event.object.metadata?.name);
 *   }
 * }
 * ```
 */
export async function* watchEvents<T>(
  client: RestClient,
  path: string,
  options: WatchEventsOptions,
): AsyncGenerator<WatchEvent<T>, WatchEnd, undefined> {
  const query = new URLSearchParams(options.querystring);
  query.set("watch", "true");
  const controller = new AbortController();
  const userSignal = options.abortSignal;
  if (userSignal?.aborted) throw userSignal.reason;
  const onAbort = (): void => stop(userSignal?.reason);
  userSignal?.addEventListener("abort", onAbort, { once: true });
  const idleMs = options.idleTimeoutMs;
  const state = options.state ?? {};
  let waitingSince = -1; // when the wait for the next event began; -1 while the caller has one
  let idle = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  // Stops the request and the stream directly, so stopping never depends on the transport
  // keeping its own abort wiring alive (a decorated or foreign RestClient may not).
  const stop = (reason: unknown): void => {
    controller.abort(reason);
    reader?.cancel(reason).catch(() => {});
  };
  // One timer per idle period (not per chunk): it re-arms itself for the remaining time.
  const check = (): void => {
    const now = performance.now();
    if (waitingSince >= 0 && now - waitingSince >= idleMs!) {
      idle = true;
      stop(new WatchIdleError(idleMs!));
      return;
    }
    // Capped: an early tick finds the stream still within its idle time and re-arms.
    timer = setTimeout(
      check,
      timerDelay(waitingSince >= 0 ? idleMs! - (now - waitingSince) : idleMs!),
    );
  };
  try {
    if (idleMs !== undefined && idleMs > 0) {
      waitingSince = performance.now();
      timer = setTimeout(check, timerDelay(idleMs));
    }
    let stream: ReadableStream<Uint8Array>;
    try {
      stream = await client.performRequest({
        method: "GET",
        path,
        querystring: query,
        expectStream: true,
        abortSignal: controller.signal,
      });
    } catch (err) {
      if (idle) throw new WatchIdleError(idleMs!);
      throw err;
    }
    reader = stream.getReader();
    if (controller.signal.aborted) reader.cancel(controller.signal.reason).catch(() => {});
    const decoder = new JsonLinesDecoder({ maxLineLength: options.maxEventLength });
    const batch: JSONValue[] = [];
    while (true) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      if (waitingSince < 0) waitingSince = performance.now();
      try {
        chunk = await reader.read();
      } catch (err) {
        if (idle) throw new WatchIdleError(idleMs!);
        if (userSignal?.aborted) throw userSignal.reason;
        throw new ConnectionError(
          `(watch ${path})`,
          `the stream broke: ${(err as Error).message}`,
          { cause: err },
        );
      }
      // A cancelled reader reports a plain end: say why it ended.
      if (idle) throw new WatchIdleError(idleMs!);
      if (userSignal?.aborted) throw userSignal.reason;
      if (chunk.done) decoder.flush(batch);
      else decoder.push(chunk.value, batch);
      if (batch.length > 0) waitingSince = -1;
      for (let i = 0; i < batch.length; i++) {
        yield toEvent<T>(batch[i], path, state);
      }
      batch.length = 0;
      if (chunk.done) return { resourceVersion: state.resourceVersion };
    }
  } finally {
    clearTimeout(timer);
    userSignal?.removeEventListener("abort", onAbort);
    if (reader) reader.cancel().catch(() => {});
    controller.abort();
  }
}

function toEvent<T>(raw: JSONValue, path: string, state: WatchState): WatchEvent<T> {
  const event = raw as { type?: string; object?: { metadata?: { resourceVersion?: string } } };
  if (typeof event !== "object" || event === null || typeof event.type !== "string") {
    throw new SyntaxError(`watch ${path}: a line is not a watch event`);
  }
  if (event.type === "ERROR") {
    throw new KubernetesApiError((event.object ?? {}) as Status, { method: "WATCH", path });
  }
  if (!EVENT_TYPES.has(event.type)) {
    throw new SyntaxError(`watch ${path}: unknown event type "${event.type}"`);
  }
  const rv = event.object?.metadata?.resourceVersion;
  if (rv) state.resourceVersion = rv;
  return event as WatchEvent<T>;
}
