/**
 * The client against a real kube-apiserver (the shared test control plane).
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  type ConfigMap,
  ConfigMaps,
  Namespaces,
  Secrets,
  ServiceAccounts,
} from "../../lib/apis/core/v1/mod.ts";
import { Deployments } from "../../lib/apis/apps/v1/mod.ts";
import { deployment, whoAmI } from "../_fixtures.ts";
import { createTestNamespace, useTestControlPlane } from "../../lib/testing/shared.ts";
import { startControlPlane } from "../../lib/testing/control_plane.ts";
import {
  connectionFromKubeConfig,
  decorateRestClient,
  HttpRestClient,
  inClusterConnection,
  isAlreadyExists,
  isConflict,
  isForbidden,
  isGone,
  isInvalid,
  isNotFound,
  isStatus,
  kubeConfigClient,
  KubernetesApiError,
  loadKubeConfig,
  ResourceClient,
  StaticCredentials,
  type WatchState,
} from "../../lib/client/mod.ts";

const cluster = await useTestControlPlane();

function adminClient(): Promise<HttpRestClient> {
  return kubeConfigClient({ paths: [cluster.kubeconfigPath] });
}

Deno.test("integration: every verb on ConfigMaps, typed errors, GET+PUT round-trip", async () => {
  using client = await adminClient();
  const ns = await createTestNamespace("client-verbs", cluster);
  const cms = new ResourceClient(client, ConfigMaps).namespace(ns);
  const created = await cms.create({
    metadata: { name: "a", labels: { l: "1" }, annotations: { "x/y": "z" } },
    data: { k: "v" },
    binaryData: { b: btoa("\u0000\u0001") },
    immutable: false,
  });
  assert.equal(created.metadata?.namespace, ns);
  await assert.rejects(cms.create({ metadata: { name: "a" } }), (e) => isAlreadyExists(e));
  await assert.rejects(cms.get("missing"), (e) => isNotFound(e));
  await assert.rejects(cms.create({ metadata: { name: "Bad_Name" } }), (e) => isInvalid(e));

  // Round trip: whatever GET returns, PUT accepts and keeps, field for field.
  const got = await cms.get("a");
  const replaced = await cms.replace("a", got);
  const { resourceVersion: _a, managedFields: _m1, ...metaBefore } = got.metadata!;
  const { resourceVersion: _b, managedFields: _m2, ...metaAfter } = replaced.metadata!;
  assert.deepEqual({ ...replaced, metadata: metaAfter }, { ...got, metadata: metaBefore });
  await cms.patch("a", { data: { k: "v2" } }, { type: "merge" });
  await assert.rejects(cms.replace("a", got), (e) => isConflict(e), "stale resourceVersion");

  const list = await cms.list();
  assert.deepEqual(list.items.map((i) => i.metadata?.name), ["a"]);
  assert.equal(list.kind, "ConfigMapList");
  const dry = await cms.delete("a", { dryRun: true });
  // Objects without finalizers come back as a Success Status naming the object.
  assert.ok(isStatus(dry), JSON.stringify(dry));
  assert.equal(dry.status, "Success");
  assert.equal(dry.details?.name, "a");
  await cms.get("a");
  await cms.delete("a", { preconditions: { uid: created.metadata?.uid } });
  await assert.rejects(cms.get("a"), (e) => isNotFound(e));

  for (const n of ["x1", "x2", "y1"]) {
    await cms.create({ metadata: { name: n, labels: { group: n[0] } } });
  }
  await cms.deleteCollection({ labelSelector: "group=x" });
  assert.deepEqual((await cms.list()).items.map((i) => i.metadata?.name), ["y1"]);
  // Cluster-wide list sees this namespace's object too.
  const all = await new ResourceClient(client, ConfigMaps).list({
    fieldSelector: `metadata.namespace=${ns}`,
  });
  assert.deepEqual(all.items.map((i) => i.metadata?.name), ["y1"]);
});

Deno.test("integration: patch kinds (merge, json, strategic, apply with conflict and force)", async () => {
  using client = await adminClient();
  const ns = await createTestNamespace("client-patch", cluster);
  const cms = new ResourceClient(client, ConfigMaps, ns);
  await cms.create({ metadata: { name: "p" }, data: { a: "1", b: "2" } });
  const merged = await cms.patch("p", { data: { a: null, c: "3" } }, { type: "merge" });
  assert.deepEqual(merged.data, { b: "2", c: "3" });
  const jsonPatched = await cms.patch("p", [
    { op: "test", path: "/data/b", value: "2" },
    { op: "replace", path: "/data/b", value: "20" },
  ], { type: "json" });
  assert.deepEqual(jsonPatched.data, { b: "20", c: "3" });
  await assert.rejects(
    cms.patch("p", [{ op: "test", path: "/data/b", value: "wrong" }], { type: "json" }),
    (e) => e instanceof KubernetesApiError && e.code === 422,
  );
  const strategic = await cms.patch("p", { data: { d: "4" } }, { type: "strategic" });
  assert.equal(strategic.data?.d, "4");

  const deploys = new ResourceClient(client, Deployments, ns);
  await deploys.create(deployment("web"));
  // Strategic merge merges the containers list by name instead of replacing it.
  const sm = await deploys.patch("web", {
    spec: { template: { spec: { containers: [{ name: "side", image: "busybox" }] } } },
  }, { type: "strategic" });
  const containers = (sm.spec as { template: { spec: { containers: { name: string }[] } } })
    .template.spec.containers.map((c) => c.name).sort();
  assert.deepEqual(containers, ["main", "side"]);

  const applied = await cms.patch(
    "ap",
    { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "ap" }, data: { owned: "mine" } },
    { type: "apply", fieldManager: "first" },
  );
  assert.equal(applied.data?.owned, "mine");
  const conflict = await cms.patch(
    "ap",
    { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "ap" }, data: { owned: "theirs" } },
    { type: "apply", fieldManager: "second" },
  ).catch((e) => e);
  assert.equal(isConflict(conflict), true, String(conflict));
  assert.ok(conflict.causes.length >= 1);
  const forced = await cms.patch(
    "ap",
    { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "ap" }, data: { owned: "theirs" } },
    { type: "apply", fieldManager: "second", force: true },
  );
  assert.equal(forced.data?.owned, "theirs");
});

Deno.test("integration: status and scale subresources", async () => {
  using client = await adminClient();
  const ns = await createTestNamespace("client-sub", cluster);
  const deploys = new ResourceClient(client, Deployments, ns);
  await deploys.create(deployment("d"));
  const scale = await deploys.getScale("d");
  assert.equal(scale.kind, "Scale");
  assert.equal(scale.spec?.replicas, 1);
  await deploys.replaceScale("d", { ...scale, spec: { replicas: 2 } });
  const patched = await deploys.patchScale("d", { spec: { replicas: 3 } }, { type: "merge" });
  assert.equal(patched.spec?.replicas, 3);
  const withStatus = await deploys.patchStatus("d", { status: { observedGeneration: 7 } }, {
    type: "merge",
  });
  assert.equal(withStatus.status?.observedGeneration, 7);
  const current = await deploys.getStatus("d");
  const replaced = await deploys.replaceStatus("d", {
    ...current,
    status: { ...current.status, observedGeneration: 8 },
    spec: { ...current.spec, replicas: 9 }, // ignored by the status endpoint
  });
  assert.equal(replaced.status?.observedGeneration, 8);
  assert.equal(replaced.spec?.replicas, 3);
});

Deno.test("integration: pagination with limit and listAll", async () => {
  using client = await adminClient();
  const ns = await createTestNamespace("client-page", cluster);
  const cms = new ResourceClient(client, ConfigMaps, ns);
  for (let i = 0; i < 7; i++) await cms.create({ metadata: { name: `c${i}` } });
  const page = await cms.list({ limit: 3 });
  assert.equal(page.items.length, 3);
  assert.ok(page.metadata?.continue);
  assert.equal(page.metadata?.remainingItemCount, 4);
  const names = (await Array.fromAsync(cms.listAll({ limit: 3 }))).map((c) => c.metadata?.name);
  assert.deepEqual(names, ["c0", "c1", "c2", "c3", "c4", "c5", "c6"]);
});

Deno.test("integration: watch, resume from the last resourceVersion, server timeoutSeconds", async () => {
  using client = await adminClient();
  const ns = await createTestNamespace("client-watch", cluster);
  const cms = new ResourceClient(client, ConfigMaps, ns);
  const rv = (await cms.list()).metadata!.resourceVersion!;
  await cms.create({ metadata: { name: "w" }, data: { n: "1" } });
  await cms.patch("w", { data: { n: "2" } }, { type: "merge" });
  const state: WatchState = {};
  const ac = new AbortController();
  const seen: string[] = [];
  for await (
    const e of cms.watch({
      resourceVersion: rv,
      state,
      abortSignal: ac.signal,
      allowWatchBookmarks: true,
    })
  ) {
    if (e.type === "BOOKMARK") continue;
    seen.push(`${e.type} ${(e.object as ConfigMap).data?.n}`);
    if (seen.length === 2) break;
  }
  assert.deepEqual(seen, ["ADDED 1", "MODIFIED 2"]);
  assert.ok(state.resourceVersion);

  // Resume from where the first watch stopped: only later changes arrive.
  await cms.delete("w");
  const resumed: string[] = [];
  for await (const e of cms.watch({ resourceVersion: state.resourceVersion, state })) {
    resumed.push(e.type);
    break;
  }
  assert.deepEqual(resumed, ["DELETED"]);

  // The server ends the stream after timeoutSeconds; the generator returns normally.
  const start = performance.now();
  for await (const _ of cms.watch({ resourceVersion: state.resourceVersion, timeoutSeconds: 1 })) {
    /* nothing happens in this namespace */
  }
  assert.ok(performance.now() - start < 10_000);
});

