/**
 * ensureChild against a real kube-apiserver: create, pass on, repair drift, adopt, refuse a
 * child controlled elsewhere, survive a cache that is behind.
 *
 * @module
 */
import assert from "node:assert/strict";
import { type ConfigMap, ConfigMaps } from "../../lib/apis/core/v1/mod.ts";
import { NotCachedError, type ObjectCache } from "../../lib/controller/mod.ts";
import {
  noModification,
  plan,
  type ResourceOf,
  RunExecutor,
  StepFailedError,
} from "../../lib/steps/mod.ts";
import { withNamespace } from "../../lib/testing/mod.ts";
import {
  childLabels,
  childName,
  ChildOwnedElsewhereError,
  ensureChild,
  type EventInput,
} from "../../lib/status/mod.ts";
import { adminClient, createWidget, type Widget, widgetCluster, Widgets } from "./_widgets.ts";

const cluster = await widgetCluster();
const silent = { debug() {}, info() {}, warn() {}, error() {} };
type W = ResourceOf<typeof Widgets>;

function configPlan(patch: "merge" | "apply", seen: ConfigMap[]) {
  return plan(Widgets)
    .step(ensureChild({
      resource: ConfigMaps,
      patch,
      fieldManager: "widget-operator",
      desired: ({ resource }) => ({
        metadata: {
          name: childName(resource, "config"),
          labels: childLabels(resource, { managedBy: "widget-operator" }),
        },
        data: { size: String(resource.spec?.size ?? 0) },
      }),
    }))
    .step({
      name: "use-config",
      run: (_context, child: ConfigMap) => {
        seen.push(child);
        return noModification(undefined);
      },
    });
}

function cmPath(ns: string, name = "w-config"): string {
  return `/api/v1/namespaces/${ns}/configmaps/${name}`;
}

async function getCm(ns: string): Promise<ConfigMap> {
  return (await cluster.request<ConfigMap>("GET", cmPath(ns))).body;
}

for (const patch of ["merge", "apply"] as const) {
  Deno.test(`ensureChild creates, passes on and repairs drift (${patch})`, () =>
    withNamespace(async (ns) => {
      using client = await adminClient(cluster);
      const events: EventInput[] = [];
      const executor = new RunExecutor<W>({
        client,
        resourceType: Widgets,
        logger: silent,
        controller: "widget-controller",
        events: { record: (event) => void events.push(event) },
      });
      const seen: ConfigMap[] = [];
      const steps = configPlan(patch, seen);
      const widget = await createWidget(cluster, ns, "w", { spec: { size: 3 } });

      const created = await executor.run(widget, steps);
      assert.equal(created.end, "modified");
      assert.equal(created.endedBy?.name, "ensure-configmap");
      const cm = await getCm(ns);
      assert.deepEqual(cm.data, { size: "3" });
      assert.equal(cm.metadata?.labels?.["app.kubernetes.io/instance"], "w");
      assert.deepEqual(
        cm.metadata?.ownerReferences?.map((r) => [r.kind, r.name, r.uid, r.controller]),
        [["Widget", "w", widget.metadata?.uid, true]],
      );
      assert.deepEqual(events.map((e) => [e.reason, e.related?.name]), [["Created", "w-config"]]);
      assert.equal(
        cm.metadata?.managedFields?.some((f) => f.manager === "widget-operator"),
        true,
      );

      const inSync = await executor.run(widget, steps);
      assert.equal(inSync.end, "in-sync");
      assert.equal(seen.length, 1);
      assert.deepEqual(seen[0].data, { size: "3" });

      // Someone edits the owned value and adds a key of their own.
      await cluster.request("PATCH", cmPath(ns), { data: { size: "9", extra: "theirs" } }, {
        contentType: "application/merge-patch+json",
      });
      const repaired = await executor.run(widget, steps);
      assert.equal(repaired.end, "modified");
      assert.match(repaired.message ?? "", /repaired drift in ConfigMap w-config/);
      assert.deepEqual((await getCm(ns)).data, { size: "3", extra: "theirs" });
      assert.equal((await executor.run(widget, steps)).end, "in-sync");
    }));
}

