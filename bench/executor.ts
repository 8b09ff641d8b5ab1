// The Run executor's cost per step for a 10-step plan of no-op steps, next to a bare `for` loop
// awaiting the same 10 functions (issue 2). Target: the executor takes at most 1.5x the bare
// loop's time per step.
//
//   deno run bench/executor.ts [rounds]
//
// Method: short rounds of back-to-back Runs, all cases interleaved in every round so background
// load on a shared machine hits them alike; each figure is the median over the rounds, and each
// ratio is the median of the per-round ratios. It also prints what one clock reading costs: with
// per-step timings (the default) the executor reads performance.now() once per step boundary
// (11 readings for 10 steps), so the clock alone sets a floor under the default row.

import type { RestClient } from "../lib/client/contract.ts";
import type { RunContext } from "../lib/steps/context.ts";
import { RunExecutor } from "../lib/steps/executor.ts";
import { noModification, type StepOutcome } from "../lib/steps/outcome.ts";
import { plan, type PlanBuilder } from "../lib/steps/plan.ts";
import type { Step } from "../lib/steps/step.ts";

type Resource = { metadata: { name: string; uid: string; resourceVersion: string } };
const TARGET = 1.5;
const STEPS = 10;
const rounds = Number(Deno.args[0] ?? 300);
const RUNS_PER_ROUND = 2_000;
const CLOCK_READS_PER_ROUND = 50_000;

// deno-lint-ignore require-await
const noop = async (_context: RunContext<Resource>, n: number): Promise<StepOutcome<number>> =>
  noModification(n + 1);
const resource: Resource = { metadata: { name: "bench", uid: "u", resourceVersion: "1" } };
const client = {} as RestClient;
const context = { resource, client, runStart: 0, runId: "bare" } as unknown as RunContext<Resource>;
const withTimings = new RunExecutor<Resource>({ client, stepTimings: true });
const withoutTimings = new RunExecutor<Resource>({ client, stepTimings: false });

const steps: Step<Resource, number, number>[] = Array.from(
  { length: STEPS },
  (_, i) => ({ name: `step-${i}`, run: noop }),
);
let built: PlanBuilder<Resource, number> = plan<Resource>().initial(0);
for (const step of steps) built = built.step(step);
const thePlan = built;

async function bareLoop(): Promise<number> {
  let data = 0;
  for (const step of steps) {
    const outcome = await step.run(context, data);
    if (outcome.kind !== "no-modification") break;
    data = outcome.data;
  }
  return data;
}

interface Case {
  readonly label: string;
  readonly fn: () => Promise<unknown>;
  readonly samples: number[];
}
const bare: Case = { label: "bare for loop", fn: bareLoop, samples: [] };
const timed: Case = {
  label: "executor, per-step timings (default)",
  fn: () => withTimings.run(resource, thePlan),
  samples: [],
};
const untimed: Case = {
  label: "executor, stepTimings: false",
  fn: () => withoutTimings.run(resource, thePlan),
  samples: [],
};
const cases = [bare, timed, untimed];

/** ns per step of one round of back-to-back Runs. */
async function round(c: Case): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < RUNS_PER_ROUND; i++) await c.fn();
  return (performance.now() - start) * 1e6 / RUNS_PER_ROUND / STEPS;
}

let sink = 0;
/** ns per performance.now() call. */
function clockRound(): number {
  const start = performance.now();
  for (let i = 0; i < CLOCK_READS_PER_ROUND; i++) sink += performance.now();
  return (performance.now() - start) * 1e6 / CLOCK_READS_PER_ROUND;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

// Warm-up, so every case runs optimised code before we measure.
for (let i = 0; i < 5; i++) for (const c of cases) await round(c);
clockRound();

const clockSamples: number[] = [];
for (let r = 0; r < rounds; r++) {
  for (const c of cases) c.samples.push(await round(c));
  clockSamples.push(clockRound());
}

const ratioOf = (c: Case) => median(c.samples.map((ns, r) => ns / bare.samples[r]));
const clockNs = median(clockSamples);
const bareNs = median(bare.samples);
// Per step, the default executor reads the clock (STEPS + 1) / STEPS times.
const clockPerStep = (STEPS + 1) / STEPS;
const ns = (value: number) => value.toFixed(1).padStart(7);
const row = (label: string, value: number, ratio: number | undefined, verdict: string) =>
  console.log(
    `${label.padEnd(44)}${ns(value)}  ${
      ratio === undefined ? "".padStart(6) : `${ratio.toFixed(2)}x`.padStart(6)
    }  ${verdict}`.trimEnd(),
  );
const verdict = (ratio: number) => ratio <= TARGET ? "target met" : "target NOT met";

console.log(
  `${STEPS}-step plan of no-op steps; median of ${rounds} interleaved rounds of ` +
    `${RUNS_PER_ROUND} Runs per case.`,
);
console.log(`Target: the executor takes <= ${TARGET}x the bare loop's time per step.`);
console.log(`${"".padEnd(44)}ns/step   ratio`);
row(bare.label, bareNs, 1, "(baseline)");
for (const c of [timed, untimed]) {
  const ratio = ratioOf(c);
  row(c.label, median(c.samples), ratio, verdict(ratio));
}
console.log(
  "What the clock costs (the default row reads performance.now() once per step boundary):",
);
row("one performance.now() reading (ns/read)", clockNs, undefined, "");
row(
  `clock share of the default row (${STEPS + 1} reads)`,
  clockPerStep * clockNs,
  clockPerStep * clockNs / bareNs,
  "of the bare loop's whole step",
);
// Estimate only: a reading inside the loop may cost a little more or less than in isolation.
const logic = timed.samples.map((v, r) => v - clockPerStep * clockSamples[r]);
row(
  "default row minus its clock reads (estimate)",
  median(logic),
  median(logic.map((v, r) => v / bare.samples[r])),
  "executor logic with timings on",
);
if (sink < 0) console.log(sink); // keeps the clock loop from being optimised away
