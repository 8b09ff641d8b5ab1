// The Run executor's cost beside a bare `for` loop awaiting the same step functions (issue 9).
//
// - No-op steps: plans whose steps only return `noModification(n + 1)`, the executor's own cost
//   with nothing to hide it. Printed per step (the 40-step Run minus the 10-step Run, over the
//   30 extra steps: what each step adds) and per whole 10-step Run (which adds the fixed costs
//   of a Run: context, id, clock reading, timeout registration, result). Target: the per-step
//   overhead with the default settings at most 1.5x the bare loop's.
// - A realistic step: a 1-step plan whose step makes one HTTP request to a loopback server and
//   reads the JSON answer, as a step calling the API server does. Target: at most 1.02x. Beside
//   it, the least any executor does (a minimal wrapper: a fresh context, a promise of its own, a
//   result) and the executor without its step timeout, to show where the cost lies.
// - For comparison, the bare loop with one `setTimeout`/`clearTimeout` per step: what a per-step
//   timer would cost (the executor's timeout instead samples its Runs from one interval timer).
//
// - With `--api-server`: the realistic step against the real thing, a 1-step plan whose step GETs
//   a ConfigMap from a local kube-apiserver through the project's client (TLS over loopback).
//
//   deno run --allow-net=127.0.0.1 bench/executor.ts [rounds]
//   deno run -A bench/executor.ts [rounds] --api-server
//
// Method: short rounds of back-to-back Runs, the cases of a row interleaved in every round (in
// alternating order) so background load on a shared machine hits them alike. Each figure is the
// median over the rounds; each ratio the median of per-round ratios. (Alternating cases Run by
// Run would hide part of the executor's cost: work it leaves behind, such as garbage, would land
// in the next case's Run.)

import type { RestClient } from "../lib/client/contract.ts";
import type { RunContext } from "../lib/steps/context.ts";
import { RunExecutor } from "../lib/steps/executor.ts";
import { noModification, type StepOutcome } from "../lib/steps/outcome.ts";
import { plan, type PlanBuilder } from "../lib/steps/plan.ts";
import type { Step } from "../lib/steps/step.ts";
import { median } from "./_stats.ts";
import { ResourceClient } from "../lib/client/resource_client.ts";
import { ConfigMaps } from "../lib/apis/core/v1/mod.ts";
import { startControlPlane } from "../lib/testing/mod.ts";

type Resource = { metadata: { name: string; uid: string; resourceVersion: string } };
type BenchStep = Step<Resource, number, number>;
const apiServer = Deno.args.includes("--api-server");
const rounds = Number(Deno.args.find((arg) => !arg.startsWith("--")) ?? 200);

const resource: Resource = { metadata: { name: "bench", uid: "0b9c", resourceVersion: "1" } };
const client = {} as RestClient;
// The bare loop hands its steps a context too (never read), as the executor does.
const context = { resource, client, runStart: 0, runId: "bare" } as unknown as RunContext<
  Resource
>;

function planOf(steps: BenchStep[]): PlanBuilder<Resource, number> {
  let built: PlanBuilder<Resource, number> = plan<Resource>().initial(0);
  for (const step of steps) built = built.step(step);
  return built;
}

function bareLoop(steps: BenchStep[]): () => Promise<unknown> {
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

/**
 * The least any executor does around a 1-step plan: give the Run a fresh context (with its start
 * time and id), settle the Run through a promise of its own (so that a timeout could end it while
 * the step is pending) and hand back a result object. No checks, no timeout, no records.
 */
function minimalWrapper(step: BenchStep): () => Promise<unknown> {
  let runs = 0;
  return () =>
    new Promise((resolve) => {
      const runContext = { resource, client, runStart: Date.now(), runId: `floor-${++runs}` };
      (async () => {
        const outcome = await step.run(runContext as unknown as RunContext<Resource>, 0);
        resolve({ end: outcome.kind, steps: [] });
      })();
    });
}

function bareLoopWithTimers(steps: BenchStep[]): () => Promise<unknown> {
  const expire = () => {};
  return async () => {
    let data = 0;
    for (const step of steps) {
      const timer = setTimeout(expire, 30_000);
      const outcome = await step.run(context, data);
      clearTimeout(timer);
      if (outcome.kind !== "no-modification") break;
      data = outcome.data;
    }
    return data;
  };
}

interface Case {
  readonly label: string;
  readonly run: () => Promise<unknown>;
  /** ns per Run, one figure per round. */
  readonly samples: number[];
}

const newCase = (label: string, run: () => Promise<unknown>): Case => ({ label, run, samples: [] });

/** Rounds of `runs` back-to-back Runs per case, the cases in alternating order. */
async function measureRounds(cases: readonly Case[], runs: number): Promise<void> {
  const round = async (c: Case) => {
    const start = performance.now();
    for (let i = 0; i < runs; i++) await c.run();
    return (performance.now() - start) * 1e6 / runs;
  };
  for (let i = 0; i < 5; i++) for (const c of cases) await round(c); // warm-up
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? cases : [...cases].reverse();
    for (const c of order) c.samples.push(await round(c));
  }
}

const ratioOf = (a: readonly number[], b: readonly number[]) =>
  median(a.map((value, r) => value / b[r]));

function printRow(label: string, ns: number, ratio: number, note = ""): void {
  console.log(
    `${label.padEnd(50)}${ns.toFixed(0).padStart(7)}  ${
      `${ratio.toFixed(3)}x`.padStart(7)
    }  ${note}`
      .trimEnd(),
  );
}

const verdict = (ratio: number, target: number) =>
  ratio <= target ? `target met (<= ${target}x)` : `target NOT met (<= ${target}x)`;

