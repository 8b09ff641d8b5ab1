// The cost of telemetry per Run: the same 3-step Run (no-op steps) without an observer, with
// RunTelemetry and no SDK (the OpenTelemetry API's no-ops: what a library user pays who did not
// opt in), and with RunTelemetry on a real SDK (metrics aggregated in memory, every span
// recorded and handed to an exporter that drops it). Medians of interleaved rounds; ratios are
// medians of per-round ratios against the Run without telemetry.
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
import { RunTelemetry } from "../lib/telemetry/mod.ts";

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

const client = {} as RestClient;
const steps = plan()
  .initial(0)
  .step({ name: "read", run: (_c, n: number) => noModification(n + 1) })
  .step({ name: "compare", run: (_c, n: number) => noModification(n + 1) })
  .step({ name: "apply", run: (_c, n: number) => noModification(n + 1) });
const resource = {
  kind: "Greeting",
  metadata: { name: "a", namespace: "b", uid: "c", resourceVersion: "1" },
};

const cases = [
  { label: "no telemetry", executor: new RunExecutor({ client }), samples: [] as number[] },
  {
    label: "RunTelemetry, no SDK (API no-ops)",
    executor: new RunExecutor({ client, observer: new RunTelemetry({ controller: "bench" }) }),
    samples: [] as number[],
  },
  {
    label: "RunTelemetry, real SDK (metrics + spans)",
    executor: new RunExecutor({
      client,
      observer: new RunTelemetry({ controller: "bench", meterProvider, tracerProvider }),
    }),
    samples: [] as number[],
  },
];

async function round(executor: RunExecutor<unknown>): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < RUNS_PER_ROUND; i++) await executor.run(resource, steps);
  return (performance.now() - start) / RUNS_PER_ROUND * 1000; // µs per Run
}

for (const c of cases) await round(c.executor); // warm-up
const ratios = cases.map(() => [] as number[]);
for (let r = 0; r < rounds; r++) {
  const times = [];
  for (const c of cases) {
    const t = await round(c.executor);
    c.samples.push(t);
    times.push(t);
  }
  times.forEach((t, i) => ratios[i].push(t / times[0]));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
console.log(`Run overhead of telemetry, 3 no-op steps, ${rounds} rounds of ${RUNS_PER_ROUND} Runs`);
for (const [i, c] of cases.entries()) {
  const perRun = median(c.samples);
  const extra = perRun - median(cases[0].samples);
  console.log(
    `${c.label.padEnd(42)} ${perRun.toFixed(2).padStart(7)} µs/Run  ${
      median(ratios[i]).toFixed(2)
    }x${i === 0 ? "" : `  (+${extra.toFixed(2)} µs per Run)`}`,
  );
}
await meterProvider.shutdown();
await tracerProvider.shutdown();
