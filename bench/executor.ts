// The Run executor's cost beside a bare `for` loop awaiting the same step functions (issue 9),
// in two rows:
//
// - no-op steps: a 10-step plan whose steps only return `noModification(n + 1)`; this is the
//   executor's own per-step overhead, with nothing to hide it. Target: at most 1.5x the bare
//   loop with the default settings.
// - a realistic step: a 1-step plan whose step makes one HTTP request to a loopback server and
//   reads the JSON answer, as a step calling the API server does. Target: at most 1.02x.
//
//   deno run --allow-net=127.0.0.1 bench/executor.ts [rounds]
//
// Method: short rounds of back-to-back Runs, the cases of a row interleaved in every round (in
// alternating order) so background load on a shared machine hits them alike; each ns/Run figure
// is the median over the rounds and each ratio the median of the per-round ratios.

import type { RestClient } from "../lib/client/contract.ts";
import type { RunContext } from "../lib/steps/context.ts";
import { RunExecutor } from "../lib/steps/executor.ts";
import { noModification, type StepOutcome } from "../lib/steps/outcome.ts";
import { plan, type PlanBuilder } from "../lib/steps/plan.ts";
import type { Step } from "../lib/steps/step.ts";
import { median } from "./_stats.ts";

type Resource = { metadata: { name: string; uid: string; resourceVersion: string } };
const rounds = Number(Deno.args[0] ?? 200);

const resource: Resource = { metadata: { name: "bench", uid: "0b9c", resourceVersion: "1" } };
const client = {} as RestClient;
// The bare loop hands its steps a context too (never read), as the executor does.
const context = { resource, client, runStart: 0, runId: "bare" } as unknown as RunContext<
  Resource
>;

function planOf(steps: Step<Resource, number, number>[]): PlanBuilder<Resource, number> {
  let built: PlanBuilder<Resource, number> = plan<Resource>().initial(0);
  for (const step of steps) built = built.step(step);
  return built;
}

function bareLoop(steps: Step<Resource, number, number>[]): () => Promise<unknown> {
  return async () => {
    let data = 0;
    for (const step of steps) {
      const outcome = await step.run(context, data);
      if (outcome.kind !== "no-modification") break;
      data = outcome.data;
    }
    return data;
  };
}

interface Case {
  readonly label: string;
  readonly run: () => Promise<unknown>;
  readonly samples: number[];
}

interface Row {
  readonly title: string;
  readonly target: number;
  readonly runsPerRound: number;
  readonly bare: Case;
  readonly cases: readonly Case[];
}

/** ns per Run of one round of back-to-back Runs. */
async function round(c: Case, runs: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < runs; i++) await c.run();
  return (performance.now() - start) * 1e6 / runs;
}

/** Measures `row`, prints it, and returns the default executor's extra ns per Run (median). */
async function measure(row: Row): Promise<number> {
  const all = [row.bare, ...row.cases];
  for (let i = 0; i < 5; i++) for (const c of all) await round(c, row.runsPerRound); // warm-up
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? all : [...all].reverse();
    for (const c of order) c.samples.push(await round(c, row.runsPerRound));
  }
  console.log(`\n${row.title}; median of ${rounds} rounds of ${row.runsPerRound} Runs per case.`);
  console.log(
    `Target: the executor with the default settings takes <= ${row.target}x the bare loop.`,
  );
  console.log(`${"".padEnd(46)}ns/Run   ratio`);
  const line = (c: Case, ratio: number, verdict: string) =>
    console.log(
      `${c.label.padEnd(46)}${median(c.samples).toFixed(0).padStart(6)}  ${
        `${ratio.toFixed(3)}x`.padStart(7)
      }  ${verdict}`.trimEnd(),
    );
  line(row.bare, 1, "(baseline)");
  for (const c of row.cases) {
    const ratio = median(c.samples.map((ns, r) => ns / row.bare.samples[r]));
    const verdict = c === row.cases[0] ? ratio <= row.target ? "target met" : "target NOT met" : "";
    line(c, ratio, verdict);
  }
  const first = row.cases[0].samples;
  return median(first.map((ns, r) => ns - row.bare.samples[r]));
}

// Row 1: no-op steps.
// deno-lint-ignore require-await
const noop = async (_context: RunContext<Resource>, n: number): Promise<StepOutcome<number>> =>
  noModification(n + 1);
const noopSteps = Array.from({ length: 10 }, (_, i) => ({ name: `step-${i}`, run: noop }));
const noopPlan = planOf(noopSteps);
const byDefault = new RunExecutor<Resource>({ client });
const timed = new RunExecutor<Resource>({ client, stepTimings: true });
const noopOverhead = await measure({
  title: "10-step plan of no-op steps",
  target: 1.5,
  runsPerRound: 2_000,
  bare: { label: "bare for loop", run: bareLoop(noopSteps), samples: [] },
  cases: [
    {
      label: "executor, default settings",
      run: () => byDefault.run(resource, noopPlan),
      samples: [],
    },
    {
      label: "executor, stepTimings: true",
      run: () => timed.run(resource, noopPlan),
      samples: [],
    },
  ],
});

// Row 2: one loopback HTTP request per step.
const server = Deno.serve(
  { hostname: "127.0.0.1", port: 0, onListen: () => {} },
  () => Response.json({ kind: "ConfigMap", data: { message: "hello" } }),
);
const url = `http://127.0.0.1:${server.addr.port}/api/v1/namespaces/default/configmaps/web`;
const httpSteps: Step<Resource, number, number>[] = [{
  name: "read-config-map",
  run: async (_context, n) => {
    const response = await fetch(url);
    await response.json();
    return noModification(n + 1);
  },
}];
const httpPlan = planOf(httpSteps);
const httpRow: Row = {
  title: "1-step plan whose step makes one loopback HTTP request",
  target: 1.02,
  runsPerRound: 100,
  bare: { label: "bare for loop", run: bareLoop(httpSteps), samples: [] },
  cases: [
    {
      label: "executor, default settings",
      run: () => byDefault.run(resource, httpPlan),
      samples: [],
    },
  ],
};
await measure(httpRow);
await server.shutdown();
// The HTTP row's ratio carries the noise of the loopback round trip; the executor's own cost per
// Run is what the no-op row measures, so this estimate is the steadier figure.
const requestNs = median(httpRow.bare.samples);
console.log(
  `\nEstimate: the executor's extra cost per Run of the no-op row, ${noopOverhead.toFixed(0)} ns ` +
    `for 10 steps, is ${(noopOverhead / requestNs * 100).toFixed(2)}% of one loopback request ` +
    `(${(requestNs / 1000).toFixed(0)} µs): a 1-step Run costs at most ` +
    `${(1 + noopOverhead / requestNs).toFixed(3)}x its request.`,
);