Deno.test({
  name: "integration: a too-old resourceVersion gives isGone for watch and for continue tokens",
  // Its own control plane: the shared one's watch cache serves old versions, and etcd
  // compacts only every 5 minutes; here the cache is off and compaction runs every second.
  async fn() {
    await using cp = await startControlPlane({
      extraApiServerArgs: ["--watch-cache=false", "--etcd-compaction-interval=1s"],
    });
    using client = await kubeConfigClient({ paths: [cp.kubeconfig.path] });
    const namespaces = new ResourceClient(client, Namespaces);
    await namespaces.create({ metadata: { name: "old" } });
    const cms = new ResourceClient(client, ConfigMaps, "old");
    for (let i = 0; i < 3; i++) await cms.create({ metadata: { name: `c${i}` } });
    const first = await cms.list({ limit: 1 });
    const oldRv = first.metadata!.resourceVersion!;
    // Newer revisions, then wait for two compaction rounds to pass them.
    for (let i = 0; i < 3; i++) {
      await cms.patch("c0", { data: { i: String(i) } }, { type: "merge" });
    }
    await new Promise((r) => setTimeout(r, 3500));
    await cms.patch("c0", { data: { i: "late" } }, { type: "merge" });
    await new Promise((r) => setTimeout(r, 2500));
    const err = await (async () => {
      for await (const _ of cms.watch({ resourceVersion: oldRv, timeoutSeconds: 5 })) {
        /* expect an ERROR event */
      }
    })().catch((e) => e);
    assert.ok(err instanceof KubernetesApiError, String(err));
    assert.equal(isGone(err), true, String(err));
    const listErr = await cms.list({ limit: 1, continue: first.metadata!.continue }).catch((e) =>
      e
    );
    assert.equal(isGone(listErr), true, String(listErr));
  },
});

