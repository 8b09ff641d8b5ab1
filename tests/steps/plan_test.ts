import assert from "node:assert/strict";
import {
  InvalidPlanError,
  noModification,
  plan,
  PlanBuilder,
  PlanFailedError,
  RunExecutor,
  type Step,
} from "../../lib/steps/mod.ts";
import { RecordingLogger, serverMetadata, unusedClient } from "./_helpers.ts";

const inc: Step<unknown, number, number> = {
  name: "inc",
  run: (_c, n) => noModification(n + 1),
};
const inc2: Step<unknown, number, number> = { ...inc, name: "inc-again" };

Deno.test("builders are immutable: step() returns a new builder", () => {
  const base = plan().initial(1);
  const one = base.step(inc);
  const two = one.step(inc2);
  assert.equal(base.steps.length, 0);
  assert.equal(one.steps.length, 1);
  assert.equal(two.steps.length, 2);
  assert.equal(two.initialData, 1);
  assert.ok(Object.isFrozen(two.steps));
});

Deno.test("initial() after a step is refused", () => {
  assert.throws(() => plan().initial(1).step(inc).initial(2 as never), InvalidPlanError);
});

Deno.test("malformed steps are refused with a message naming the problem", () => {
  const p = plan().initial(1);
  assert.throws(() => p.step(null as never), /step 0 is not an object/);
  assert.throws(() => p.step({ name: "", run: inc.run } as never), /step 0 has no name/);
  assert.throws(() => p.step({ name: "x" } as never), /step 0 \("x"\) has no run function/);
  assert.throws(() => p.step(inc).step({ run: inc.run } as never), /step 1 has no name/);
});

Deno.test("step names are unique in a plan: a duplicate (or the same step twice) is refused", () => {
  const p = plan().initial(1).step(inc).step(inc2);
  assert.throws(
    () => p.step({ ...inc2, name: "inc" }),
    (error: unknown) =>
      error instanceof InvalidPlanError && /steps 0 and 2 are both named "inc"/.test(error.message),
  );
  assert.throws(() => plan().initial(1).step(inc).step(inc), /steps 0 and 1 .* "inc"/);
  // The way to run the same logic twice: a copy under another name.
  assert.equal(plan().initial(1).step(inc).step({ ...inc, name: "inc-2" }).steps.length, 2);
});

Deno.test("the PlanBuilder constructor checks its steps (the executor trusts builders)", () => {
  // Every builder checks all its steps, so a builder made by hand is refused as well.
  assert.throws(() => new PlanBuilder(0, [inc, inc] as never), /both named "inc"/);
  assert.throws(() => new PlanBuilder(0, [{ name: "x" }] as never), /has no run function/);
  assert.throws(() => new PlanBuilder(0, "nope" as never), /must be an array/);
  assert.equal(new PlanBuilder(0, [inc, inc2] as never).steps.length, 2);
});

Deno.test("plain-object plans are checked by the executor on every Run", async () => {
  const executor = new RunExecutor({ client: unusedClient, logger: new RecordingLogger() });
  await assert.rejects(
    executor.run({ metadata: serverMetadata() }, { initialData: 0, steps: [inc, { ...inc }] }),
    /steps 0 and 1 are both named "inc"/,
  );
  const ok = await executor.run({ metadata: serverMetadata() }, {
    initialData: 0,
    steps: [inc, inc2],
  });
  assert.equal(ok.end, "in-sync");
});

Deno.test("reconcile: a malformed plan from the reconciler is a PlanFailedError, not a rejection", async () => {
  const executor = new RunExecutor({ client: unusedClient, logger: new RecordingLogger() });
  const plans = [
    () => ({ initialData: 0, steps: [inc, inc] }), // the same step object twice
    () => plan().initial(0).step(inc).step(inc), // the builder throws while building
    () => undefined as never,
  ];
  for (const make of plans) {
    const result = await executor.reconcile({ metadata: serverMetadata() }, { plan: make });
    assert.equal(result.end, "failed");
    assert.ok(result.error instanceof PlanFailedError);
    assert.ok(result.error.cause instanceof InvalidPlanError, String(result.error.cause));
    assert.equal(result.action.type, "retry-with-backoff");
  }
});
