// deno bench bench/event_recorder_bench.ts
//
// The cost of EventRecorder.record() on the caller's side (the step's), beside a bare Map
// increment: a repeat of a hot series (no request: the count goes up in memory) and a new
// Event (queued for one background create against an in-memory client).

import type { RestClient } from "../lib/client/contract.ts";
import { EventRecorder } from "../lib/status/event_recorder.ts";

const client = {
  performRequest: (req: { bodyJson?: unknown }) => Promise.resolve(req.bodyJson ?? {}),
} as unknown as RestClient;
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const regarding = { apiVersion: "v1", kind: "ConfigMap", name: "web", namespace: "prod", uid: "u" };
const event = {
  type: "Normal",
  reason: "Synced",
  action: "Reconcile",
  note: "in sync",
  regarding,
} as const;

const counts = new Map<string, number>();
Deno.bench("bare Map increment (baseline)", { group: "record", baseline: true }, () => {
  const key = JSON.stringify([regarding.uid, event.reason, event.note]);
  counts.set(key, (counts.get(key) ?? 0) + 1);
});

const hot = new EventRecorder(client, {
  reportingController: "example.com/bench",
  reportingInstance: "bench-0",
  seriesUpdateIntervalMs: 3_600_000,
  logger: silent,
});
Deno.bench("record(): a repeat of a hot series", { group: "record" }, () => {
  hot.record(event);
});

const fresh = new EventRecorder(client, {
  reportingController: "example.com/bench",
  reportingInstance: "bench-0",
  maxQueuedWrites: 1_000_000,
  logger: silent,
});
let i = 0;
Deno.bench(
  "record(): a new Event each time (LRU insert + queued create)",
  { group: "record" },
  () => {
    fresh.record({ ...event, note: `n${i++}` });
  },
);
