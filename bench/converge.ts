/**
 * Converging custom resources: the staircase controller beside a bare script making exactly
 * the same writes. Not a timed test: it prints figures as ratios.
 *
 * ```sh
 * deno run -A bench/converge.ts [--count 1000] [--rounds 3] [--concurrency 16]
 * ```
 *
 * Workload (the issue's, and the one the prior-art figures were measured with): N Greetings
 * created before the operator starts; per Greeting three writes, one per Run: create a child
 * ConfigMap with an owner reference, annotate the Greeting, merge-patch its status. The bare
 * script LISTs the Greetings and makes the same three writes per Greeting with the same number
 * of workers. Rounds interleave the two; medians are printed.
 *
 * @module
 */

import { parseArgs } from "node:util";
import {
  type HttpRestClient,
  kubeConfigClient,
  ResourceClient,
  type RestClient,
} from "../lib/client/mod.ts";
import { decorateRestClient } from "../lib/client/decorate.ts";
import { Controller, Operator, relevantChange, SharedInformers } from "../lib/controller/mod.ts";
import { installGreetingCrd } from "../tests/delivery/_greeting.ts";
import { ensureControlPlaneAssets, startControlPlane } from "../lib/testing/mod.ts";
import type { Greeting } from "../examples/greeting/api/demo.staircase.dev/v1/mod.ts";
import {
  childName,
  ConfigMaps,
  Greetings,
  SEEN,
  threeStepReconciler,
} from "../tests/controller/_three_steps.ts";
import { median } from "./_stats.ts";

const args = parseArgs({
  args: Deno.args,
  options: {
    count: { type: "string", default: "1000" },
    rounds: { type: "string", default: "3" },
    concurrency: { type: "string", default: "16" },
    "initial-state": { type: "string", default: "watch-list" },
  },
}).values;
const COUNT = Number(args.count);
const ROUNDS = Number(args.rounds);
const CONCURRENCY = Number(args.concurrency);
const INITIAL_STATE = args["initial-state"] === "list" ? "list" : "watch-list";

/** Counts requests by kind: GET, LIST, WATCH, and writes by method. */
function counting(inner: RestClient): { client: RestClient; counts: Map<string, number> } {
  const counts = new Map<string, number>();
  const client = decorateRestClient(inner, (options, next) => {
    const watch = options.querystring?.get("watch") === "true";
    const list = options.method === "GET" && !watch &&
      /\/(greetings|configmaps)$/.test(options.path);
    const kind = watch ? "WATCH" : list ? "LIST" : options.method;
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
    if (watch && Deno.env.get("DEBUG_WATCH")) {
      console.error("WATCH", options.path, options.querystring?.toString());
      return next(options).catch((e) => {
        console.error("WATCH ERR", e?.message);
        throw e;
      });
    }
    return next(options);
  });
  return { client, counts };
}

async function createNamespace(client: RestClient, name: string): Promise<void> {
  await client.performRequest({
    method: "POST",
    path: "/api/v1/namespaces",
    bodyJson: { apiVersion: "v1", kind: "Namespace", metadata: { name } },
    expectJson: true,
  });
}

async function createGreetings(client: RestClient, namespace: string): Promise<void> {
  const api = new ResourceClient(client, Greetings).namespace(namespace);
  let next = 0;
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (next < COUNT) {
      const i = next++;
      await api.create({
        apiVersion: "demo.staircase.dev/v1",
        kind: "Greeting",
        metadata: { name: `g-${i}` },
        spec: { message: `hello ${i}` },
      });
    }
  }));
}

/** The bare script: LIST, then the three writes per Greeting with CONCURRENCY workers. */
async function bare(client: RestClient, namespace: string): Promise<number> {
  const start = performance.now();
  const greetings = new ResourceClient(client, Greetings).namespace(namespace);
  const maps = new ResourceClient(client, ConfigMaps).namespace(namespace);
  const items = (await greetings.list()).items;
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < items.length) {
      const g: Greeting = items[next++];
      const name = g.metadata!.name!;
      await maps.create({
        metadata: {
          name: childName(g),
          ownerReferences: [{
            apiVersion: Greetings.apiVersion,
            kind: "Greeting",
            name,
            uid: g.metadata!.uid!,
            controller: true,
          }],
        },
        data: { message: g.spec?.message ?? "" },
      });
      await greetings.patch(name, { metadata: { annotations: { [SEEN]: "true" } } }, {
        type: "merge",
      });
      await greetings.patchStatus(name, { status: { ready: true, configMap: childName(g) } }, {
        type: "merge",
      });
    }
  }));
  return performance.now() - start;
}