async function serviceAccountToken(client: HttpRestClient, ns: string): Promise<string> {
  const rbac = (plural: string, kind: string) =>
    new ResourceClient<Record<string, unknown>>(client, {
      group: "rbac.authorization.k8s.io",
      version: "v1",
      plural,
      kind,
      namespaced: true,
    }, ns);
  await new ResourceClient(client, ServiceAccounts, ns).create({ metadata: { name: "reader" } });
  await rbac("roles", "Role").create({
    metadata: { name: "cm-reader" },
    rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list"] }],
  });
  await rbac("rolebindings", "RoleBinding").create({
    metadata: { name: "reader" },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "cm-reader" },
    subjects: [{ kind: "ServiceAccount", name: "reader", namespace: ns }],
  });
  const tr = await client.performRequest({
    method: "POST",
    path: `/api/v1/namespaces/${ns}/serviceaccounts/reader/token`,
    bodyJson: {
      apiVersion: "authentication.k8s.io/v1",
      kind: "TokenRequest",
      spec: { expirationSeconds: 3600 },
    },
    expectJson: true,
  }) as { status: { token: string } };
  return tr.status.token;
}

Deno.test("integration: bearer token auth with RBAC; forbidden is isForbidden; no token in errors", async () => {
  using admin = await adminClient();
  const ns = await createTestNamespace("client-auth", cluster);
  await new ResourceClient(admin, ConfigMaps, ns).create({ metadata: { name: "visible" } });
  const token = await serviceAccountToken(admin, ns);
  using sa = new HttpRestClient({
    server: admin.connection.server,
    caCerts: admin.connection.caCerts,
    credentials: StaticCredentials.bearer(token),
  });
  const cms = new ResourceClient(sa, ConfigMaps, ns);
  assert.equal((await cms.get("visible")).metadata?.name, "visible");
  const err = await cms.create({ metadata: { name: "nope" } }).catch((e) => e);
  assert.equal(isForbidden(err), true, String(err));
  assert.equal(err.message.includes(token), false);
  const secrets = new ResourceClient(sa, Secrets, ns);
  await assert.rejects(secrets.list(), (e) => isForbidden(e));
  using bad = new HttpRestClient({
    server: admin.connection.server,
    caCerts: admin.connection.caCerts,
    credentials: StaticCredentials.bearer("not-a-valid-token"),
  });
  const unauth = await new ResourceClient(bad, ConfigMaps, ns).list().catch((e) => e);
  assert.equal(unauth.code, 401);
  assert.equal(unauth.message.includes("not-a-valid-token"), false);
});

