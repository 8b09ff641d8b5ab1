/**
 * Informers against dedicated control planes (this file starts its own: it compacts etcd and
 * makes users): an expired resourceVersion relists and emits deletions for vanished objects,
 * with and without the API server's watch cache, and an RBAC denial is retried with backoff
 * and reported until permission is granted.
 *
 * @module
 */
import assert from "node:assert/strict";
import { type ControlPlane, startControlPlane } from "../../lib/testing/mod.ts";
import { freePort } from "../../lib/testing/ports.ts";
import { isForbidden, ResourceClient } from "../../lib/client/mod.ts";
import { type CacheEvent, ResourceInformer, type WatchError } from "../../lib/controller/mod.ts";
import {
  clientFor,
  type ConfigMap,
  ConfigMaps,
  RecordingClient,
  TcpRelay,
  waitFor,
} from "./_helpers.ts";

const FAST = { initialMs: 20, maxMs: 200 };

async function compact(etcdPort: number, revision: string): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${etcdPort}/v3/kv/compaction`, {
    method: "POST",
    body: JSON.stringify({ revision, physical: true }),
  });
  const text = await response.text();
  assert.equal(response.status, 200, `etcd compaction: ${text}`);
}

async function expiredResourceVersion(watchCache: boolean): Promise<void> {
  const etcdPort = freePort();
  await using cp: ControlPlane = await startControlPlane({
    etcdPort,
    extraApiServerArgs: [`--watch-cache=${watchCache}`],
  });
  using admin = await clientFor(cp.kubeconfig.path);
  const cms = new ResourceClient(admin, ConfigMaps, "default");
  for (const name of ["a", "b", "c"]) await cms.create({ metadata: { name }, data: { v: "1" } });

  await using relay = new TcpRelay(cp.url);
  using http = await clientFor(cp.kubeconfig.path, relay.url);
  const client = new RecordingClient(http);
  const informer = new ResourceInformer(client, ConfigMaps, {
    namespace: "default",
    backoff: FAST,
  });
  const events: CacheEvent<ConfigMap>[] = [];
  informer.subscribe((event) => events.push(event));
  const stop = new AbortController();
  const run = informer.run(stop.signal);
  try {
    await informer.waitForSync(AbortSignal.timeout(30_000));
    assert.equal(informer.size, 3);
    events.length = 0;
    const watchListsBefore = client.watches.filter((w) => w.query.has("sendInitialEvents")).length;
    const listsBefore = client.lists.length;

    // While the informer cannot reach the server, objects vanish and history is compacted.
    relay.block();
    await cms.delete("a");
    await cms.delete("b");
    await cms.patch("c", { data: { v: "2" } }, { type: "merge" });
    const d = await cms.create({ metadata: { name: "d" }, data: { v: "1" } });
    await compact(etcdPort, d.metadata!.resourceVersion!);
    relay.unblock();

    await waitFor(
      () =>
        informer.get("a", "default") === undefined && informer.get("b", "default") === undefined &&
        informer.get("c", "default")?.data?.v === "2" && informer.get("d", "default") !== undefined,
      "the state after the outage",
    );
    const deleted = events.filter((e) => e.type === "deleted").map((e) => e.object.metadata?.name);
    assert.deepEqual(deleted.sort(), ["a", "b"], "a deletion per vanished object");
    assert.equal(events.find((e) => e.object.metadata?.name === "c")?.type, "modified");
    assert.equal(events.find((e) => e.object.metadata?.name === "d")?.type, "added");
    assert.ok(informer.hasObserved(d.metadata!.resourceVersion!));
    const relisted = client.watches.filter((w) => w.query.has("sendInitialEvents")).length -
      watchListsBefore +
      client.lists.length - listsBefore;
    if (watchCache) {
      // The watch cache still holds the history etcd compacted: it answers the resume with
      // the changes themselves instead of 410, and no new initial state is needed.
      assert.equal(relisted, 0, "resumed from the watch cache");
    } else {
      assert.ok(relisted >= 1, "410 Gone: a new initial state was read");
    }
  } finally {
    stop.abort();
    await run;
  }
}

Deno.test("informer: an expired resourceVersion relists and emits deletions (no watch cache)", () =>
  expiredResourceVersion(false));

Deno.test("informer: a compacted resourceVersion resumes from the watch cache", () =>
  expiredResourceVersion(true));

Deno.test("informer: an RBAC denial is retried with backoff and reported until granted", async () => {
  await using cp: ControlPlane = await startControlPlane();
  const userConfig = await cp.createUser("cache-reader");
  using client = await clientFor(userConfig.path);
  const errors: WatchError[] = [];
  const informer = new ResourceInformer(client, ConfigMaps, {
    namespace: "default",
    backoff: { initialMs: 20, maxMs: 300, jitter: 0 },
    onError: (error) => errors.push(error),
  });
  const stop = new AbortController();
  const run = informer.run(stop.signal);
  try {
    await waitFor(() => errors.length >= 4, "three refusals");
    assert.equal(informer.synced, false);
    assert.ok(isForbidden(errors[0].cause), String(errors[0].cause));
    assert.match(
      errors[0].message,
      /watching ConfigMap in namespace "default" failed: .*403 Forbidden.*lacks RBAC permission.*retrying in 20 ms/,
    );
    assert.deepEqual(errors.slice(0, 4).map((e) => e.retryInMs), [20, 40, 80, 160]);
    assert.equal(informer.lastError, errors.at(-1));

    using admin = await clientFor(cp.kubeconfig.path);
    await admin.performRequest({
      method: "POST",
      path: "/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles",
      bodyJson: {
        metadata: { name: "cache-reader" },
        rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["list", "watch"] }],
      },
      expectJson: true,
    });
    await admin.performRequest({
      method: "POST",
      path: "/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings",
      bodyJson: {
        metadata: { name: "cache-reader" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "cache-reader" },
        subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: "cache-reader" }],
      },
      expectJson: true,
    });
    await informer.waitForSync(AbortSignal.timeout(30_000));
    assert.equal(informer.lastError, undefined);
  } finally {
    stop.abort();
    await run;
  }
});
