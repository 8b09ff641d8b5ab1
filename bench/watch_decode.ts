/**
 * Watch decoding speed: 10,000 realistic (~2 KB) Pod events served over loopback HTTP (from a
 * separate process, so serving costs the measured process nothing), read by
 * (a) staircase's `ResourceClient.watch`, (b) the raw limit on the same bytes (fetch, split
 * lines, `JSON.parse`) and (c) `@kubernetes/client-node`'s `Watch`. A last line measures
 * `JSON.parse` alone on lines already in memory: no decoder that parses every event can beat
 * it.
 *
 * Run: `deno run -A bench/watch_decode.ts [events] [rounds]`
 *
 * @module
 */

import * as k8s from "@kubernetes/client-node";
import { HttpRestClient } from "../lib/client/http_client.ts";
import { ResourceClient } from "../lib/client/resource_client.ts";
import { spawnFirstLine } from "../lib/testing/_first_line.ts";

const EVENTS = Number(Deno.args[0] ?? 10_000);
const ROUNDS = Number(Deno.args[1] ?? 7);
const PATH = "/api/v1/namespaces/bench/pods";

function pod(i: number): unknown {
  const name = `web-${i.toString(36)}-${(i * 7919).toString(36).padStart(5, "x")}`;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: "bench",
      uid: crypto.randomUUID(),
      resourceVersion: String(1000 + i),
      creationTimestamp: "2025-01-01T00:00:00Z",
      labels: { app: "web", "pod-template-hash": "5d4f8c7b9", tier: "frontend" },
      annotations: { "kubectl.kubernetes.io/restartedAt": "2025-01-01T00:00:00Z" },
      ownerReferences: [{
        apiVersion: "apps/v1",
        kind: "ReplicaSet",
        name: "web-5d4f8c7b9",
        uid: "9b1d4c9e-2f0a-4c6b-8d7e-1a2b3c4d5e6f",
        controller: true,
        blockOwnerDeletion: true,
      }],
      managedFields: [{
        manager: "kube-controller-manager",
        operation: "Update",
        apiVersion: "v1",
        time: "2025-01-01T00:00:00Z",
        fieldsType: "FieldsV1",
        fieldsV1: { "f:metadata": { "f:labels": { ".": {}, "f:app": {} } } },
      }],
    },
    spec: {
      containers: [{
        name: "web",
        image: "registry.example.com/web:1.2.3",
        ports: [{ containerPort: 8080, protocol: "TCP" }],
        env: [{ name: "MODE", value: "production" }, { name: "INDEX", value: String(i) }],
        resources: {
          limits: { cpu: "500m", memory: "256Mi" },
          requests: { cpu: "100m", memory: "128Mi" },
        },
        terminationMessagePath: "/dev/termination-log",
        terminationMessagePolicy: "File",
        imagePullPolicy: "IfNotPresent",
      }],
      restartPolicy: "Always",
      terminationGracePeriodSeconds: 30,
      dnsPolicy: "ClusterFirst",
      serviceAccountName: "default",
      nodeName: `node-${i % 13}`,
      schedulerName: "default-scheduler",
    },
    status: {
      phase: "Running",
      conditions: ["Initialized", "Ready", "ContainersReady", "PodScheduled"].map((type) => ({
        type,
        status: "True",
        lastProbeTime: null,
        lastTransitionTime: "2025-01-01T00:00:05Z",
      })),
      hostIP: "10.0.0.12",
      podIP: `10.244.${i % 250}.${i % 200}`,
      startTime: "2025-01-01T00:00:01Z",
      containerStatuses: [{
        name: "web",
        state: { running: { startedAt: "2025-01-01T00:00:04Z" } },
        ready: true,
        restartCount: 0,
        image: "registry.example.com/web:1.2.3",
        imageID: "registry.example.com/web@sha256:" + "ab12".repeat(16),
        containerID: "containerd://" + "cd34".repeat(16),
        started: true,
      }],
      qosClass: "Burstable",
    },
  };
}

