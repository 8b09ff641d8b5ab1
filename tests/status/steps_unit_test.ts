import assert from "node:assert/strict";
import { type App, Apps } from "../_fixtures.ts";
import { noModification, plan } from "../../lib/steps/mod.ts";
import {
  containsFields,
  ensureChild,
  ensureFinalizer,
  hasFinalizer,
  isBeingDeleted,
  removeFinalizer,
  type StatusWriter,
  withFinalizer,
  writeStatus,
} from "../../lib/status/mod.ts";

const F = "example.com/cleanup";

Deno.test("containsFields: subsets of objects, exact arrays, null matches missing", () => {
  assert.equal(containsFields({ a: 1 }, { a: 1, b: 2 }), true);
  assert.equal(containsFields({ a: { b: 1 } }, { a: { b: 1, c: 2 } }), true);
  assert.equal(containsFields({ a: { b: 1 } }, { a: { b: 2 } }), false);
  assert.equal(containsFields({ a: [1, 2] }, { a: [1, 2] }), true);
  assert.equal(containsFields({ a: [1] }, { a: [1, 2] }), false);
  assert.equal(containsFields({ a: [{ x: 1 }] }, { a: [{ x: 1, y: 2 }] }), true);
  assert.equal(containsFields({ a: null }, {}), true);
  assert.equal(containsFields({ a: null }, { a: 1 }), false);
  assert.equal(containsFields({ a: undefined }, {}), true);
  assert.equal(containsFields({ a: 1 }, undefined), false);
  assert.equal(containsFields({ a: "1" }, { a: 1 }), false);
  assert.equal(containsFields({}, undefined), false);
});

Deno.test("withFinalizer chooses the plan from the resource's state", () => {
  const apply = plan(Apps).step({ name: "work", run: () => noModification(undefined) });
  const cleanup = plan(Apps).step({ name: "release", run: () => noModification(undefined) });
  const options = { resource: Apps, finalizer: F, apply, cleanup };
  const live = withFinalizer({ metadata: { name: "a" } }, options);
  assert.deepEqual(live.steps.map((s) => s.name), ["ensure-finalizer", "work"]);
  const deleting = withFinalizer(
    { metadata: { name: "a", finalizers: [F], deletionTimestamp: "2026-01-01T00:00:00Z" } },
    options,
  );
  assert.deepEqual(deleting.steps.map((s) => s.name), ["release", "remove-finalizer"]);
  const done = withFinalizer(
    { metadata: { name: "a", finalizers: ["other/x"], deletionTimestamp: "2026-01-01T00:00:00Z" } },
    options,
  );
  assert.deepEqual(done.steps, []);
  assert.equal(isBeingDeleted({ metadata: {} }), false);
  assert.equal(hasFinalizer({ metadata: { finalizers: [F] } }, F), true);
  assert.equal(hasFinalizer({}, F), false);
});

Deno.test("finalizer and status step options are checked", () => {
  assert.throws(
    () => ensureFinalizer({ resource: Apps, finalizer: "bad finalizer!" }),
    (e) => e instanceof TypeError && /qualified name/.test(e.message),
  );
  assert.throws(
    () => ensureFinalizer({ resource: Apps, finalizer: F, conflictRequeueAfterMs: -1 }),
    (e) => e instanceof RangeError && /conflictRequeueAfterMs/.test(e.message),
  );
  assert.throws(
    () => removeFinalizer({ resource: {} as typeof Apps, finalizer: F }),
    (e) => e instanceof TypeError && /resource token/.test(e.message),
  );
  assert.throws(
    () => writeStatus({ writer: {} as StatusWriter<App>, status: () => undefined }),
    (e) => e instanceof TypeError && /StatusWriter/.test(e.message),
  );
  assert.throws(
    () => ensureChild({ resource: {} as typeof Apps, desired: () => ({}) }),
    (e) => e instanceof TypeError && /resource token/.test(e.message),
  );
});
