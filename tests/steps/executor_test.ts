import assert from "node:assert/strict";
import {
  blocked,
  DEFAULT_STEP_TIMEOUT_MS,
  modified,
  noModification,
  plan,
  PlanFailedError,
  RunAbortedError,
  RunExecutor,
  runPlan,
  type RunResult,
  StepFailedError,
  type StepOutcome,
  StepTimeoutError,
} from "../../lib/steps/mod.ts";
import type { RunContext } from "../../lib/steps/context.ts";
import { pass, RecordingLogger, serverMetadata, traced, unusedClient } from "./_helpers.ts";

type Res = {
  metadata: { name: string; labels?: Record<string, string> };
  spec: { n: number };
  status?: { phase?: string };
};
const resource = (): Res => ({
  metadata: { ...serverMetadata(), labels: { a: "b" } },
  spec: { n: 1 },
});
const executor = (extra: Partial<ConstructorParameters<typeof RunExecutor<Res>>[0]> = {}) =>
  new RunExecutor<Res>({ client: unusedClient, logger: new RecordingLogger(), ...extra });

Deno.test("steps run strictly in order, one at a time, data flowing from step to step", async () => {
  const trace: string[] = [];
  let running = 0;
  const slow = (name: string) =>
    traced<Res, number, number>(trace, name, async (n) => {
      running++;
      assert.equal(running, 1, "two steps ran at once");
      await new Promise((r) => setTimeout(r, 2));
      running--;
      return noModification(n * 10 + Number(name.slice(1)));
    });
  const p = plan<Res>().initial(0).step(slow("s1")).step(slow("s2")).step(slow("s3"));
  const result = await executor({ stepTimings: true }).run(resource(), p);
  assert.deepEqual(trace, ["s1", "s2", "s3"]);
  assert.equal(result.end, "in-sync");
  assert.deepEqual(result.steps.map((s) => [s.name, s.index, s.kind]), [
    ["s1", 0, "no-modification"],
    ["s2", 1, "no-modification"],
    ["s3", 2, "no-modification"],
  ]);
  for (const step of result.steps) assert.ok(step.durationMs >= 1, `${step.name} timing`);
  assert.ok(result.durationMs >= 3);
});

Deno.test("the data chain: each step receives the previous step's output", async () => {
  const seen: unknown[] = [];
  const p = plan<Res>()
    .initial("a")
    .step({
      name: "len",
      run: (_c, s) => (seen.push(s), Promise.resolve(noModification(s.length))),
    })
    .step({ name: "obj", run: (_c, n) => (seen.push(n), Promise.resolve(noModification({ n }))) })
    .step({ name: "end", run: (_c, o) => (seen.push(o), Promise.resolve(noModification(null))) });
  await executor().run(resource(), p);
  assert.deepEqual(seen, ["a", 1, { n: 1 }]);
});

Deno.test("after a modified outcome no further step runs; the action is requeue", async () => {
  const trace: string[] = [];
  const p = plan<Res>()
    .step(pass(trace, "a"))
    .step(traced(trace, "b", () => modified({ message: "created child" })))
    .step(pass(trace, "c"));
  const result = await executor().run(resource(), p);
  assert.deepEqual(trace, ["a", "b"]);
  assert.equal(result.end, "modified");
  assert.deepEqual(result.endedBy, { name: "b", index: 1 });
  assert.equal(result.message, "created child");
  assert.deepEqual(result.action, { type: "requeue" });
  assert.deepEqual(result.steps.map((s) => s.kind), ["no-modification", "modified"]);
});

Deno.test("modified with a delay requeues after it", async () => {
  const p = plan<Res>().step(traced([], "m", () => modified({ requeueAfterMs: 250 })));
  const result = await executor().run(resource(), p);
  assert.deepEqual(result.action, { type: "requeue-after", requeueAfterMs: 250 });
});

Deno.test("blocked ends the Run: requeue after its delay, else await change (or resync)", async () => {
  const trace: string[] = [];
  const withDelay = plan<Res>()
    .step(traced(trace, "gate", () => blocked({ message: "not ready", requeueAfterMs: 5_000 })))
    .step(pass(trace, "after"));
  let result = await executor().run(resource(), withDelay);
  assert.deepEqual(trace, ["gate"]);
  assert.equal(result.end, "blocked");
  assert.equal(result.message, "not ready");
  assert.deepEqual(result.action, { type: "requeue-after", requeueAfterMs: 5_000 });

  const noDelay = plan<Res>().step(traced(trace, "gate", () => blocked({ message: "blocked" })));
  result = await executor().run(resource(), noDelay);
  assert.deepEqual(result.action, { type: "await-change" });
  result = await executor({ resyncAfterMs: 60_000 }).run(resource(), noDelay);
  assert.deepEqual(result.action, { type: "await-change", resyncAfterMs: 60_000 });
});

