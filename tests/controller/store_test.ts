import assert from "node:assert/strict";
import { Store } from "../../lib/controller/mod.ts";
import { Namespaces } from "../../lib/apis/core/v1/mod.ts";
import { type ConfigMap, ConfigMaps } from "./_helpers.ts";

function cm(
  name: string,
  namespace: string,
  rv: string,
  extra: { labels?: Record<string, string>; owner?: string } = {},
): ConfigMap {
  return {
    metadata: {
      name,
      namespace,
      resourceVersion: rv,
      labels: extra.labels,
      ownerReferences: extra.owner
        ? [{ apiVersion: "v1", kind: "X", name: "o", uid: extra.owner }]
        : undefined,
    },
  };
}

Deno.test("Store: apply and remove report what changed", () => {
  const store = new Store(ConfigMaps);
  assert.deepEqual(store.apply(cm("a", "x", "1")), { type: "added", object: cm("a", "x", "1") });
  assert.equal(store.apply(cm("a", "x", "1")), undefined, "same resourceVersion: no change");
  const modified = store.apply(cm("a", "x", "2"));
  assert.equal(modified?.type, "modified");
  assert.equal(modified?.previous?.metadata?.resourceVersion, "1");
  assert.equal(store.get("a", "x")?.metadata?.resourceVersion, "2");
  assert.equal(store.get("a", "y"), undefined);
  assert.equal(store.get("a"), undefined);
  assert.equal(store.remove(cm("a", "y", "3")), undefined, "not held");
  assert.equal(store.remove(cm("a", "x", "3"))?.type, "deleted");
  assert.equal(store.size, 0);
  assert.throws(() => store.apply({ metadata: {} }), /no metadata.name/);
});

Deno.test("Store: list by namespace, labels and owner", () => {
  const store = new Store(ConfigMaps);
  store.apply(cm("a", "x", "1", { labels: { app: "web" }, owner: "u1" }));
  store.apply(cm("b", "x", "1", { labels: { app: "db" }, owner: "u1" }));
  store.apply(cm("c", "y", "1", { labels: { app: "web" }, owner: "u2" }));
  const names = (list: ConfigMap[]): string[] => list.map((o) => o.metadata!.name!).sort();
  assert.deepEqual(names(store.list()), ["a", "b", "c"]);
  assert.deepEqual(names(store.list({ namespace: "x" })), ["a", "b"]);
  assert.deepEqual(names(store.list({ namespace: "z" })), []);
  assert.deepEqual(names(store.list({ labelSelector: "app=web" })), ["a", "c"]);
  assert.deepEqual(names(store.list({ labelSelector: { app: "web" }, namespace: "y" })), ["c"]);
  assert.deepEqual(names(store.list({ ownerUid: "u1" })), ["a", "b"]);
  assert.deepEqual(names(store.list({ ownerUid: "u1", labelSelector: "app=db" })), ["b"]);
  assert.deepEqual(names(store.list({ ownerUid: "u2", namespace: "x" })), []);
  // The owner index follows updates and deletions.
  store.apply(cm("a", "x", "2", { owner: "u2" }));
  assert.deepEqual(names(store.list({ ownerUid: "u1" })), ["b"]);
  assert.deepEqual(names(store.list({ ownerUid: "u2" })), ["a", "c"]);
  store.remove(cm("c", "y", "3"));
  assert.deepEqual(names(store.list({ ownerUid: "u2" })), ["a"]);
});

Deno.test("Store: replace returns the difference and keeps unchanged instances", () => {
  const store = new Store(ConfigMaps);
  const kept = cm("keep", "x", "1");
  store.apply(kept);
  store.apply(cm("change", "x", "1"));
  store.apply(cm("gone", "x", "1", { owner: "u" }));
  const events = store.replace([cm("keep", "x", "1"), cm("change", "x", "5"), cm("new", "y", "6")]);
  assert.deepEqual(
    events.map((e) => `${e.type} ${e.object.metadata?.name}`),
    ["modified change", "added new", "deleted gone"],
  );
  assert.equal(events[0].previous?.metadata?.resourceVersion, "1");
  assert.equal(store.get("keep", "x"), kept, "same instance");
  assert.equal(store.size, 3);
  assert.deepEqual(store.list({ ownerUid: "u" }), [], "index rebuilt");
});

Deno.test("Store: cluster-scoped objects", () => {
  const store = new Store(Namespaces);
  store.apply({ metadata: { name: "default", resourceVersion: "1" } });
  assert.equal(store.get("default")?.metadata?.name, "default");
  assert.equal(store.list().length, 1);
});
