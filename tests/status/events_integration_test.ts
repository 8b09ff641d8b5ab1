/**
 * The EventRecorder against a real kube-apiserver: Events the server accepts, and a hot loop
 * aggregated into one series.
 *
 * @module
 */
import assert from "node:assert/strict";
import { kubeConfigClient } from "../../lib/client/mod.ts";
import { ConfigMaps } from "../../lib/apis/core/v1/mod.ts";
import { plan, type ResourceOf, RunExecutor } from "../../lib/steps/mod.ts";
import { createWidget, widgetCluster, Widgets } from "./_widgets.ts";
import { withNamespace } from "../../lib/testing/mod.ts";
import type { Event, EventList } from "../../lib/apis/events.k8s.io/v1/mod.ts";
import { childName, ensureChild, EventRecorder, objectReference } from "../../lib/status/mod.ts";

const silent = { debug() {}, info() {}, warn() {}, error() {} };

Deno.test("1,000 identical events in a loop become one Event series on the server", () =>
  withNamespace(async (ns, cluster) => {
    using client = await kubeConfigClient({ paths: [cluster.kubeconfigPath] });
    const { body: cm } = await cluster.request<{ metadata: { uid: string } }>(
      "POST",
      `/api/v1/namespaces/${ns}/configmaps`,
      { metadata: { name: "hot" } },
    );
    const recorder = new EventRecorder(client, {
      reportingController: "tests.staircase.dev/status-tests",
      reportingInstance: "status-tests-0",
      logger: silent,
    });
    const events = recorder.forObject(
      objectReference({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "hot", namespace: ns, uid: cm.metadata.uid },
      }),
    );
    for (let i = 0; i < 1000; i++) {
      events.record({
        type: "Warning",
        reason: "Overheated",
        action: "Reconcile",
        note: "too hot",
      });
    }
    await recorder.close();
    assert.deepEqual(recorder.stats, {
      recorded: 1000,
      created: 1,
      updated: 1,
      failed: 0,
      dropped: 0,
    });

    const { body } = await cluster.request<EventList>(
      "GET",
      `/apis/events.k8s.io/v1/namespaces/${ns}/events`,
    );
    assert.equal(body.items.length, 1);
    const event: Event = body.items[0];
    assert.equal(event.series?.count, 1000);
    assert.ok(event.series?.lastObservedTime);
    assert.equal(event.reason, "Overheated");
    assert.equal(event.action, "Reconcile");
    assert.equal(event.type, "Warning");
    assert.equal(event.note, "too hot");
    assert.equal(event.regarding?.uid, cm.metadata.uid);
    assert.equal(event.reportingController, "tests.staircase.dev/status-tests");
    assert.equal(event.reportingInstance, "status-tests-0");
  }));

Deno.test("distinct Events, a related object, a cluster-scoped subject and a long note", () =>
  withNamespace(async (ns, cluster) => {
    using client = await kubeConfigClient({ paths: [cluster.kubeconfigPath] });
    const recorder = new EventRecorder(client, {
      reportingController: "tests.staircase.dev/status-tests",
      logger: silent,
    });
    const regarding = { apiVersion: "v1", kind: "ConfigMap", name: "a", namespace: ns };
    recorder.record({ type: "Normal", reason: "Created", action: "Create", regarding });
    recorder.record({
      type: "Normal",
      reason: "Linked",
      action: "Update",
      note: "é".repeat(2000),
      regarding,
      related: { apiVersion: "v1", kind: "Secret", name: "b", namespace: ns },
    });
    recorder.record({
      type: "Normal",
      reason: "Seen",
      action: "Observe",
      regarding: { apiVersion: "v1", kind: "Namespace", name: ns },
    });
    await recorder.close();
    assert.equal(recorder.stats.created, 3);
    assert.equal(recorder.stats.failed, 0);
    const { body } = await cluster.request<EventList>(
      "GET",
      `/apis/events.k8s.io/v1/namespaces/${ns}/events`,
    );
    const byReason = new Map(body.items.map((e) => [e.reason, e]));
    assert.equal(byReason.get("Linked")?.related?.name, "b");
    assert.ok(new TextEncoder().encode(byReason.get("Linked")?.note).length <= 1024);
    assert.equal(byReason.get("Created")?.series, undefined);
    // An Event about a cluster-scoped object lives in the default namespace.
    const { body: inDefault } = await cluster.request<EventList>(
      "GET",
      `/apis/events.k8s.io/v1/namespaces/default/events?fieldSelector=regarding.name%3D${ns}`,
    );
    assert.equal(byReason.has("Seen"), false);
    assert.deepEqual(inDefault.items.map((e) => e.reason), ["Seen"]);
  }));

Deno.test("a step's Events (ensureChild's Created) reach the server about the Run's resource", () =>
  withNamespace(async (ns) => {
    const cluster = await widgetCluster();
    using client = await kubeConfigClient({ paths: [cluster.kubeconfigPath] });
    const widget = await createWidget(cluster, ns, "w");
    const recorder = new EventRecorder(client, {
      reportingController: "tests.staircase.dev/status-tests",
      logger: silent,
    });
    const executor = new RunExecutor<ResourceOf<typeof Widgets>>({
      client,
      resourceType: Widgets,
      logger: silent,
      events: recorder.forObject(objectReference(widget)),
    });
    const steps = plan(Widgets).step(ensureChild({
      resource: ConfigMaps,
      desired: ({ resource }) => ({ metadata: { name: childName(resource, "config") } }),
    }));
    assert.equal((await executor.run(widget, steps)).end, "modified");
    await recorder.close();
    const { body } = await cluster.request<EventList>(
      "GET",
      `/apis/events.k8s.io/v1/namespaces/${ns}/events`,
    );
    assert.equal(body.items.length, 1);
    const [event] = body.items;
    assert.equal(event.reason, "Created");
    assert.equal(event.action, "Create");
    assert.deepEqual(
      [event.regarding?.kind, event.regarding?.name, event.regarding?.uid],
      ["Widget", "w", widget.metadata.uid],
    );
    assert.deepEqual([event.related?.kind, event.related?.name], ["ConfigMap", "w-config"]);
    assert.ok(event.related?.uid);
  }));
