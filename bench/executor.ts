// Prints the Run executor's own cost per step for a 10-step plan of no-op steps, next to a bare
// `for` loop awaiting the same 10 functions, and their ratio (target: <= 1.5x).
//
//   deno run bench/executor.ts [runs]
//
// Figures: best and median over short interleaved rounds of back-to-back Runs.

import type { RestClient } from "../lib/client/contract.ts";
import type { RunContext } from "../lib/steps/context.ts";
import { RunExecutor } from "../lib/steps/executor.ts";
import { noModification, type StepOutcome } from "../lib/steps/outcome.ts";
import { plan } from "../lib/steps/plan.ts";
import type { Step } from "../lib/steps/step.ts";

type Resource = { metadata: { name: string } };
const STEPS = 10;
const runs = Number(Deno.args[0] ?? 100_000);

// deno-lint-ignore require-await
const noop = async (_context: RunContext<Resource>, n: number): Promise<StepOutcome<number>> =>
  noModification(n + 1);
const steps: Step<number, number, Resource>[] = Array.from(
  { length: STEPS },
  (_, i) => ({ name: `step-${i}`, run: noop }),
);

let built = plan<Resource>().initial(0);
for (const step of steps) built = built.step(step);
const thePlan = built;
const resource: Resource = { metadata: { name: "bench" } };
const client = {} as RestClient;
const context = { resource, client, runStart: 0, runId: "bare" } as RunContext<Resource>;

async function bareRun(): Promise<number> {
  let data = 0;
  for (const step of steps) {
    const outcome = await step.run(context, data);
    if (outcome.kind !== "no-modification") break;
    data = outcome.data;
  }
  return data;
}

const withTimings = new RunExecutor<Resource>({ client });
const withoutTimings = new RunExecutor<Resource>({ client, stepTimings: false });

async function timeIt(fn: () => Promise<unknown>, count: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < count; i++) await fn();
  return (performance.now() - start) * 1e6 / count / STEPS; // ns per step
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))];
}

const cases: [string, () => Promise<unknown>][] = [
  ["bare for loop", bareRun],
  ["executor (per-step timings, default)", () => withTimings.run(resource, thePlan)],
  ["executor (stepTimings: false)", () => withoutTimings.run(resource, thePlan)],
];
const samples = new Map<string, number[]>(cases.map(([name]) => [name, []]));
for (const [, fn] of cases) await timeIt(fn, 20_000); // warm-up (JIT)
// Short rounds, interleaved: background load on a shared machine hits every case alike.
const perRound = 2_000;
for (let done = 0; done < runs; done += perRound) {
  for (const [name, fn] of cases) samples.get(name)!.push(await timeIt(fn, perRound));
}

// The clock itself, for context: the executor reads performance.now() once per step.
const clockStart = performance.now();
let sink = 0;
for (let i = 0; i < 1_000_000; i++) sink += performance.now();
const clockNs = (performance.now() - clockStart) * 1e6 / 1_000_000;

const bare = samples.get("bare for loop")!;
console.log(
  `${STEPS}-step plan of no-op steps; ${runs} Runs per case in interleaved rounds of ${perRound}`,
);
console.log(`${"".padEnd(38)} ${"best".padStart(7)} ${"median".padStart(9)}   ratio best / median`);
for (const [name] of cases) {
  const ns = samples.get(name)!;
  const best = quantile(ns, 0);
  const med = quantile(ns, 0.5);
  console.log(
    `${name.padEnd(38)} ${best.toFixed(1).padStart(7)} ${med.toFixed(1).padStart(9)} ns/step` +
      `   ${(best / quantile(bare, 0)).toFixed(2)}x / ${(med / quantile(bare, 0.5)).toFixed(2)}x`,
  );
}
console.log(`performance.now() itself: ${clockNs.toFixed(1)} ns per call${sink < 0 ? "" : ""}`);
