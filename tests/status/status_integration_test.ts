/**
 * Status writers and conditions against a real kube-apiserver.
 *
 * @module
 */
import assert from "node:assert/strict";
import { isConflict, isInvalid, KubernetesApiError } from "../../lib/client/mod.ts";
import { withNamespace } from "../../lib/testing/mod.ts";
import {
  ApplyStatusWriter,
  findCondition,
  MergePatchStatusWriter,
  setCondition,
  withObservedGeneration,
} from "../../lib/status/mod.ts";
import {
  adminClient,
  createWidget,
  getWidget,
  type StoredWidget,
  widgetCluster,
  Widgets,
} from "./_widgets.ts";

const cluster = await widgetCluster();
const writeOptions = { signal: new AbortController().signal, runId: "r", stepName: "status" };
const T0 = Date.parse("2026-01-01T00:00:00Z");
const T1 = Date.parse("2026-01-01T01:00:00Z");
const T2 = Date.parse("2026-01-01T02:00:00Z");

for (const kind of ["apply", "merge"] as const) {
  Deno.test(`condition transitions keep lastTransitionTime on the server (${kind} writer)`, () =>
    withNamespace(async (ns) => {
      using client = await adminClient(cluster);
      const writer = kind === "apply"
        ? new ApplyStatusWriter(client, Widgets, { fieldManager: "widget-operator" })
        : new MergePatchStatusWriter(client, Widgets);
      const created = await createWidget(cluster, ns, "w");
      const write = async (
        widget: StoredWidget,
        status: "True" | "False",
        reason: string,
        now: number,
      ) => {
        const conditions = setCondition(widget.status?.conditions, {
          type: "Ready",
          status,
          reason,
        }, { now, observedGeneration: widget.metadata?.generation });
        await writer.write(
          widget,
          withObservedGeneration(widget, {
            conditions,
            phase: status === "True" ? "Ready" : "Pending",
          }),
          writeOptions,
        );
        return (await getWidget(cluster, ns, "w"))!;
      };
      const first = await write(created, "False", "Starting", T0);
      assert.equal(
        findCondition(first.status?.conditions, "Ready")?.lastTransitionTime,
        "2026-01-01T00:00:00Z",
      );
      assert.equal(first.status?.observedGeneration, 1);

      const second = await write(first, "False", "StillStarting", T1);
      const ready = findCondition(second.status?.conditions, "Ready");
      assert.equal(ready?.lastTransitionTime, "2026-01-01T00:00:00Z");
      assert.equal(ready?.reason, "StillStarting");

      const third = await write(second, "True", "Started", T2);
      assert.equal(
        findCondition(third.status?.conditions, "Ready")?.lastTransitionTime,
        "2026-01-01T02:00:00Z",
      );
      assert.equal(third.status?.phase, "Ready");
    }));
}

Deno.test("ApplyStatusWriter keeps other managers' status fields and drops its own left-out ones", () =>
  withNamespace(async (ns) => {
    using client = await adminClient(cluster);
    const widget = await createWidget(cluster, ns, "w");
    const other = new ApplyStatusWriter(client, Widgets, { fieldManager: "someone-else" });
    await other.write(widget, { note: "theirs" }, writeOptions);
    const ours = new ApplyStatusWriter(client, Widgets, { fieldManager: "widget-operator" });
    await ours.write(widget, { phase: "Pending", observedGeneration: 1 }, writeOptions);
    assert.deepEqual((await getWidget(cluster, ns, "w"))?.status, {
      note: "theirs",
      phase: "Pending",
      observedGeneration: 1,
    });
    await ours.write(widget, { phase: "Ready" }, writeOptions);
    assert.deepEqual((await getWidget(cluster, ns, "w"))?.status, {
      note: "theirs",
      phase: "Ready",
    });

    // Without force, taking over a field someone else owns is a conflict.
    const polite = new ApplyStatusWriter(client, Widgets, {
      fieldManager: "polite",
      force: false,
    });
    await assert.rejects(
      polite.write(widget, { note: "mine" }, writeOptions),
      (e) => e instanceof KubernetesApiError && isConflict(e),
    );
    // A value the schema refuses is the server's 422.
    await assert.rejects(
      ours.write(widget, { phase: "Bogus" as "Ready" }, writeOptions),
      (e) => e instanceof KubernetesApiError && isInvalid(e),
    );
  }));