Deno.test("an empty plan and an all-no-modification plan are in sync", async () => {
  const empty = await executor().run(resource(), plan<Res>());
  assert.equal(empty.end, "in-sync");
  assert.equal(empty.endedBy, undefined);
  assert.deepEqual(empty.steps, []);
  assert.deepEqual(empty.action, { type: "await-change" });

  const trace: string[] = [];
  const all = plan<Res>().step(pass(trace, "x")).step(pass(trace, "y"));
  const result = await executor().run(resource(), all);
  assert.equal(result.end, "in-sync");
  assert.deepEqual(result.action, { type: "await-change" });
  assert.equal(result.error, undefined);
});

Deno.test("a configured periodic resync is carried by the in-sync action", async () => {
  const result = await executor({ resyncAfterMs: 300_000 }).run(resource(), plan<Res>());
  assert.deepEqual(result.action, { type: "await-change", resyncAfterMs: 300_000 });
});

Deno.test("a rejecting step ends the Run with a StepFailedError naming it and keeping the cause", async () => {
  const trace: string[] = [];
  const cause = new Error("403 Forbidden");
  const logger = new RecordingLogger();
  const p = plan<Res>()
    .step(pass(trace, "a"))
    .step(traced(trace, "boom", () => Promise.reject(cause)))
    .step(pass(trace, "c"));
  const result = await executor({ logger }).run(resource(), p);
  assert.deepEqual(trace, ["a", "boom"]);
  assert.equal(result.end, "failed");
  assert.ok(result.error instanceof StepFailedError);
  assert.equal(result.error.name, "StepFailedError");
  assert.equal(result.error.stepName, "boom");
  assert.equal(result.error.stepIndex, 1);
  assert.equal(result.error.cause, cause);
  assert.match(result.error.message, /"boom".*403 Forbidden/);
  assert.deepEqual(result.endedBy, { name: "boom", index: 1 });
  assert.deepEqual(result.action, { type: "retry-with-backoff", error: result.error });
  assert.equal(result.steps[1].kind, "failed");
  assert.ok(logger.records.some((r) => r.level === "warn" && r.message.includes("boom")));
});

Deno.test("a failed step keeps its measured duration", async () => {
  const p = plan<Res>().step(traced([], "slow-boom", async () => {
    await new Promise((r) => setTimeout(r, 5));
    throw new Error("late failure");
  }));
  const result = await executor({ stepTimings: true }).run(resource(), p);
  assert.equal(result.end, "failed");
  assert.equal(result.steps[0].kind, "failed");
  assert.ok(result.steps[0].durationMs >= 4, `duration ${result.steps[0].durationMs}`);
});

Deno.test("a synchronously throwing step and a non-outcome result are step failures too", async () => {
  const throwing = plan<Res>().step({
    name: "sync-throw",
    run: () => {
      throw new TypeError("bad");
    },
  });
  let result = await executor().run(resource(), throwing);
  assert.ok(result.error instanceof StepFailedError);
  assert.equal(result.error.stepName, "sync-throw");
  assert.ok(result.error.cause instanceof TypeError);

  const garbage = plan<Res>().step({
    name: "garbage",
    run: () => Promise.resolve({ kind: "nonsense" } as never),
  });
  result = await executor().run(resource(), garbage);
  assert.ok(result.error instanceof StepFailedError);
  assert.match(result.error.message, /not a StepOutcome/);

  const badDelay = plan<Res>().step({
    name: "bad-delay",
    run: () => Promise.resolve({ kind: "modified", requeueAfterMs: -1 } as const),
  });
  result = await executor().run(resource(), badDelay);
  assert.ok(result.error instanceof StepFailedError);
  assert.ok(result.error.cause instanceof RangeError);
});

Deno.test("a step that does not settle in time ends the Run with StepTimeoutError and its signal is aborted", async () => {
  const trace: string[] = [];
  let signal: AbortSignal | undefined;
  const p = plan<Res>()
    .step(pass(trace, "ok"))
    .step({
      name: "hang",
      run: (context) => {
        signal = context.signal;
        return new Promise<never>(() => {}); // never settles
      },
    })
    .step(pass(trace, "never"));
  const started = performance.now();
  const result = await executor({ stepTimeoutMs: 200, stepTimings: true }).run(resource(), p);
  const elapsed = performance.now() - started;
  assert.equal(result.end, "timed-out");
  assert.ok(result.error instanceof StepTimeoutError);
  assert.equal(result.error.stepName, "hang");
  assert.equal(result.error.timeoutMs, 200);
  assert.deepEqual(result.action, { type: "retry-with-backoff", error: result.error });
  assert.ok(signal?.aborted);
  assert.equal(signal?.reason, result.error);
  assert.deepEqual(trace, ["ok"]);
  assert.equal(result.steps[1].kind, "timed-out");
  // Never early; and late by at most a quarter (sampling) plus timer noise. The upper bound is
  // loose for a loaded machine, yet a timeout that fires ten times late (2 s) fails it.
  assert.ok(result.steps[1].durationMs >= 199, `duration ${result.steps[1].durationMs}`);
  assert.ok(elapsed >= 199, `elapsed ${elapsed}`);
  assert.ok(elapsed < 1_900, `elapsed ${elapsed}: the timeout fired far too late`);
});

