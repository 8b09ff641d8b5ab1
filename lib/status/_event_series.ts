// Internal: the event series an EventRecorder aggregates repeats into, and the bounded
// least-recently-used cache that remembers them (the spam filter).

import type { Event } from "../apis/events.k8s.io/v1/types.ts";

/** One series: an Event and its repeats, and where its writes stand. */
export interface SeriesEntry {
  readonly key: string;
  readonly namespace: string;
  /** The Event as created (name and series are added at write time). */
  body: Event;
  /** Occurrences seen, and how many the server knows about. */
  count: number;
  written: number;
  firstObservedMs: number;
  lastObservedMs: number;
  lastWriteMs: number;
  eventName: string | undefined;
  state: "idle" | "waiting" | "queued" | "writing";
  timer: ReturnType<typeof setTimeout> | undefined;
  /** Set after a failed create: repeats are dropped until then. */
  failedUntilMs: number | undefined;
}

/** A series of one occurrence at `now`, not written yet. */
export function newSeries(key: string, namespace: string, body: Event, now: number): SeriesEntry {
  return {
    key,
    namespace,
    body,
    count: 1,
    written: 0,
    firstObservedMs: now,
    lastObservedMs: now,
    lastWriteMs: now,
    eventName: undefined,
    state: "idle",
    timer: undefined,
    failedUntilMs: undefined,
  };
}

/** The series by key, least recently used first (a Map keeps insertion order). */
export class SeriesCache {
  readonly #entries = new Map<string, SeriesEntry>();
  readonly #capacity: number;
  readonly #windowMs: number;

  /**
   * @param capacity How many series to remember.
   * @param windowMs A repeat more than this long after the previous one starts a new series.
   */
  constructor(capacity: number, windowMs: number) {
    this.#capacity = capacity;
    this.#windowMs = windowMs;
  }

  /** How many series the cache holds. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * Counts an occurrence at `now` of the series `key` when it extends a cached one.
   *
   * @returns The extended series; `"dropped"` while the backoff of its failed create lasts;
   * `undefined` when a new series must start (none cached, too old, or its create failed).
   */
  repeat(key: string, now: number): SeriesEntry | "dropped" | undefined {
    const existing = this.#entries.get(key);
    if (existing === undefined) return undefined;
    // Most recently used last.
    this.#entries.delete(key);
    this.#entries.set(key, existing);
    if (existing.failedUntilMs !== undefined && now < existing.failedUntilMs) return "dropped";
    if (existing.failedUntilMs === undefined && now - existing.lastObservedMs <= this.#windowMs) {
      existing.count++;
      existing.lastObservedMs = now;
      return existing;
    }
    this.#entries.delete(key);
    return undefined;
  }

  /**
   * Remembers a new series.
   *
   * @returns The series forgotten to stay within capacity, oldest first.
   */
  add(entry: SeriesEntry): SeriesEntry[] {
    this.#entries.set(entry.key, entry);
    const evicted: SeriesEntry[] = [];
    while (this.#entries.size > this.#capacity) {
      const oldest: SeriesEntry = this.#entries.values().next().value!;
      this.#entries.delete(oldest.key);
      evicted.push(oldest);
    }
    return evicted;
  }

  /** Whether `entry` is still the cached series of its key. */
  holds(entry: SeriesEntry): boolean {
    return this.#entries.get(entry.key) === entry;
  }

  /** Every cached series. */
  values(): IterableIterator<SeriesEntry> {
    return this.#entries.values();
  }

  /** Forgets every series. */
  clear(): void {
    this.#entries.clear();
  }
}
