/**
 * The Greeting's child ConfigMap, derived from the Greeting alone.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  childLabels,
  configMapName,
  desiredConfigMap,
  InvalidGreetingError,
} from "../../examples/greeting/child.ts";
import { isControlledBy } from "../../lib/status/mod.ts";
import type { Greeting } from "../../examples/greeting/api/demo.staircase.dev/v1/mod.ts";

function greeting(name: string, message = "hi"): Greeting {
  return {
    apiVersion: "demo.staircase.dev/v1",
    kind: "Greeting",
    metadata: { name, namespace: "ns", uid: "0b7e2f7a-1111-4222-8333-444455556666", generation: 3 },
    spec: { message },
  };
}

Deno.test("the desired ConfigMap carries the message, owner reference and labels", () => {
  const cm = desiredConfigMap(greeting("hello", "Hello, world"));
  assert.equal(cm.metadata?.name, "greeting-hello");
  assert.equal(cm.metadata?.namespace, "ns");
  assert.deepEqual(cm.data, { message: "Hello, world" });
  assert.deepEqual(cm.metadata?.labels, {
    "app.kubernetes.io/managed-by": "staircase-greeting-operator",
    "demo.staircase.dev/greeting-uid": "0b7e2f7a-1111-4222-8333-444455556666",
    "demo.staircase.dev/greeting": "hello",
  });
  assert.deepEqual(cm.metadata?.ownerReferences, [{
    apiVersion: "demo.staircase.dev/v1",
    kind: "Greeting",
    name: "hello",
    uid: "0b7e2f7a-1111-4222-8333-444455556666",
    controller: true,
    blockOwnerDeletion: true,
  }]);
  // Deterministic: the same Greeting gives the same child.
  assert.deepEqual(desiredConfigMap(greeting("hello", "Hello, world")), cm);
});

Deno.test("a name too long for a label value keeps only the UID label", () => {
  const long = "a".repeat(64);
  assert.equal(childLabels(greeting(long))["demo.staircase.dev/greeting"], undefined);
  assert.ok(childLabels(greeting(long))["demo.staircase.dev/greeting-uid"]);
});

Deno.test("a name that cannot give a valid ConfigMap name is a clear error", () => {
  assert.throws(
    () => configMapName(greeting("a".repeat(250))),
    (e) => e instanceof InvalidGreetingError && /too long/.test(e.message),
  );
  assert.throws(
    () => desiredConfigMap({ ...greeting("x"), metadata: { name: "x", namespace: "ns" } }),
    /metadata\.uid is missing/,
  );
});

Deno.test("only a controller reference with the Greeting's UID counts as control", () => {
  const g = greeting("hello");
  const uid = g.metadata!.uid!;
  const ref = { apiVersion: "demo.staircase.dev/v1", kind: "Greeting", name: "hello", uid };
  assert.equal(
    isControlledBy({ metadata: { ownerReferences: [{ ...ref, controller: true }] } }, g),
    true,
  );
  assert.equal(isControlledBy({ metadata: { ownerReferences: [ref] } }, g), false);
  assert.equal(
    isControlledBy(
      { metadata: { ownerReferences: [{ ...ref, uid: "other", controller: true }] } },
      g,
    ),
    false,
  );
  assert.equal(isControlledBy({ metadata: {} }, g), false);
});
