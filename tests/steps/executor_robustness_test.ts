// Edge cases of the Run executor: what steps, observers, loggers and resources can throw at it.

import assert from "node:assert/strict";
import {
  noModification,
  plan,
  RunAbortedError,
  RunExecutor,
  StepFailedError,
  type StepOutcome,
  StepTimeoutError,
} from "../../lib/steps/mod.ts";
import type { Logger } from "../../lib/steps/logger.ts";
import { pass, RecordingLogger, serverMetadata, unusedClient } from "./_helpers.ts";

type Res = Record<string, unknown>;
const executor = (extra: Partial<ConstructorParameters<typeof RunExecutor<Res>>[0]> = {}) =>
  new RunExecutor<Res>({ client: unusedClient, logger: new RecordingLogger(), ...extra });
const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));
const bare = (): Res => ({ metadata: serverMetadata() });

Deno.test("a step resolving with undefined, null, a number, an array or an object without kind fails", async () => {
  const values: [unknown, RegExp][] = [
    [undefined, /resolved with undefined, not a StepOutcome/],
    [null, /resolved with null/],
    [5, /resolved with 5/],
    [[], /resolved with an array/],
    [{}, /resolved with an object, not a StepOutcome/],
    [{ data: 1 }, /resolved with an object/],
  ];
  for (const [value, message] of values) {
    const trace: string[] = [];
    const p = plan<Res>()
      .step({ name: "odd", run: () => Promise.resolve(value as never) })
      .step(pass(trace, "next"));
    const result = await executor().run(bare(), p);
    assert.equal(result.end, "failed", String(value));
    assert.ok(result.error instanceof StepFailedError);
    assert.equal(result.error.stepName, "odd");
    assert.ok(result.error.cause instanceof TypeError);
    assert.match(result.error.message, message);
    assert.deepEqual(trace, []);
  }
});

Deno.test("bad requeueAfterMs from a hand-made outcome fails the step with a RangeError naming it", async () => {
  for (const kind of ["modified", "blocked"] as const) {
    for (const delay of [-1, Number.NaN, Infinity, "10"]) {
      const p = plan<Res>().step({
        name: "delay",
        run: () => Promise.resolve({ kind, message: "r", requeueAfterMs: delay } as never),
      });
      const result = await executor().run(bare(), p);
      assert.equal(result.end, "failed");
      assert.ok(result.error?.cause instanceof RangeError, `${kind} ${delay}`);
      assert.match(result.error.message, /requeueAfterMs must be a finite number >= 0, got /);
    }
  }
});

Deno.test("a step returning a thenable that never settles times out", async () => {
  const p = plan<Res>().step({ name: "thenable", run: () => ({ then() {} }) as never });
  const result = await executor({ stepTimeoutMs: 20 }).run(bare(), p);
  assert.equal(result.end, "timed-out");
  assert.ok(result.error instanceof StepTimeoutError);
  assert.equal(result.error.stepName, "thenable");
});

Deno.test("a step that rejects after its timeout causes no unhandled rejection", async () => {
  let reject!: (error: unknown) => void;
  const p = plan<Res>().step({
    name: "late-reject",
    run: () => new Promise<never>((_resolve, r) => reject = r),
  });
  const logger = new RecordingLogger();
  const result = await executor({ stepTimeoutMs: 20, logger }).run(bare(), p);
  assert.equal(result.end, "timed-out");
  const warnings = logger.records.length;
  reject(new Error("too late"));
  // An unhandled rejection would fail this test (Deno's test sanitizer).
  await tick(10);
  assert.equal(result.end, "timed-out");
  assert.equal(logger.records.length, warnings, "a late rejection is not reported again");
});

Deno.test("a step that throws after shutdown fired ends the Run as aborted, keeping the cause", async () => {
  const shutdown = new AbortController();
  const cause = new Error("connection reset");
  const p = plan<Res>()
    .step({
      name: "interrupted",
      run: async () => {
        shutdown.abort("SIGTERM");
        await tick(1);
        throw cause;
      },
    })
    .step(pass([], "never"));
  const result = await executor({ signal: shutdown.signal }).run(bare(), p);
  assert.equal(result.end, "aborted");
  assert.ok(result.error instanceof RunAbortedError);
  assert.equal(result.error.stepName, "interrupted");
  assert.equal(result.error.reason, "SIGTERM");
  assert.equal(result.error.cause, cause);
  assert.deepEqual(result.action, { type: "abandon" });
});

