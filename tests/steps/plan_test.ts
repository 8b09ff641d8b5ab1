import assert from "node:assert/strict";
import { InvalidPlanError, noModification, plan, type Step } from "../../lib/steps/mod.ts";

const inc: Step<number, number, unknown> = {
  name: "inc",
  run: (_c, n) => Promise.resolve(noModification(n + 1)),
};

Deno.test("builders are immutable: step() returns a new builder", () => {
  const base = plan().initial(1);
  const one = base.step(inc);
  const two = one.step(inc);
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