/** The operator: starts, converges every Greeting, stops. */
async function operator(
  client: RestClient,
  namespace: string,
): Promise<{ ms: number; runs: number }> {
  const start = performance.now();
  let done = 0;
  let runs = 0;
  let resolve!: () => void;
  const converged = new Promise<void>((r) => resolve = r);
  const controller = new Controller<Greeting>({
    resource: Greetings,
    reconciler: threeStepReconciler(),
    client,
    namespace,
    concurrency: CONCURRENCY,
    predicate: relevantChange(),
    onRun: (run) => {
      runs++;
      if (run.result.end === "in-sync" && run.writes.some((w) => w.purpose === "status")) {
        if (++done === COUNT) resolve();
      }
    },
  }).owns(ConfigMaps);
  const stop = new AbortController();
  const running = new Operator({
    informers: new SharedInformers(client, { initialState: INITIAL_STATE }),
  }).add(controller)
    .run(stop.signal);
  await converged;
  const ms = performance.now() - start;
  // Let late events arrive: a redundant Run would show up in the counts.
  await new Promise((r) => setTimeout(r, 500));
  stop.abort();
  await running;
  return { ms, runs };
}

const assets = await ensureControlPlaneAssets({ onProgress: (line) => console.error(line) });
const cp = await startControlPlane({ assets });
const admin: HttpRestClient = await kubeConfigClient({ paths: [cp.kubeconfig.path] });
try {
  await installGreetingCrd(admin);
  const bareTimes: number[] = [];
  const operatorTimes: number[] = [];
  let last: { runs: number; counts: Map<string, number> } | undefined;
  for (let round = 0; round < ROUNDS; round++) {
    const bareNs = `bare-${round}`;
    const opNs = `operator-${round}`;
    await createNamespace(admin, bareNs);
    await createNamespace(admin, opNs);
    await createGreetings(admin, bareNs);
    await createGreetings(admin, opNs);
    const bareClient = await kubeConfigClient({ paths: [cp.kubeconfig.path] });
    bareTimes.push(await bare(bareClient, bareNs));
    bareClient.close();
    const opClient = await kubeConfigClient({ paths: [cp.kubeconfig.path] });
    const { client, counts } = counting(opClient);
    const result = await operator(client, opNs);
    opClient.close();
    operatorTimes.push(result.ms);
    last = { runs: result.runs, counts };
    console.error(
      `round ${round + 1}: bare ${bareTimes.at(-1)!.toFixed(0)} ms, ` +
        `operator ${result.ms.toFixed(0)} ms`,
    );
  }
  const b = median(bareTimes);
  const o = median(operatorTimes);
  const counts = last!.counts;
  const per = (n: number) => (n / COUNT).toFixed(2);
  const writes = ["POST", "PUT", "PATCH", "DELETE"].reduce(
    (sum, m) => sum + (counts.get(m) ?? 0),
    0,
  );
  const all = [...counts].filter(([k]) => k !== "WATCH").reduce((sum, [, n]) => sum + n, 0);
  console.log(
    `converge ${COUNT} Greetings, 3 writes each, concurrency ${CONCURRENCY}, initial state by ` +
      `${INITIAL_STATE} (medians of ${ROUNDS})`,
  );
  console.log(`| | converge | × bare | Runs per resource | requests per resource |`);
  console.log(`|---|---|---|---|---|`);
  console.log(
    `| bare script (LIST + 3 writes each) | ${(b / 1000).toFixed(2)} s | 1.00 | – | ${
      per(3 * COUNT + 1)
    } |`,
  );
  console.log(
    `| staircase controller | ${(o / 1000).toFixed(2)} s | ${(o / b).toFixed(2)} | ${
      per(last!.runs)
    } | ` +
      `${per(all)} (writes ${per(writes)}, GET ${per(counts.get("GET") ?? 0)}, ` +
      `LIST ${counts.get("LIST") ?? 0}, watches ${counts.get("WATCH") ?? 0}) |`,
  );
} finally {
  admin.close();
  await cp.stop();
}