Deno.test("ensureChild: a cache that is behind (AlreadyExists) compares with the live child", () =>
  withNamespace(async (ns) => {
    using client = await adminClient(cluster);
    let cacheReads = 0;
    const emptyCache: ObjectCache = {
      get: () => (cacheReads++, undefined),
      list: () => [],
    };
    const executor = new RunExecutor<W>({
      client,
      resourceType: Widgets,
      logger: silent,
      cache: emptyCache,
    });
    const seen: ConfigMap[] = [];
    const steps = configPlan("merge", seen);
    const widget = await createWidget(cluster, ns, "w", { spec: { size: 1 } });
    assert.equal((await executor.run(widget, steps)).end, "modified");
    // The cache still says absent: the create is refused, the live child is in sync.
    const again = await executor.run(widget, steps);
    assert.equal(again.end, "in-sync");
    assert.equal(cacheReads, 2);
    assert.equal(seen[0]?.metadata?.name, "w-config");
  }));

Deno.test("ensureChild reads a cached child without a request (cache hit)", () =>
  withNamespace(async (ns) => {
    using client = await adminClient(cluster);
    const widget = await createWidget(cluster, ns, "w", { spec: { size: 2 } });
    const cached: ConfigMap = {
      metadata: {
        name: "w-config",
        namespace: ns,
        labels: childLabels(widget, { managedBy: "widget-operator" }),
        ownerReferences: [{
          apiVersion: "tests.staircase.dev/v1",
          kind: "Widget",
          name: "w",
          uid: widget.metadata!.uid!,
          controller: true,
        }],
      },
      data: { size: "2" },
    };
    const cache: ObjectCache = {
      get: <T>(resource: { kind: string; apiVersion: string }) => {
        if (resource.kind !== "ConfigMap") {
          throw new NotCachedError(resource.apiVersion, resource.kind);
        }
        return cached as T;
      },
      list: () => [],
    };
    const executor = new RunExecutor<W>({ client, resourceType: Widgets, logger: silent, cache });
    const seen: ConfigMap[] = [];
    // Nothing exists on the server: a hit means no request was needed (and none was made).
    const result = await executor.run(widget, configPlan("merge", seen));
    assert.equal(result.end, "in-sync");
    assert.equal(seen[0], cached);
  }));

Deno.test("ensureChild adopts an uncontrolled child and refuses one controlled elsewhere", () =>
  withNamespace(async (ns) => {
    using client = await adminClient(cluster);
    const executor = new RunExecutor<W>({ client, resourceType: Widgets, logger: silent });
    const widget: Widget = await createWidget(cluster, ns, "w", { spec: { size: 5 } });
    const other: Widget = await createWidget(cluster, ns, "other");
    const otherRef = {
      apiVersion: "tests.staircase.dev/v1",
      kind: "Widget",
      name: "other",
      uid: other.metadata!.uid!,
    };
    // Uncontrolled, with a plain (non-controller) owner reference to keep.
    await cluster.request("POST", `/api/v1/namespaces/${ns}/configmaps`, {
      metadata: { name: "w-config", ownerReferences: [otherRef] },
      data: { size: "5" },
    });
    const adopted = await executor.run(widget, configPlan("merge", []));
    assert.equal(adopted.end, "modified");
    assert.match(adopted.message ?? "", /adopted ConfigMap w-config/);
    const cm = await getCm(ns);
    assert.deepEqual(cm.metadata?.ownerReferences?.map((r) => [r.name, r.controller ?? false]), [
      ["other", false],
      ["w", true],
    ]);
    assert.equal((await executor.run(widget, configPlan("merge", []))).end, "in-sync");

    // A child controlled by the other Widget is not taken over.
    await cluster.request("POST", `/api/v1/namespaces/${ns}/configmaps`, {
      metadata: { name: "x-config", ownerReferences: [{ ...otherRef, controller: true }] },
    });
    const x: Widget = await createWidget(cluster, ns, "x");
    const refused = await executor.run(x, configPlan("merge", []));
    assert.equal(refused.end, "failed");
    assert.ok(refused.error instanceof StepFailedError);
    assert.ok(refused.error.cause instanceof ChildOwnedElsewhereError);
    assert.match(refused.error.cause.message, /controlled by Widget\/other/);
  }));