Deno.test("integration: in-cluster config from a fake service-account folder", async () => {
  using admin = await adminClient();
  const ns = await createTestNamespace("client-incluster", cluster);
  await new ResourceClient(admin, ConfigMaps, ns).create({ metadata: { name: "seen" } });
  const token = await serviceAccountToken(admin, ns);
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/token`, token);
    await Deno.writeTextFile(`${dir}/ca.crt`, admin.connection.caCerts![0]);
    await Deno.writeTextFile(`${dir}/namespace`, ns);
    const url = new URL(admin.connection.server);
    using client = new HttpRestClient(
      await inClusterConnection({ serviceAccountDir: dir, host: url.hostname, port: url.port }),
    );
    assert.equal(client.defaultNamespace, ns);
    const cms = new ResourceClient(client, ConfigMaps, client.defaultNamespace);
    assert.deepEqual((await cms.list()).items.map((c) => c.metadata?.name), ["seen"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("integration: client-certificate auth from the admin kubeconfig", async () => {
  const config = await loadKubeConfig({ paths: [cluster.kubeconfigPath] });
  const connection = await connectionFromKubeConfig(config);
  assert.ok(connection.clientCertificate, "the admin kubeconfig uses a client certificate");
  assert.equal(connection.credentials, undefined);
  using client = new HttpRestClient(connection);
  const user = await whoAmI(client);
  assert.ok(user.groups.includes("system:masters"), JSON.stringify(user));
});

Deno.test("integration: an undefined name is refused and deletes nothing (issue 8, item 2)", async () => {
  using client = await adminClient();
  const ns = await createTestNamespace("client-noname", cluster);
  const cms = new ResourceClient(client, ConfigMaps, ns);
  for (const name of ["keep-1", "keep-2"]) await cms.create({ metadata: { name } });
  const names = async (): Promise<string[]> =>
    (await cms.list({ labelSelector: "" })).items.map((c) => c.metadata!.name!).filter((n) =>
      n.startsWith("keep-")
    );
  const missing = undefined as unknown as string;
  const calls: [string, () => Promise<unknown>][] = [
    ["delete", () => cms.delete(missing)],
    ["get", () => cms.get(missing)],
    ["replace", () => cms.replace(missing, { metadata: { resourceVersion: "1" } })],
    ["patch", () => cms.patch(missing, { data: { a: "b" } }, { type: "merge" })],
  ];
  for (const [verb, call] of calls) {
    await assert.rejects(call(), (err: unknown) => {
      assert.ok(err instanceof TypeError, `${verb}: ${err}`);
      assert.match(err.message, /object name must be a non-empty string/);
      return true;
    });
  }
  assert.deepEqual(await names(), ["keep-1", "keep-2"]);
});

Deno.test("integration: a watch sees a creation; listAll's resourceVersion starts it", async () => {
  using client = await adminClient();
  const ns = await createTestNamespace("client-watch-create", cluster);
  const cms = new ResourceClient(client, ConfigMaps, ns);
  await cms.create({ metadata: { name: "before" } });
  const listing = cms.listAll();
  const listed: string[] = [];
  let step = await listing.next();
  for (; !step.done; step = await listing.next()) listed.push(step.value.metadata!.name!);
  assert.deepEqual(listed, ["before"]);
  assert.ok(step.value.resourceVersion, "the list hands back its resourceVersion");
  const ac = new AbortController();
  const events = cms.watch({
    resourceVersion: step.value.resourceVersion,
    abortSignal: ac.signal,
    timeoutSeconds: 30,
  });
  await cms.create({ metadata: { name: "watched" }, data: { w: "1" } });
  const seen: string[] = [];
  try {
    for await (const event of events) {
      if (event.type === "BOOKMARK") continue;
      seen.push(`${event.type} ${event.object.metadata?.name} ${event.object.data?.w}`);
      break;
    }
  } finally {
    ac.abort();
  }
  // Only the creation after the list: "before" is not replayed.
  assert.deepEqual(seen, ["ADDED watched 1"]);
});

Deno.test("integration: a conditional PUT through a counting decorator; conflicts still protect it", async () => {
  using admin = await adminClient();
  const ns = await createTestNamespace("client-decorate", cluster);
  const sent: string[] = [];
  const client = decorateRestClient(admin, (options, next) => {
    sent.push(`${options.method} ${options.idempotent ?? "-"}`);
    return next(options);
  });
  const cms = new ResourceClient(client, ConfigMaps, ns);
  const created = await cms.create({ metadata: { name: "c" }, data: { a: "1" } });
  const replaced = await cms.replace("c", { ...created, data: { a: "2" } });
  assert.equal(replaced.data?.a, "2");
  await assert.rejects(
    cms.replace("c", { ...created, data: { a: "3" } }),
    (err: unknown) => isConflict(err),
  );
  assert.deepEqual(sent, ["POST -", "PUT true", "PUT true"]);
});
