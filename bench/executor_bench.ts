// deno bench bench/executor_bench.ts
//
// One iteration = one Run of a 10-step plan of no-op steps. Divide by 10 for the cost per step;
// `bench/executor.ts` prints the per-step figures, the ratios to the bare loop and the clock
// share directly.
// deno-lint-ignore-file require-await

import type { RestClient } from "../lib/client/contract.ts";
import type { RunContext } from "../lib/steps/context.ts";
import { RunExecutor } from "../lib/steps/executor.ts";
import { noModification, type StepOutcome } from "../lib/steps/outcome.ts";
import { plan } from "../lib/steps/plan.ts";
import type { Step } from "../lib/steps/step.ts";

type Resource = { metadata: { name: string; uid: string; resourceVersion: string } };
const noop = async (_context: RunContext<Resource>, n: number): Promise<StepOutcome<number>> =>
  noModification(n + 1);
const steps: Step<Resource, number, number>[] = Array.from(
  { length: 10 },
  (_, i) => ({ name: `step-${i}`, run: noop }),
);
let built = plan<Resource>().initial(0);
for (const step of steps) built = built.step(step);
const thePlan = built;
const resource: Resource = { metadata: { name: "bench", uid: "u", resourceVersion: "1" } };
const client = {} as RestClient;
const context = { resource, client, runStart: 0, runId: "bare" } as unknown as RunContext<Resource>;
const withTimings = new RunExecutor<Resource>({ client, stepTimings: true });
const withoutTimings = new RunExecutor<Resource>({ client, stepTimings: false });

Deno.bench("bare for loop, 10 no-op steps", { group: "run", baseline: true }, async () => {
  let data = 0;
  for (const step of steps) {
    const outcome = await step.run(context, data);
    if (outcome.kind !== "no-modification") break;
    data = outcome.data;
  }
});

Deno.bench("executor, 10 no-op steps (per-step timings)", { group: "run" }, async () => {
  await withTimings.run(resource, thePlan);
});

Deno.bench("executor, 10 no-op steps (stepTimings: false)", { group: "run" }, async () => {
  await withoutTimings.run(resource, thePlan);
});

// What the default executor pays per step boundary for its timings.
Deno.bench("one performance.now() reading", { group: "clock" }, () => {
  performance.now();
});
