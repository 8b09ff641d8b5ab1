// Copyright 2026 the staircase authors. Apache-2.0 license.
// What kube-controller-manager adds to the shared test control plane: owner references are
// followed (background, foreground, orphan), deleted namespaces finish deleting unless a
// finalizer holds them, default service accounts and their tokens, aggregated ClusterRoles.
import assert from "node:assert/strict";
import {
  createTestNamespace,
  type TestCluster,
  useTestControlPlane,
  withNamespace,
} from "../../lib/testing/shared.ts";
import { eventually } from "./helpers.ts";

interface Meta {
  metadata: {
    name: string;
    uid: string;
    deletionTimestamp?: string;
    finalizers?: string[];
    ownerReferences?: { uid: string; name: string }[];
  };
}

// The garbage collector and the namespace controller work in the background; on a loaded
// 2-core machine they take from milliseconds to a few seconds.
const SETTLE_MS = 60_000;

async function exists(cluster: TestCluster, path: string): Promise<boolean> {
  const res = await cluster.request("GET", path, undefined, { throwOnError: false });
  if (res.status !== 200 && res.status !== 404) throw new Error(`GET ${path}: ${res.status}`);
  return res.status === 200;
}

async function configMap(
  cluster: TestCluster,
  ns: string,
  name: string,
  owner?: Meta,
  extra: Record<string, unknown> = {},
): Promise<Meta> {
  const ownerReferences = owner
    ? [{
      apiVersion: "v1",
      kind: "ConfigMap",
      name: owner.metadata.name,
      uid: owner.metadata.uid,
      blockOwnerDeletion: true,
    }]
    : undefined;
  const res = await cluster.request<Meta>("POST", `/api/v1/namespaces/${ns}/configmaps`, {
    metadata: { name, ownerReferences, ...extra },
  });
  return res.body;
}

function deleteWith(
  cluster: TestCluster,
  path: string,
  propagationPolicy: "Background" | "Foreground" | "Orphan",
): Promise<unknown> {
  return cluster.request("DELETE", path, {
    apiVersion: "v1",
    kind: "DeleteOptions",
    propagationPolicy,
  });
}

Deno.test("garbage collection: background propagation removes the children", () =>
  withNamespace(async (ns, cluster) => {
    const owner = await configMap(cluster, ns, "owner");
    await configMap(cluster, ns, "child-a", owner);
    await configMap(cluster, ns, "child-b", owner);
    await deleteWith(cluster, `/api/v1/namespaces/${ns}/configmaps/owner`, "Background");
    const gone = await eventually(
      async () =>
        !(await exists(cluster, `/api/v1/namespaces/${ns}/configmaps/child-a`)) &&
        !(await exists(cluster, `/api/v1/namespaces/${ns}/configmaps/child-b`)),
      SETTLE_MS,
    );
    assert.ok(gone, "children of a deleted owner still exist: is kube-controller-manager running?");
  }));

Deno.test("garbage collection: foreground propagation removes the children before the owner", () =>
  withNamespace(async (ns, cluster) => {
    const owner = await configMap(cluster, ns, "owner");
    await configMap(cluster, ns, "child", owner, { finalizers: ["staircase.test/hold"] });
    await deleteWith(cluster, `/api/v1/namespaces/${ns}/configmaps/owner`, "Foreground");

    // The child cannot go while its own finalizer holds it, so neither can the owner.
    const childPath = `/api/v1/namespaces/${ns}/configmaps/child`;
    const childDeleting = await eventually(async () => {
      const child = await cluster.request<Meta>("GET", childPath);
      return child.body.metadata.deletionTimestamp !== undefined;
    }, SETTLE_MS);
    assert.ok(childDeleting, "the garbage collector did not delete the child");
    const held = await cluster.request<Meta>("GET", `/api/v1/namespaces/${ns}/configmaps/owner`);
    assert.ok(held.body.metadata.deletionTimestamp, "the owner is being deleted");
    assert.deepEqual(held.body.metadata.finalizers, ["foregroundDeletion"]);

    await cluster.request("PATCH", childPath, { metadata: { finalizers: null } }, {
      contentType: "application/merge-patch+json",
    });
    const ownerGone = await eventually(
      async () => !(await exists(cluster, `/api/v1/namespaces/${ns}/configmaps/owner`)),
      SETTLE_MS,
    );
    assert.ok(ownerGone, "the owner stayed after its last child was gone");
    assert.equal(await exists(cluster, childPath), false);
  }));

