import assert from "node:assert/strict";
import { modified, noModification, wait } from "../../lib/steps/mod.ts";

Deno.test("outcome constructors build each variant", () => {
  assert.deepEqual(noModification(3), { kind: "no-modification", data: 3, status: undefined });
  assert.deepEqual(noModification("x", { status: { ready: true } }).status, { ready: true });
  assert.deepEqual(modified(), {
    kind: "modified",
    requeueAfterMs: undefined,
    reason: undefined,
    status: undefined,
  });
  assert.equal(modified({ requeueAfterMs: 0 }).requeueAfterMs, 0);
  const w = wait({ reason: "deps", requeueAfterMs: 100, status: { phase: "Waiting" } });
  assert.equal(w.kind, "wait");
  assert.equal(w.reason, "deps");
  assert.equal(w.requeueAfterMs, 100);
});

Deno.test("outcome constructors reject bad delays and reasons", () => {
  for (const bad of [-1, Number.NaN, Infinity, "5" as unknown as number]) {
    assert.throws(() => modified({ requeueAfterMs: bad }), RangeError);
    assert.throws(() => wait({ reason: "r", requeueAfterMs: bad }), RangeError);
  }
  assert.throws(() => wait({} as never), /reason must be a string/);
});