Deno.test("the default per-step timeout is 30 s, and it is the one enforced", async () => {
  assert.equal(DEFAULT_STEP_TIMEOUT_MS, 30_000);
  // Waiting 30 s is too slow for a unit test: capture the sampling timer the executor arms
  // instead (four samples per timeout, so a quarter of the timeout).
  const delays: number[] = [];
  const realSetInterval = globalThis.setInterval;
  globalThis.setInterval = ((callback: () => void, delay?: number) => {
    delays.push(delay ?? 0);
    return realSetInterval(callback, delay);
  }) as typeof setInterval;
  let executorWithDefault: RunExecutor<Res>;
  let release!: () => void;
  let running: Promise<RunResult>;
  try {
    executorWithDefault = executor();
    const p = plan<Res>().step({
      name: "held",
      run: () =>
        new Promise<StepOutcome<undefined>>((resolve) =>
          release = () => resolve(noModification(undefined))
        ),
    });
    running = executorWithDefault.run(resource(), p);
  } finally {
    globalThis.setInterval = realSetInterval;
  }
  assert.equal(executorWithDefault.stepTimeoutMs, 30_000);
  assert.deepEqual(delays, [7_500]);
  release();
  assert.equal((await running).end, "in-sync");
});

Deno.test("a step that settles after its timeout is ignored", async () => {
  let release!: () => void;
  const trace: string[] = [];
  const p = plan<Res>()
    .step({
      name: "late",
      run: () =>
        new Promise<StepOutcome<undefined>>((resolve) =>
          release = () => resolve(noModification(undefined))
        ),
    })
    .step(pass(trace, "next"));
  const result = await executor({ stepTimeoutMs: 20 }).run(resource(), p);
  assert.equal(result.end, "timed-out");
  release();
  await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual(trace, []);
});

Deno.test("with stepTimings: false durations are NaN and timeouts are still enforced", async () => {
  const p = plan<Res>()
    .step(pass([], "a"))
    .step({ name: "hang", run: () => new Promise<never>(() => {}) });
  const result = await executor({ stepTimings: false, stepTimeoutMs: 40 }).run(resource(), p);
  assert.equal(result.end, "timed-out");
  assert.ok(Number.isNaN(result.steps[0].durationMs));
  assert.ok(result.error instanceof StepTimeoutError);
});

Deno.test("a Run without per-step timings still measures its total duration", async () => {
  const p = plan<Res>()
    .step(pass([], "a"))
    .step({
      name: "slow",
      run: async () => {
        await new Promise((r) => setTimeout(r, 20));
        return noModification(undefined);
      },
    });
  const result = await executor({ stepTimings: false }).run(resource(), p);
  assert.equal(result.end, "in-sync");
  assert.ok(result.steps.every((step) => Number.isNaN(step.durationMs)));
  assert.ok(Number.isFinite(result.durationMs), `durationMs ${result.durationMs}`);
  assert.ok(result.durationMs >= 19, `durationMs ${result.durationMs}`);
});

Deno.test("the resource is deeply frozen before the first step", async () => {
  const res = resource();
  const p = plan<Res>().step({
    name: "mutate",
    run: (context) => {
      assert.ok(Object.isFrozen(context.resource));
      assert.ok(Object.isFrozen(context.resource.metadata.labels));
      assert.throws(() => {
        (context.resource.spec as { n: number }).n = 2;
      }, TypeError);
      return noModification(undefined);
    },
  });
  const result = await executor().run(res, p);
  assert.equal(result.end, "in-sync", String(result.error?.cause));
  assert.equal(res.spec.n, 1);
});