Deno.test("garbage collection: orphan propagation keeps the children and drops their owner reference", () =>
  withNamespace(async (ns, cluster) => {
    const owner = await configMap(cluster, ns, "owner");
    await configMap(cluster, ns, "child", owner);
    await deleteWith(cluster, `/api/v1/namespaces/${ns}/configmaps/owner`, "Orphan");
    // The owner carries the "orphan" finalizer until the garbage collector has updated the
    // children, so its disappearance means the collector is done with them.
    const ownerGone = await eventually(
      async () => !(await exists(cluster, `/api/v1/namespaces/${ns}/configmaps/owner`)),
      SETTLE_MS,
    );
    assert.ok(ownerGone, "the orphan finalizer was never processed");
    const child = await cluster.request<Meta>("GET", `/api/v1/namespaces/${ns}/configmaps/child`);
    assert.deepEqual(child.body.metadata.ownerReferences ?? [], []);
  }));

Deno.test("namespace deletion: a namespace with objects finishes deleting", async () => {
  const cluster = await useTestControlPlane();
  const ns = await createTestNamespace("ns-delete", cluster);
  for (const name of ["a", "b", "c"]) await configMap(cluster, ns, name);
  await cluster.request("POST", `/api/v1/namespaces/${ns}/secrets`, {
    metadata: { name: "s" },
    stringData: { k: "v" },
  });
  await cluster.request("DELETE", `/api/v1/namespaces/${ns}`);
  const gone = await eventually(
    async () => !(await exists(cluster, `/api/v1/namespaces/${ns}`)),
    SETTLE_MS,
  );
  assert.ok(gone, `namespace ${ns} is still there (Terminating)`);
});

Deno.test("namespace deletion: a finalizer on an object holds the namespace until removed", async () => {
  const cluster = await useTestControlPlane();
  const ns = await createTestNamespace("ns-held", cluster);
  await configMap(cluster, ns, "free");
  await configMap(cluster, ns, "held", undefined, { finalizers: ["staircase.test/hold"] });
  await cluster.request("DELETE", `/api/v1/namespaces/${ns}`);

  // The namespace controller has done all it can once the free object is gone and the held
  // one is marked for deletion; the namespace must still be there then.
  const emptied = await eventually(async () => {
    if (await exists(cluster, `/api/v1/namespaces/${ns}/configmaps/free`)) return false;
    const held = await cluster.request<Meta>("GET", `/api/v1/namespaces/${ns}/configmaps/held`);
    return held.body.metadata.deletionTimestamp !== undefined;
  }, SETTLE_MS);
  assert.ok(emptied, "the namespace controller did not empty the namespace");
  const namespace = await cluster.request<{ status: { phase: string } }>(
    "GET",
    `/api/v1/namespaces/${ns}`,
  );
  assert.equal(namespace.body.status.phase, "Terminating");

  await cluster.request(
    "PATCH",
    `/api/v1/namespaces/${ns}/configmaps/held`,
    { metadata: { finalizers: null } },
    { contentType: "application/merge-patch+json" },
  );
  const gone = await eventually(
    async () => !(await exists(cluster, `/api/v1/namespaces/${ns}`)),
    SETTLE_MS,
  );
  assert.ok(gone, `namespace ${ns} stayed after its last finalizer was removed`);
});

Deno.test("service accounts: every namespace gets a default one, and token Secrets are filled", () =>
  withNamespace(async (ns, cluster) => {
    const sa = await eventually(
      () => exists(cluster, `/api/v1/namespaces/${ns}/serviceaccounts/default`),
      SETTLE_MS,
    );
    assert.ok(sa, "no default ServiceAccount");
    await cluster.request("POST", `/api/v1/namespaces/${ns}/secrets`, {
      metadata: { name: "token", annotations: { "kubernetes.io/service-account.name": "default" } },
      type: "kubernetes.io/service-account-token",
    });
    const filled = await eventually(async () => {
      const secret = await cluster.request<{ data?: Record<string, string> }>(
        "GET",
        `/api/v1/namespaces/${ns}/secrets/token`,
      );
      return (secret.body.data?.token ?? "").length > 0;
    }, SETTLE_MS);
    assert.ok(filled, "the token Secret was not filled");
  }));

Deno.test("RBAC: aggregated ClusterRoles get their rules", async () => {
  const cluster = await useTestControlPlane();
  const aggregated = await eventually(async () => {
    const view = await cluster.request<{ rules?: unknown[] }>(
      "GET",
      "/apis/rbac.authorization.k8s.io/v1/clusterroles/view",
    );
    return (view.body.rules ?? []).length > 0;
  }, SETTLE_MS);
  assert.ok(aggregated, "ClusterRole view has no rules");
});
