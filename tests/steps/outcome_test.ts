import assert from "node:assert/strict";
import { blocked, modified, noModification } from "../../lib/steps/mod.ts";

Deno.test("outcome constructors build each variant", () => {
  assert.deepEqual(noModification(3), { kind: "no-modification", data: 3, status: undefined });
  assert.deepEqual(
    noModification<string, { ready?: boolean }>("x", { status: { ready: true } }).status,
    { ready: true },
  );
  assert.deepEqual(modified(), {
    kind: "modified",
    message: undefined,
    requeueAfterMs: undefined,
    status: undefined,
  });
  assert.equal(modified({ requeueAfterMs: 0 }).requeueAfterMs, 0);
  assert.equal(modified({ message: "created" }).message, "created");
  const b = blocked<{ phase?: string }>({
    message: "deps",
    requeueAfterMs: 100,
    status: { phase: "Waiting" },
  });
  assert.deepEqual(b, {
    kind: "blocked",
    message: "deps",
    requeueAfterMs: 100,
    status: { phase: "Waiting" },
  });
});

Deno.test("outcome constructors reject bad delays and messages", () => {
  for (const bad of [-1, Number.NaN, Infinity, "5" as unknown as number]) {
    assert.throws(() => modified({ requeueAfterMs: bad }), RangeError);
    assert.throws(() => blocked({ message: "r", requeueAfterMs: bad }), RangeError);
  }
  assert.throws(() => blocked({} as never), /blocked\(\): options.message must be a string/);
});