Deno.test("runStart is read once and shared by every step; runId identifies the Run", async () => {
  const seen: RunContext<Res>[] = [];
  const look = (name: string) => ({
    name,
    run: async (context: RunContext<Res>, data: undefined) => {
      seen.push(context);
      await new Promise((r) => setTimeout(r, 3));
      return noModification(data);
    },
  });
  const before = Date.now();
  const result = await executor().run(resource(), plan<Res>().step(look("a")).step(look("b")));
  assert.equal(seen.length, 2);
  assert.equal(seen[0], seen[1]);
  assert.equal(seen[0].runStart, seen[1].runStart);
  assert.ok(seen[0].runStart >= before && seen[0].runStart <= before + 2);
  assert.equal(result.runStart, seen[0].runStart);
  assert.equal(result.runId, seen[0].runId);
  const other = await executor().run(resource(), plan<Res>());
  assert.notEqual(other.runId, result.runId);
  const named = await executor().run(resource(), plan<Res>(), { runId: "mine" });
  assert.equal(named.runId, "mine");
});

Deno.test("shutdown is honoured between steps", async () => {
  const shutdown = new AbortController();
  const trace: string[] = [];
  const p = plan<Res>()
    .step(pass(trace, "a"))
    .step(traced(trace, "b", (data: undefined) => {
      shutdown.abort(new Error("SIGTERM"));
      return noModification(data);
    }))
    .step(pass(trace, "c"));
  const result = await executor({ signal: shutdown.signal }).run(resource(), p);
  assert.deepEqual(trace, ["a", "b"]);
  assert.equal(result.end, "aborted");
  assert.ok(result.error instanceof RunAbortedError);
  assert.equal(result.error.stepName, "c");
  assert.deepEqual(result.action, { type: "abandon" });
});

Deno.test("a per-Run signal aborts the running step's context signal", async () => {
  const runAbort = new AbortController();
  const p = plan<Res>().step({
    name: "listen",
    run: (context) =>
      new Promise<never>((_resolve, reject) => {
        context.signal.addEventListener("abort", () => reject(context.signal.reason));
        setTimeout(() => runAbort.abort("stop"), 1);
      }),
  });
  const result = await executor().run(resource(), p, { signal: runAbort.signal });
  assert.equal(result.end, "aborted");
  assert.ok(result.error instanceof RunAbortedError);
  assert.equal(result.error.stepName, "listen");
  assert.equal(result.error.reason, "stop");
  assert.equal(result.steps[0].kind, "aborted");
});

Deno.test("observer callbacks see every step; a throwing observer is ignored", async () => {
  const events: string[] = [];
  const p = plan<Res>().step(pass([], "a")).step(traced([], "b", () => modified()));
  const result = await executor({
    observer: {
      onRunStarted: (c) => events.push(`start ${c.runId === "" ? "" : "id"}`),
      onStepStarted: (name, i) => events.push(`step ${name} ${i}`),
      onStepFinished: (step) => {
        events.push(`done ${step.name} ${step.kind}`);
        throw new Error("observer bug");
      },
      onRunFinished: (r) => events.push(`end ${r.end}`),
    },
  }).run(resource(), p);
  assert.equal(result.end, "modified");
  assert.deepEqual(events, [
    "start id",
    "step a 0",
    "done a no-modification",
    "step b 1",
    "done b modified",
    "end modified",
  ]);
});

Deno.test("reconcile builds the plan from the frozen resource; a throwing reconciler fails the Run", async () => {
  const ok = await executor().reconcile(resource(), {
    plan: (res) => {
      assert.ok(Object.isFrozen(res));
      return plan<Res>().initial(res.spec.n).step({
        name: "check",
        run: (_c, n) => Promise.resolve(n > 0 ? modified() : noModification(n)),
      });
    },
  });
  assert.equal(ok.end, "modified", String(ok.error?.message));
  const cause = new Error("no spec");
  const bad = await executor().reconcile(resource(), {
    plan: () => {
      throw cause;
    },
  });
  assert.equal(bad.end, "failed");
  assert.ok(bad.error instanceof PlanFailedError);
  assert.equal(bad.error.cause, cause);
  assert.equal(bad.action.type, "retry-with-backoff");
});

Deno.test("runPlan runs once; results serialise with every field", async () => {
  const result = await runPlan(
    resource(),
    plan<Res>().step(traced([], "gate", () => blocked({ message: "x" }))),
    { client: unusedClient, logger: new RecordingLogger() },
  );
  const json = JSON.parse(JSON.stringify(result));
  assert.equal(json.end, "blocked");
  assert.deepEqual(json.endedBy, { name: "gate", index: 0 });
  assert.equal(json.steps[0].name, "gate");
  assert.equal(json.steps[0].kind, "blocked");
});

Deno.test("an async reconciler can return a builder (it is not a thenable)", async () => {
  const result = await executor().reconcile(resource(), {
    plan: async (res) => {
      await Promise.resolve();
      return plan<Res>().initial(res.spec.n).step(traced([], "m", () => modified()));
    },
  });
  assert.equal(result.end, "modified");
});
