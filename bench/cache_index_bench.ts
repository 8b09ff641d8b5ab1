/**
 * Do the store's indexes pay? 10,000 ConfigMaps in 100 namespaces, each owned by one of 1,000
 * owners: listing the children of one owner (what a controller's Run does for `owns()`) and
 * the objects of one namespace, through the store's indexes and by scanning every object.
 *
 * Run: `deno bench bench/cache_index_bench.ts`
 *
 * @module
 */

import { resourceType } from "../lib/client/resource_type.ts";
import { Store } from "../lib/controller/store.ts";

interface Child {
  metadata: {
    name: string;
    namespace: string;
    resourceVersion: string;
    labels: Record<string, string>;
    ownerReferences: { apiVersion: string; kind: string; name: string; uid: string }[];
  };
}

const Children = resourceType<Child>()({
  group: "",
  version: "v1",
  kind: "ConfigMap",
  plural: "configmaps",
  namespaced: true,
});

const store = new Store(Children);
const all: Child[] = [];
for (let i = 0; i < 10_000; i++) {
  const child: Child = {
    metadata: {
      name: `child-${i}`,
      namespace: `ns-${i % 100}`,
      resourceVersion: String(i + 1),
      labels: { app: "web" },
      ownerReferences: [{ apiVersion: "v1", kind: "Owner", name: "o", uid: `owner-${i % 1000}` }],
    },
  };
  store.apply(child);
  all.push(child);
}
let k = 0;

Deno.bench("list by owner UID: index", { group: "owner", baseline: true }, () => {
  if (store.list({ ownerUid: `owner-${k++ % 1000}` }).length !== 10) throw new Error("count");
});

Deno.bench("list by owner UID: scan of every object", { group: "owner" }, () => {
  const uid = `owner-${k++ % 1000}`;
  const out = all.filter((o) => o.metadata.ownerReferences.some((r) => r.uid === uid));
  if (out.length !== 10) throw new Error("count");
});

Deno.bench("list by namespace: per-namespace map", { group: "namespace", baseline: true }, () => {
  if (store.list({ namespace: `ns-${k++ % 100}` }).length !== 100) throw new Error("count");
});

Deno.bench("list by namespace: scan of every object", { group: "namespace" }, () => {
  const ns = `ns-${k++ % 100}`;
  if (all.filter((o) => o.metadata.namespace === ns).length !== 100) throw new Error("count");
});