Deno.test("observer callbacks that throw or return rejected promises are logged and ignored", async () => {
  const failing = () => {
    throw new Error("sync observer bug");
  };
  const rejecting = () => Promise.reject(new Error("async observer bug"));
  for (const callback of [failing, rejecting]) {
    const logger = new RecordingLogger();
    const p = plan<Res>().initial(0).step(pass([], "a")).step({
      name: "b",
      run: () => noModification(0, { status: { x: 1 } }),
    });
    const result = await executor({
      logger,
      statusWriter: { write: () => Promise.resolve() },
      observer: {
        onRunStarted: callback,
        onStepStarted: callback,
        onStepFinished: callback,
        onStatusWritten: callback,
        onRunFinished: callback,
      },
    }).run(bare(), p);
    await tick(1); // let rejections be handled (or go unhandled and fail the test)
    assert.equal(result.end, "in-sync");
    assert.equal(result.statusWrites[0].ok, true);
    const reports = logger.records.filter((r) => /RunObserver callback failed/.test(r.message));
    // Started, 2 x step started, 2 x step finished, status written, finished.
    assert.equal(reports.length, 7, callback.name);
  }
});

Deno.test("a logger that throws neither hangs nor breaks the Run", async () => {
  const broken = (): never => {
    throw new Error("logger down");
  };
  const logger: Logger = { debug: broken, info: broken, warn: broken, error: broken };
  const failing = plan<Res>().step({ name: "boom", run: () => Promise.reject(new Error("x")) });
  const result = await executor({ logger }).run(bare(), failing);
  assert.equal(result.end, "failed");
  assert.ok(result.error instanceof StepFailedError);
  const hanging = plan<Res>().step({ name: "hang", run: () => new Promise<never>(() => {}) });
  const timedOut = await executor({ logger, stepTimeoutMs: 20 }).run(bare(), hanging);
  assert.equal(timedOut.end, "timed-out");
});

Deno.test("a partly frozen resource ends up deeply frozen", async () => {
  const labels = { app: "web" };
  const resource: Res = {
    metadata: Object.freeze({ ...serverMetadata(), labels }),
    list: [{ a: 1 }],
  };
  Object.freeze(resource); // the root too, shallowly
  await executor().run(resource, plan<Res>());
  assert.ok(Object.isFrozen(labels));
  assert.ok(Object.isFrozen((resource.list as object[])[0]));
});

Deno.test("cycles, shared sub-objects, deep nesting and typed arrays are frozen without trouble", async () => {
  const shared = { s: { t: 1 } };
  const cyclic: Res = { ...bare(), a: shared, b: shared, bytes: new Uint8Array([1, 2]) };
  cyclic.self = cyclic;
  (shared.s as Record<string, unknown>).back = cyclic;
  let result = await executor().run(cyclic, plan<Res>());
  assert.equal(result.end, "in-sync");
  assert.ok(Object.isFrozen(shared.s));
  assert.ok(!Object.isFrozen(cyclic.bytes), "typed arrays cannot be frozen; left alone");

  // Far deeper than the call stack allows for a recursive walk.
  const root: Res = bare();
  let node = root;
  for (let i = 0; i < 100_000; i++) node = (node.next = {}) as Res;
  result = await executor().run(root, plan<Res>());
  assert.equal(result.end, "in-sync");
  assert.ok(Object.isFrozen(node));

  const big = { ...bare(), items: Array.from({ length: 100_000 }, (_, i) => ({ i })) };
  await executor().run(big, plan<Res>());
  assert.ok(Object.isFrozen(big.items[99_999]));
});

Deno.test("a hung step's Run stays in the RunResult as timed out even if it resolves later", async () => {
  let release!: (outcome: StepOutcome<number>) => void;
  const p = plan<Res>().initial(0).step({
    name: "slow",
    run: () => new Promise<StepOutcome<number>>((r) => release = r),
  });
  const result = await executor({ stepTimeoutMs: 20 }).run(bare(), p);
  release(noModification(1));
  await tick(5);
  assert.equal(result.end, "timed-out");
  assert.equal(result.steps.length, 1);
  assert.equal(result.steps[0].kind, "timed-out");
});
