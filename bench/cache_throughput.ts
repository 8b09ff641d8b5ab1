/**
 * Event throughput into the cache: 30,000 ConfigMap watch events (10,000 additions, then
 * modifications; ten 100-character values each) from a loopback stand-in
 * (`bench/_cache_server.ts`, its own process), through:
 *
 * - (a) staircase's informer: watcher + store (managedFields dropped, objects frozen,
 *   resourceVersion tracked), until it has observed the last event;
 * - (b) `@kubernetes/client-node`'s informer on the same stream, until its handlers have seen
 *   every event;
 * - (c) the limit: fetch, split lines, `JSON.parse`, `Map.set` (no cache semantics at all).
 *
 * Run: `deno run -A bench/cache_throughput.ts [events] [rounds]`
 *
 * @module
 */

import * as k8s from "@kubernetes/client-node";
import { HttpRestClient } from "../lib/client/http_client.ts";
import { ConfigMaps } from "../lib/apis/core/v1/mod.ts";
import { ResourceInformer } from "../lib/controller/informer.ts";
import { NAMESPACE, PATH, startServer } from "./_cache_server.ts";
import { median } from "./_stats.ts";

const EVENTS = Number(Deno.args[0] ?? 30_000);
const ROUNDS = Number(Deno.args[1] ?? 5);
const OBJECTS = Math.min(10_000, EVENTS);
const LAST = String(1000 + EVENTS - 1);

const server = await startServer("events", OBJECTS, EVENTS);

async function staircase(): Promise<void> {
  using client = new HttpRestClient({ server: server.url });
  const informer = new ResourceInformer(client, ConfigMaps, { namespace: NAMESPACE });
  const stop = new AbortController();
  const run = informer.run(stop.signal);
  await informer.waitUntilObserved(LAST);
  stop.abort();
  await run;
  if (informer.size !== OBJECTS) throw new Error(`staircase: ${informer.size} objects`);
}

async function clientNode(): Promise<void> {
  const kc = new k8s.KubeConfig();
  kc.loadFromClusterAndUser({ name: "bench", server: server.url, skipTLSVerify: true }, {
    name: "u",
  });
  const api = kc.makeApiClient(k8s.CoreV1Api);
  const informer = k8s.makeInformer(
    kc,
    PATH,
    () => api.listNamespacedConfigMap({ namespace: NAMESPACE }),
  );
  let seen = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const count = (): void => {
    if (++seen === EVENTS) done();
  };
  informer.on("add", count);
  informer.on("update", count);
  informer.on("error", () => {});
  await informer.start();
  await finished;
  await informer.stop();
}

async function limit(): Promise<void> {
  const response = await fetch(`${server.url}${PATH}?watch=true&allowWatchBookmarks=true`);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const map = new Map<string, unknown>();
  let rest = "";
  let n = 0;
  while (true) {
    const { done, value } = await reader.read();
    if (done) break;
    const lines = (rest + decoder.decode(value, { stream: true })).split("\n");
    rest = lines.pop()!;
    for (const line of lines) {
      if (!line) continue;
      const event = JSON.parse(line);
      if (event.type === "BOOKMARK") continue;
      const meta = event.object.metadata;
      map.set(`${meta.namespace}/${meta.name}`, event.object);
      n++;
    }
  }
  if (n !== EVENTS) throw new Error(`limit: ${n} events`);
}

const runs: [string, () => Promise<void>][] = [
  ["(a) staircase informer (watcher + store)", staircase],
  ["(b) @kubernetes/client-node informer", clientNode],
  ["(c) limit: fetch + split + JSON.parse + Map", limit],
];

try {
  console.log(
    `cache throughput: ${EVENTS} ConfigMap events over loopback HTTP (${OBJECTS} objects); ` +
      `median of ${ROUNDS}, rounds interleaved`,
  );
  const rates: number[][] = runs.map(() => []);
  for (const [, fn] of runs) await fn(); // warm-up
  for (let r = 0; r < ROUNDS; r++) {
    for (let i = 0; i < runs.length; i++) {
      const start = performance.now();
      await runs[i][1]();
      rates[i].push(EVENTS / ((performance.now() - start) / 1000));
    }
  }
  const medians = rates.map(median);
  runs.forEach(([name], i) =>
    console.log(
      `${name.padEnd(46)} ${Math.round(medians[i]).toLocaleString("en-US").padStart(9)} events/s`,
    )
  );
  console.log(`a/b = ${(medians[0] / medians[1]).toFixed(2)} (staircase over client-node)`);
  console.log(`a/c = ${(medians[0] / medians[2]).toFixed(2)} (share of the limit)`);
} finally {
  await server.stop();
}
