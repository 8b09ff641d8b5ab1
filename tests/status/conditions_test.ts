import assert from "node:assert/strict";
import type { Condition as MetaCondition } from "../../lib/apis/meta/v1/mod.ts";
import {
  type Condition,
  ConditionTypes,
  findCondition,
  InvalidConditionError,
  isFalse,
  isStatusCurrent,
  isTrue,
  isUnknown,
  removeCondition,
  setCondition,
  withObservedGeneration,
} from "../../lib/status/mod.ts";

const T0 = Date.parse("2026-01-01T00:00:00.750Z");
const T1 = Date.parse("2026-01-01T00:10:00Z");

Deno.test("setCondition appends a new type with the transition time at seconds precision", () => {
  const list = setCondition(undefined, { type: "Ready", status: "False", reason: "Starting" }, {
    now: T0,
    observedGeneration: 2,
  });
  assert.deepEqual(list, [{
    type: "Ready",
    status: "False",
    reason: "Starting",
    message: "",
    lastTransitionTime: "2026-01-01T00:00:00Z",
    observedGeneration: 2,
  }]);
});

Deno.test("setCondition keeps lastTransitionTime while the status value stays the same", () => {
  const first = setCondition([], { type: "Ready", status: "False", reason: "A" }, { now: T0 });
  const second = setCondition(
    first,
    { type: "Ready", status: "False", reason: "B", message: "m" },
    {
      now: T1,
      observedGeneration: 3,
    },
  );
  assert.equal(second[0].lastTransitionTime, "2026-01-01T00:00:00Z");
  assert.equal(second[0].reason, "B");
  assert.equal(second[0].message, "m");
  assert.equal(second[0].observedGeneration, 3);
  const third = setCondition(second, { type: "Ready", status: "True", reason: "Ok" }, { now: T1 });
  assert.equal(third[0].lastTransitionTime, "2026-01-01T00:10:00Z");
});

Deno.test("setCondition leaves its input unchanged and keeps the order of other types", () => {
  const before: Condition[] = [
    {
      type: "A",
      status: "True",
      reason: "X",
      message: "",
      lastTransitionTime: "2026-01-01T00:00:00Z",
    },
    {
      type: "B",
      status: "True",
      reason: "X",
      message: "",
      lastTransitionTime: "2026-01-01T00:00:00Z",
    },
  ];
  const copy = structuredClone(before);
  const after = setCondition(before, { type: "A", status: "False", reason: "Y" }, { now: T1 });
  assert.deepEqual(before, copy);
  assert.deepEqual(after.map((c) => [c.type, c.status]), [["A", "False"], ["B", "True"]]);
  assert.deepEqual(removeCondition(after, "A").map((c) => c.type), ["B"]);
});

Deno.test("setCondition refuses malformed types, statuses and reasons", () => {
  assert.throws(
    () => setCondition([], { type: "", status: "True", reason: "Ok" }),
    InvalidConditionError,
  );
  assert.throws(
    () => setCondition([], { type: "not a type", status: "True", reason: "Ok" }),
    /must be CamelCase/,
  );
  assert.throws(
    () => setCondition([], { type: "Ready", status: "true" as "True", reason: "Ok" }),
    (e) => e instanceof InvalidConditionError && /True, False or Unknown/.test(e.message),
  );
  assert.throws(
    () => setCondition([], { type: "Ready", status: "True", reason: "" }),
    (e) => e instanceof InvalidConditionError && /reason/.test(e.message),
  );
  assert.throws(
    () => setCondition([], { type: "Ready", status: "True", reason: "Ok" }, { now: NaN }),
    InvalidConditionError,
  );
  // A DNS-prefixed type is fine.
  assert.equal(
    setCondition([], { type: "example.com/Synced", status: "True", reason: "Ok" })[0].type,
    "example.com/Synced",
  );
});

Deno.test("find / isTrue / isFalse / isUnknown", () => {
  const list = setCondition(
    setCondition([], { type: ConditionTypes.Ready, status: "True", reason: "Ok" }),
    { type: ConditionTypes.Degraded, status: "False", reason: "Ok" },
  );
  assert.equal(findCondition(list, "Ready")?.status, "True");
  assert.equal(findCondition(list, "Progressing"), undefined);
  assert.equal(isTrue(list, "Ready"), true);
  assert.equal(isTrue(list, "Degraded"), false);
  assert.equal(isFalse(list, "Degraded"), true);
  assert.equal(isFalse(list, "Progressing"), false);
  assert.equal(isUnknown(list, "Progressing"), true);
  assert.equal(isUnknown(list, "Ready"), false);
  assert.equal(isTrue(undefined, "Ready"), false);
});

Deno.test("withObservedGeneration stamps the generation; isStatusCurrent compares it", () => {
  assert.deepEqual(withObservedGeneration({ metadata: { generation: 4 } }, { phase: "Ready" }), {
    phase: "Ready",
    observedGeneration: 4,
  });
  assert.deepEqual(withObservedGeneration({ metadata: {} }, { phase: "Ready" }), {
    phase: "Ready",
  });
  assert.equal(
    isStatusCurrent({ metadata: { generation: 4 }, status: { observedGeneration: 3 } }),
    false,
  );
  assert.equal(
    isStatusCurrent({ metadata: { generation: 4 }, status: { observedGeneration: 4 } }),
    true,
  );
  assert.equal(isStatusCurrent({ metadata: { generation: 4 } }), false);
  assert.equal(isStatusCurrent({ metadata: {} }), true);
});

Deno.test("generated condition types (status: string) work with every helper", () => {
  const generated: MetaCondition[] = [{
    type: "Ready",
    status: "True",
    reason: "Ok",
    message: "",
    lastTransitionTime: "2026-01-01T00:00:00Z",
  }];
  const next: MetaCondition[] = setCondition(generated, {
    type: "Ready",
    status: "True",
    reason: "StillOk",
  }, { now: T1 });
  assert.equal(next[0].lastTransitionTime, "2026-01-01T00:00:00Z");
  const found: MetaCondition | undefined = findCondition(next, "Ready");
  assert.equal(found?.reason, "StillOk");
  assert.equal(isTrue(next, "Ready"), true);
  const left: MetaCondition[] = removeCondition(next, "Ready");
  assert.equal(left.length, 0);
});
