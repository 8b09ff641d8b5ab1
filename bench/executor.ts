// Prints the Run executor's own cost per step for a 10-step plan of no-op steps, next to a bare
// `for` loop awaiting the same 10 functions, and their ratio (target: <= 1.5x). Also prints the
// marginal cost of one more step (from 40-step plans), which excludes the fixed per-Run cost
// (context, result, outer promise, watchdog registration).
//
//   deno run bench/executor.ts [runs]
//
// Figures: best and median over short interleaved rounds of back-to-back Runs, so background
// load on a shared machine hits every case alike.

import type { RestClient } from "../lib/client/contract.ts";
import type { RunContext } from "../lib/steps/context.ts";
import { RunExecutor } from "../lib/steps/executor.ts";
import { noModification, type StepOutcome } from "../lib/steps/outcome.ts";
import { plan, type PlanBuilder } from "../lib/steps/plan.ts";
import type { Step } from "../lib/steps/step.ts";

type Resource = { metadata: { name: string } };
const runs = Number(Deno.args[0] ?? 100_000);
const PER_ROUND = 2_000;

// deno-lint-ignore require-await
const noop = async (_context: RunContext<Resource>, n: number): Promise<StepOutcome<number>> =>
  noModification(n + 1);
const resource: Resource = { metadata: { name: "bench" } };
const client = {} as RestClient;
const context = { resource, client, runStart: 0, runId: "bare" } as RunContext<Resource>;
const withTimings = new RunExecutor<Resource>({ client });
const withoutTimings = new RunExecutor<Resource>({ client, stepTimings: false });

function stepsOf(count: number): Step<number, number, Resource>[] {
  return Array.from({ length: count }, (_, i) => ({ name: `step-${i}`, run: noop }));
}

function planOf(steps: Step<number, number, Resource>[]): PlanBuilder<Resource, number> {
  let built = plan<Resource>().initial(0);
  for (const step of steps) built = built.step(step);
  return built;
}

function bareLoop(steps: Step<number, number, Resource>[]): () => Promise<number> {
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

type Case = { name: string; size: number; fn: () => Promise<unknown>; samples: number[] };
const cases: Case[] = [];
for (const size of [10, 40]) {
  const steps = stepsOf(size);
  const p = planOf(steps);
  cases.push(
    { name: "bare for loop", size, fn: bareLoop(steps), samples: [] },
    {
      name: "executor (per-step timings, default)",
      size,
      fn: () => withTimings.run(resource, p),
      samples: [],
    },
    {
      name: "executor (stepTimings: false)",
      size,
      fn: () => withoutTimings.run(resource, p),
      samples: [],
    },
  );
}

async function timeIt(c: Case, count: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < count; i++) await c.fn();
  return (performance.now() - start) * 1e6 / count / c.size; // ns per step
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))];
}

for (const c of cases) await timeIt(c, 10_000); // warm-up (JIT)
for (let done = 0; done < runs; done += PER_ROUND) {
  for (const c of cases) c.samples.push(await timeIt(c, PER_ROUND));
}

const find = (name: string, size: number) => cases.find((c) => c.name === name && c.size === size)!;
const fmt = (ns: number) => ns.toFixed(1).padStart(7);
console.log(
  `10-step plan of no-op steps; ${runs} Runs per case, interleaved rounds of ${PER_ROUND}`,
);
console.log(
  `${"".padEnd(38)} ${"best".padStart(7)} ${"median".padStart(7)} ns/step   ratio best / median`,
);
const bare10 = find("bare for loop", 10).samples;
for (const c of cases.filter((c) => c.size === 10)) {
  const best = quantile(c.samples, 0);
  const med = quantile(c.samples, 0.5);
  const ratio = `${(best / quantile(bare10, 0)).toFixed(2)}x / ${
    (med / quantile(bare10, 0.5)).toFixed(2)
  }x`;
  console.log(`${c.name.padEnd(38)} ${fmt(best)} ${fmt(med)}           ${ratio}`);
}
// Marginal cost of one more step: (40-step Run - 10-step Run) / 30, from the medians.
console.log("marginal cost of one more step (40- vs 10-step plans, medians):");
const marginal = (name: string) =>
  (quantile(find(name, 40).samples, 0.5) * 40 - quantile(find(name, 10).samples, 0.5) * 10) / 30;
const bareMarginal = marginal("bare for loop");
for (const name of new Set(cases.map((c) => c.name))) {
  const m = marginal(name);
  console.log(`${name.padEnd(38)} ${fmt(m)} ns/step   ratio ${(m / bareMarginal).toFixed(2)}x`);
}

// The clock itself: the default executor reads performance.now() once per step.
const clockStart = performance.now();
let sink = 0;
for (let i = 0; i < 1_000_000; i++) sink += performance.now();
const clockNs = (performance.now() - clockStart) * 1e6 / 1_000_000;
console.log(`performance.now() itself: ${clockNs.toFixed(1)} ns per call${sink < 0 ? "!" : ""}`);