// Row 1: no-op steps.
// deno-lint-ignore require-await
const noop = async (_context: RunContext<Resource>, n: number): Promise<StepOutcome<number>> =>
  noModification(n + 1);
const noopSteps = (count: number): BenchStep[] =>
  Array.from({ length: count }, (_, i) => ({ name: `step-${i}`, run: noop }));
const byDefault = new RunExecutor<Resource>({ client });
const untimed = new RunExecutor<Resource>({ client, stepTimeoutMs: Infinity });
const timed = new RunExecutor<Resource>({ client, stepTimings: true });
const short = noopSteps(10);
const long = noopSteps(40);
const shortPlan = planOf(short);
const longPlan = planOf(long);
const noopCases = [
  newCase("bare for loop", bareLoop(short)),
  newCase("bare for loop, 40 steps", bareLoop(long)),
  newCase("executor, default settings", () => byDefault.run(resource, shortPlan)),
  newCase("executor, 40 steps", () => byDefault.run(resource, longPlan)),
  newCase("executor, stepTimings: true", () => timed.run(resource, shortPlan)),
  newCase("bare for loop + a setTimeout per step", bareLoopWithTimers(short)),
];
await measureRounds(noopCases, 1_000);
const [b10, b40, e10, e40, t10, s10] = noopCases.map((c) => c.samples);
const extraSteps = long.length - short.length;
const perStep = (longer: number[], shorter: number[]) =>
  longer.map((ns, r) => (ns - shorter[r]) / extraSteps);
const bareStep = perStep(b40, b10);
const executorStep = perStep(e40, e10);

console.log(`\nNo-op steps; medians of ${rounds} rounds of 1000 Runs per case.`);
const perStepTitle =
  `Per step (${long.length}-step Run minus ${short.length}-step Run, / ${extraSteps})`;
console.log(`${perStepTitle.padEnd(50)}ns/step   ratio`);
printRow("bare for loop", median(bareStep), 1, "(baseline)");
const stepRatio = ratioOf(executorStep, bareStep);
printRow("executor, default settings", median(executorStep), stepRatio, verdict(stepRatio, 1.5));
console.log(`${"Whole 10-step Run (fixed costs of a Run included)".padEnd(50)} ns/Run   ratio`);
printRow("bare for loop", median(b10), 1, "(baseline)");
printRow("executor, default settings", median(e10), ratioOf(e10, b10));
printRow("executor, stepTimings: true", median(t10), ratioOf(t10, b10));
printRow("bare for loop + a setTimeout per step", median(s10), ratioOf(s10, b10));
const fixed = median(e10.map((ns, r) => ns - short.length * executorStep[r]));
const bareFixed = median(b10.map((ns, r) => ns - short.length * bareStep[r]));
console.log(
  `Fixed cost of a Run: executor ${fixed.toFixed(0)} ns, bare loop ${bareFixed.toFixed(0)} ns.`,
);

// Row 2: one loopback HTTP request per step.
const server = Deno.serve(
  { hostname: "127.0.0.1", port: 0, onListen: () => {} },
  () => Response.json({ kind: "ConfigMap", data: { message: "hello" } }),
);
const url = `http://127.0.0.1:${server.addr.port}/api/v1/namespaces/default/configmaps/web`;
/** Measures and prints a 1-step plan of `run` beside the bare loop (target 1.02x). */
async function oneStepRow(title: string, run: BenchStep["run"], runsPerRound: number) {
  const steps: BenchStep[] = [{ name: "read-config-map", run }];
  const built = planOf(steps);
  const cases = [
    newCase("bare for loop", bareLoop(steps)),
    newCase("minimal wrapper", minimalWrapper(steps[0])),
    newCase("executor, default settings", () => byDefault.run(resource, built)),
    newCase("executor, stepTimeoutMs: Infinity", () => untimed.run(resource, built)),
  ];
  await measureRounds(cases, runsPerRound);
  const [bare, floor, executor, noTimeout] = cases.map((c) => c.samples);
  console.log(`\n${title}; medians of ${rounds} rounds of ${runsPerRound} Runs per case.`);
  console.log(`${"".padEnd(50)} ns/Run   ratio`);
  printRow("bare for loop", median(bare), 1, "(baseline)");
  printRow("minimal wrapper (context, own promise, result)", median(floor), ratioOf(floor, bare));
  const ratio = ratioOf(executor, bare);
  printRow("executor, default settings", median(executor), ratio, verdict(ratio, 1.02));
  printRow("executor, stepTimeoutMs: Infinity", median(noTimeout), ratioOf(noTimeout, bare));
  const extra = median(executor.map((ns, r) => ns - bare[r]));
  console.log(`The executor's extra cost per Run: ${extra.toFixed(0)} ns.`);
}

await oneStepRow(
  "1-step plan whose step makes one loopback HTTP request (to a server in this process)",
  async (_context, n) => {
    const response = await fetch(url);
    await response.json();
    return noModification(n + 1);
  },
  100,
);
await server.shutdown();

// Row 3 (with --api-server): one GET from a real API server through the client.
if (apiServer) {
  await using cp = await startControlPlane({ controllerManager: false });
  using apiClient = cp.client();
  const configMaps = new ResourceClient(apiClient, ConfigMaps, "default");
  await configMaps.create({ metadata: { name: "bench" }, data: { message: "hello" } });
  await oneStepRow(
    "1-step plan whose step GETs a ConfigMap from a local kube-apiserver through the client",
    async (_context, n) => {
      await configMaps.get("bench");
      return noModification(n + 1);
    },
    50,
  );
}
