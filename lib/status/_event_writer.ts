// Internal: the API side of an EventRecorder: creates a series' Event, or patches its series.

import type { Event } from "../apis/events.k8s.io/v1/types.ts";
import { isNotFound } from "../client/api_error.ts";
import type { RestClient } from "../client/contract.ts";
import { ResourceClient } from "../client/resource_client.ts";
import { resourceType } from "../client/resource_type.ts";
import { eventNamePrefix, microTime } from "./_event_format.ts";
import type { SeriesEntry } from "./_event_series.ts";

const EventsV1 = resourceType<Event>()({
  group: "events.k8s.io",
  version: "v1",
  kind: "Event",
  plural: "events",
  namespaced: true,
});

/**
 * How a write went:
 * - `created`, `updated`: the server has the series' count;
 * - `create-failed`: its `count` occurrences are given up, and repeats are dropped for a while;
 * - `update-failed`: the count is written again next time;
 * - `expired`: the Event was gone, so the series starts anew with what it had not recorded.
 */
export type SeriesWrite =
  | { readonly outcome: "created" | "updated" | "expired" }
  | { readonly outcome: "create-failed"; readonly count: number; readonly error: unknown }
  | { readonly outcome: "update-failed"; readonly error: unknown };

/** Writes series to the `events.k8s.io/v1` API. */
export class EventWriter {
  readonly #events: ResourceClient<Event>;
  readonly #now: () => number;
  readonly #failureBackoffMs: number;

  /**
   * @param now The clock, epoch milliseconds.
   * @param failureBackoffMs How long repeats of an Event whose create failed are dropped.
   */
  constructor(client: RestClient, now: () => number, failureBackoffMs: number) {
    this.#events = new ResourceClient<Event>(client, EventsV1);
    this.#now = now;
    this.#failureBackoffMs = failureBackoffMs;
  }

  /** Creates the series' Event, or patches its series, and updates the entry to match. */
  async write(entry: SeriesEntry, abortSignal: AbortSignal): Promise<SeriesWrite> {
    const count = entry.count;
    const series = count >= 2
      ? { count, lastObservedTime: microTime(entry.lastObservedMs) }
      : undefined;
    const events = this.#events.namespace(entry.namespace);
    if (entry.eventName === undefined) {
      const name = `${eventNamePrefix(entry.body.regarding?.name)}.${
        entry.firstObservedMs.toString(16)
      }${crypto.randomUUID().slice(0, 6)}`;
      const body: Event = {
        ...entry.body,
        metadata: { name, namespace: entry.namespace },
        ...(series === undefined ? {} : { series }),
      };
      try {
        const created = await events.create(body, { abortSignal });
        entry.eventName = created?.metadata?.name ?? name;
        entry.written = count;
        entry.lastWriteMs = this.#now();
        return { outcome: "created" };
      } catch (error) {
        entry.written = count;
        entry.failedUntilMs = this.#now() + this.#failureBackoffMs;
        return { outcome: "create-failed", count, error };
      }
    }
    try {
      await events.patch(entry.eventName, { series }, { type: "merge", abortSignal });
      entry.written = count;
      entry.lastWriteMs = this.#now();
      return { outcome: "updated" };
    } catch (error) {
      entry.lastWriteMs = this.#now();
      if (isNotFound(error)) {
        // The Event expired (the API server keeps Events for an hour by default): start anew
        // with what it had not recorded yet.
        entry.eventName = undefined;
        entry.count = Math.max(1, count - entry.written);
        entry.written = 0;
        entry.firstObservedMs = this.#now();
        entry.body = { ...entry.body, eventTime: microTime(entry.firstObservedMs) };
        return { outcome: "expired" };
      }
      return { outcome: "update-failed", error };
    }
  }
}