/** The server process: prints `{port, bytes}` and serves the stream until it is killed. */
async function serve(): Promise<void> {
  const lines = Array.from(
    { length: EVENTS },
    (_, i) => JSON.stringify({ type: i % 3 === 0 ? "ADDED" : "MODIFIED", object: pod(i) }) + "\n",
  );
  const body = new TextEncoder().encode(lines.join(""));
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen({ port }) {
      console.log(JSON.stringify({ port, bytes: body.length }));
    },
    // One body: the server hands it to the socket at full speed, so the reader is what's timed.
  }, () => new Response(body, { headers: { "content-type": "application/json" } }));
  await server.finished;
}

if (Deno.args[2] === "serve") {
  await serve();
  Deno.exit(0);
}

const server = await spawnFirstLine(Deno.execPath(), [
  "run",
  "-A",
  new URL(import.meta.url).pathname,
  String(EVENTS),
  String(ROUNDS),
  "serve",
]);
const info = JSON.parse(server.firstLine) as { port: number; bytes: number };
const url = `http://127.0.0.1:${info.port}`;

async function staircase(): Promise<number> {
  using client = new HttpRestClient({ server: url });
  const pods = new ResourceClient<unknown>(client, {
    group: "",
    version: "v1",
    plural: "pods",
    kind: "Pod",
    namespaced: true,
  }, "bench");
  let n = 0;
  for await (const _ of pods.watch({ idleTimeoutMs: 30_000 })) n++;
  return n;
}

async function raw(): Promise<number> {
  const res = await fetch(`${url}${PATH}?watch=true`);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let rest = "";
  let n = 0;
  while (true) {
    const { done, value } = await reader.read();
    if (done) break;
    const parts = (rest + decoder.decode(value, { stream: true })).split("\n");
    rest = parts.pop()!;
    for (const p of parts) if (p && JSON.parse(p)) n++;
  }
  return n;
}

function clientNode(): Promise<number> {
  const kc = new k8s.KubeConfig();
  kc.loadFromClusterAndUser({ name: "bench", server: url, skipTLSVerify: true }, { name: "u" });
  const watch = new k8s.Watch(kc);
  return new Promise((resolve, reject) => {
    let n = 0;
    watch.watch(PATH, {}, () => n++, (err: unknown) => err ? reject(err) : resolve(n))
      .catch(reject);
  });
}

let lineCache: string[] | undefined;
async function parseOnly(): Promise<number> {
  lineCache ??= (await (await fetch(`${url}${PATH}`)).text()).split("\n").filter(Boolean);
  let n = 0;
  for (const line of lineCache) if (JSON.parse(line)) n++;
  return n;
}

async function measure(name: string, fn: () => Promise<number>): Promise<number> {
  await fn(); // warm-up
  const rates: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const start = performance.now();
    const n = await fn();
    const ms = performance.now() - start;
    if (n !== EVENTS) throw new Error(`${name}: got ${n} events, expected ${EVENTS}`);
    rates.push(n / (ms / 1000));
  }
  rates.sort((x, y) => x - y);
  const median = rates[Math.floor(rates.length / 2)];
  console.log(
    `${name.padEnd(38)} ${Math.round(median).toLocaleString("en-US").padStart(9)} events/s`,
  );
  return median;
}

try {
  console.log(
    `watch decode: ${EVENTS} events of ${(info.bytes / EVENTS / 1024).toFixed(2)} KiB ` +
      `(${(info.bytes / 1024 / 1024).toFixed(1)} MiB) over loopback HTTP; median of ${ROUNDS}`,
  );
  const b = await measure("(b) raw: fetch + split + JSON.parse", raw);
  const a = await measure("(a) staircase ResourceClient.watch", staircase);
  const c = await measure("(c) @kubernetes/client-node Watch", clientNode);
  const floor = await measure("JSON.parse alone, lines in memory", parseOnly);
  console.log(`a/b = ${(a / b).toFixed(2)} (target >= 0.8)`);
  console.log(`a/c = ${(a / c).toFixed(2)} (target >= 2)`);
  console.log(
    `b/c = ${(b / c).toFixed(2)}, JSON.parse alone/c = ${(floor / c).toFixed(2)} ` +
      "(the most any decoder that parses every event can reach over c)",
  );
} finally {
  await server.stop();
}
