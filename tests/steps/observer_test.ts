// The RunObserver seam: the around-step hook, Runs whose plan failed, and when per-step timings
// are taken.

import assert from "node:assert/strict";
import { AsyncLocalStorage } from "node:async_hooks";
import {
  modified,
  noModification,
  plan,
  PlanFailedError,
  RunExecutor,
  type RunExecutorOptions,
  type RunResult,
  StepFailedError,
} from "../../lib/steps/mod.ts";
import { RecordingLogger, serverMetadata, unusedClient } from "./_helpers.ts";

type Res = { metadata: { name: string }; spec: { n: number }; status?: { phase?: string } };
const resource = (): Res => ({ metadata: serverMetadata(), spec: { n: 1 } });
const executor = (extra: Partial<RunExecutorOptions<Res>> = {}) =>
  new RunExecutor<Res>({ client: unusedClient, logger: new RecordingLogger(), ...extra });
const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test("aroundStep wraps each step: the step's own work runs inside the hook's context", async () => {
  const span = new AsyncLocalStorage<string>();
  const seenInside: (string | undefined)[] = [];
  const order: string[] = [];
  const step = (name: string) => ({
    name,
    run: async (_context: unknown, n: number) => {
      await tick(1); // the step's own request, after an await
      seenInside.push(span.getStore());
      order.push(`run ${name}`);
      return noModification(n + 1);
    },
  });
  const result = await executor({
    observer: {
      aroundStep: (info, _context, next) => {
        order.push(`enter ${info.name}#${info.index}`);
        return span.run(`span:${info.name}`, () => next().finally(() => order.push("exit")));
      },
    },
  }).run(resource(), plan<Res>().initial(0).step(step("a")).step(step("b")));
  assert.equal(result.end, "in-sync");
  assert.deepEqual(seenInside, ["span:a", "span:b"]);
  assert.deepEqual(order, ["enter a#0", "run a", "exit", "enter b#1", "run b", "exit"]);
});

Deno.test("aroundStep cannot change the Run: its result is ignored, its failures are logged", async () => {
  const logger = new RecordingLogger();
  const trace: string[] = [];
  const p = plan<Res>()
    .initial(0)
    .step({ name: "a", run: (_c, n) => (trace.push("a"), noModification(n + 1)) })
    .step({ name: "b", run: (_c, n) => (trace.push("b"), noModification(n + 1)) })
    .step({ name: "c", run: () => (trace.push("c"), modified({ message: "changed" })) });
  const result = await executor({
    logger,
    observer: {
      aroundStep: async (info, _context, next) => {
        if (info.name === "a") return { kind: "modified" }; // never calls next()
        if (info.name === "b") throw new Error("hook broke before next()");
        await next();
        throw new Error("hook broke after next()");
      },
    },
  }).run(resource(), p);
  // Every step ran exactly once, and the outcomes are the steps' own.
  assert.deepEqual(trace, ["a", "b", "c"]);
  assert.equal(result.end, "modified");
  assert.equal(result.message, "changed");
  const reports = logger.records.filter((r) => /RunObserver callback failed/.test(r.message));
  assert.equal(reports.length, 3);
  assert.match(String(reports[0].properties?.error), /did not call next\(\) for step "a"/);
});

Deno.test("a step failing inside aroundStep fails the Run once, with the step's error", async () => {
  const logger = new RecordingLogger();
  const cause = new Error("403 Forbidden");
  const result = await executor({
    logger,
    observer: { aroundStep: (_info, _context, next) => next() },
  }).run(resource(), plan<Res>().step({ name: "boom", run: () => Promise.reject(cause) }));
  assert.equal(result.end, "failed");
  assert.ok(result.error instanceof StepFailedError);
  assert.equal(result.error.cause, cause);
  await tick(1);
  assert.equal(
    logger.records.filter((r) => /RunObserver callback failed/.test(r.message)).length,
    0,
    "passing the step's own rejection through is not a hook failure",
  );
});

Deno.test("the observer hears of a Run whose plan failed, with the controller's name", async () => {
  const failed: [RunResult, string][] = [];
  const finished: RunResult[] = [];
  const cause = new Error("spec.size missing");
  const result = await executor({
    controller: "foo-controller",
    observer: {
      onPlanFailed: (r, res) => failed.push([r, res.metadata.name]),
      onRunFinished: (r) => finished.push(r),
    },
  }).reconcile(resource(), {
    plan: () => {
      throw cause;
    },
  });
  assert.equal(result.end, "failed");
  assert.equal(result.controller, "foo-controller");
  assert.ok(result.error instanceof PlanFailedError);
  assert.equal(result.error.cause, cause);
  assert.equal(failed.length, 1);
  assert.equal(failed[0][0], result);
  assert.equal(failed[0][1], "web");
  assert.equal(finished.length, 0);
});

Deno.test("per-step timings: off by default, on for observers that consume them or when asked", async () => {
  const p = plan<Res>().step({
    name: "slow",
    run: async () => {
      await tick(5);
      return noModification(undefined);
    },
  });
  const plain = await executor().run(resource(), p);
  assert.ok(Number.isNaN(plain.steps[0].durationMs));
  // The Run's own duration is measured either way.
  assert.ok(plain.durationMs >= 4, `${plain.durationMs}`);
  let runDuration = NaN;
  const finished = await executor({
    observer: { onRunFinished: (r) => runDuration = r.durationMs },
  }).run(resource(), p);
  assert.ok(finished.durationMs >= 4, `${finished.durationMs}`);
  assert.equal(runDuration, finished.durationMs);

  const durations: number[] = [];
  const observed = await executor({
    observer: { onStepFinished: (step) => durations.push(step.durationMs) },
  }).run(resource(), p);
  assert.ok(observed.steps[0].durationMs >= 4, `${observed.steps[0].durationMs}`);
  assert.equal(durations[0], observed.steps[0].durationMs);

  const asked = await executor({ stepTimings: true }).run(resource(), p);
  assert.ok(asked.steps[0].durationMs >= 4);
  const refused = await executor({
    stepTimings: false,
    observer: { onStepFinished: () => {} },
  }).run(resource(), p);
  assert.ok(Number.isNaN(refused.steps[0].durationMs));
});
