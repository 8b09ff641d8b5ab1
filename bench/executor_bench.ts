// deno bench --allow-net=127.0.0.1 bench/executor_bench.ts
//
// One iteration = one Run. `bench/executor.ts` prints the same comparisons as ratios to the bare
// loop over interleaved rounds, which is steadier on a shared machine.

import type { RestClient } from "../lib/client/contract.ts";
import type { RunContext } from "../lib/steps/context.ts";
import { RunExecutor } from "../lib/steps/executor.ts";
import { noModification, type StepOutcome } from "../lib/steps/outcome.ts";
import { plan, type PlanBuilder } from "../lib/steps/plan.ts";
import type { Step } from "../lib/steps/step.ts";

type Resource = { metadata: { name: string; uid: string; resourceVersion: string } };
const resource: Resource = { metadata: { name: "bench", uid: "0b9c", resourceVersion: "1" } };
const client = {} as RestClient;
const context = { resource, client, runStart: 0, runId: "bare" } as unknown as RunContext<
  Resource
>;
const byDefault = new RunExecutor<Resource>({ client });

function planOf(steps: Step<Resource, number, number>[]): PlanBuilder<Resource, number> {
  let built: PlanBuilder<Resource, number> = plan<Resource>().initial(0);
  for (const step of steps) built = built.step(step);
  return built;
}

async function bare(steps: Step<Resource, number, number>[]): Promise<void> {
  let data = 0;
  for (const step of steps) {
    const outcome = await step.run(context, data);
    if (outcome.kind !== "no-modification") break;
    data = outcome.data;
  }
}

// deno-lint-ignore require-await
const noop = async (_context: RunContext<Resource>, n: number): Promise<StepOutcome<number>> =>
  noModification(n + 1);
const noopSteps = Array.from({ length: 10 }, (_, i) => ({ name: `step-${i}`, run: noop }));
const noopPlan = planOf(noopSteps);

Deno.bench("bare for loop, 10 no-op steps", { group: "no-op", baseline: true }, async () => {
  await bare(noopSteps);
});
Deno.bench("executor, 10 no-op steps", { group: "no-op" }, async () => {
  await byDefault.run(resource, noopPlan);
});

const server = Deno.serve(
  { hostname: "127.0.0.1", port: 0, onListen: () => {} },
  () => Response.json({ kind: "ConfigMap" }),
);
const url = `http://127.0.0.1:${server.addr.port}/api/v1/namespaces/default/configmaps/web`;
const httpSteps: Step<Resource, number, number>[] = [{
  name: "read-config-map",
  run: async (_context, n) => {
    await (await fetch(url)).json();
    return noModification(n + 1);
  },
}];
const httpPlan = planOf(httpSteps);

Deno.bench("bare for loop, 1 HTTP step", { group: "http", baseline: true }, async () => {
  await bare(httpSteps);
});
Deno.bench("executor, 1 HTTP step", { group: "http" }, async () => {
  await byDefault.run(resource, httpPlan);
});

globalThis.addEventListener("unload", () => server.shutdown());
