// The cost of telemetry per Run: the same 3-step Run without an observer, with
// RunTelemetry and no SDK (the OpenTelemetry API's no-ops: what a library user pays who did not
// opt in), and with RunTelemetry on a real SDK (metrics aggregated in memory, every span
// recorded and handed to an exporter that drops it). Two workloads: no-op steps (the pure
// overhead) and realistic steps that each make one loopback HTTP request through a
// tracingClient (a span per request too). Medians of interleaved rounds; ratios are medians of
// per-round ratios against the Run without telemetry.
//
//   deno run -A bench/telemetry.ts [rounds]

import { MeterProvider, MetricReader } from "@opentelemetry/sdk-metrics";
import {
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanExporter,
  TracerProvider,
} from "@opentelemetry/sdk-trace";
import type { RestClient } from "../lib/client/contract.ts";
import { RunExecutor } from "../lib/steps/executor.ts";
import { noModification } from "../lib/steps/outcome.ts";
import { plan } from "../lib/steps/plan.ts";
import { RunTelemetry, tracingClient } from "../lib/telemetry/mod.ts";
import { median } from "./_stats.ts";

const rounds = Number(Deno.args[0] ?? 40);
const RUNS_PER_ROUND = 2_000;

class Reader extends MetricReader {
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}
const dropSpans: SpanExporter = {
  export: (_spans: ReadableSpan[], done) => done({ code: 0 }), // 0: ExportResultCode.SUCCESS
  shutdown: () => Promise.resolve(),
};
const meterProvider = new MeterProvider({ readers: [new Reader()] });
const tracerProvider = new TracerProvider({
  spanProcessors: [new SimpleSpanProcessor({ exporter: dropSpans })],
});

const server = Deno.serve(
  { hostname: "127.0.0.1", port: 0, onListen() {} },
  () => new Response("{}", { headers: { "content-type": "application/json" } }),
);
const base = `http://127.0.0.1:${server.addr.port}`;
const http: RestClient = {
  performRequest: (async (options: { path: string }) => {
    const response = await fetch(base + options.path);
    return await response.json();
  }) as RestClient["performRequest"],
};
const resource = {
  kind: "Greeting",
  metadata: { name: "a", namespace: "b", uid: "c", resourceVersion: "1" },
};

type Steps = ReturnType<typeof noopSteps>;
function noopSteps() {
  return plan()
    .initial(0)
    .step({ name: "read", run: (_c, n: number) => noModification(n + 1) })
    .step({ name: "compare", run: (_c, n: number) => noModification(n + 1) })
    .step({ name: "apply", run: (_c, n: number) => noModification(n + 1) });
}
function requestSteps(): Steps {
  const request = async (client: RestClient, n: number) => {
    await client.performRequest({ method: "GET", path: "/x", expectJson: true });
    return noModification(n + 1);
  };
  return plan()
    .initial(0)
    .step({ name: "read", run: (c, n: number) => request(c.client, n) })
    .step({ name: "compare", run: (c, n: number) => request(c.client, n) })
    .step({ name: "apply", run: (c, n: number) => request(c.client, n) });
}

interface Case {
  label: string;
  executor: RunExecutor<unknown>;
  samples: number[];
}
function casesFor(client: RestClient, traced: RestClient): Case[] {
  return [
    { label: "no telemetry", executor: new RunExecutor({ client }), samples: [] },
    {
      label: "RunTelemetry, no SDK (API no-ops)",
      executor: new RunExecutor({
        client: tracingClient(client),
        observer: new RunTelemetry({ controller: "bench" }),
      }),
      samples: [],
    },
    {
      label: "RunTelemetry, real SDK (metrics + spans)",
      executor: new RunExecutor({
        client: traced,
        observer: new RunTelemetry({ controller: "bench", meterProvider, tracerProvider }),
      }),
      samples: [],
    },
  ];
}

async function measure(title: string, steps: Steps, cases: Case[], runs: number): Promise<void> {
  const round = async (executor: RunExecutor<unknown>): Promise<number> => {
    const start = performance.now();
    for (let i = 0; i < runs; i++) await executor.run(resource, steps);
    return (performance.now() - start) / runs * 1000; // µs per Run
  };
  for (const c of cases) await round(c.executor); // warm-up
  const ratios = cases.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    const times: number[] = [];
    for (const c of cases) {
      const t = await round(c.executor);
      c.samples.push(t);
      times.push(t);
    }
    times.forEach((t, i) => ratios[i].push(t / times[0]));
  }
  console.log(`${title} (${rounds} rounds of ${runs} Runs)`);
  for (const [i, c] of cases.entries()) {
    const perRun = median(c.samples);
    const extra = perRun - median(cases[0].samples);
    console.log(
      `  ${c.label.padEnd(42)} ${perRun.toFixed(2).padStart(8)} µs/Run  ${
        median(ratios[i]).toFixed(2)
      }x${i === 0 ? "" : `  (+${extra.toFixed(2)} µs per Run)`}`,
    );
  }
}

const none = {} as RestClient;
await measure("3 no-op steps", noopSteps(), casesFor(none, none), RUNS_PER_ROUND);
await measure(
  "3 steps, one loopback HTTP request each",
  requestSteps(),
  casesFor(http, tracingClient(http, { tracerProvider })),
  RUNS_PER_ROUND / 20,
);
await meterProvider.shutdown();
await tracerProvider.shutdown();
await server.shutdown();
