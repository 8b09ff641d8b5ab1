/**
 * Status in Runs against a real kube-apiserver: a best-effort write the server rejects does
 * not fail the Run (and is counted); a strict status step is the Run's modification and its
 * failure fails the Run.
 *
 * @module
 */
import assert from "node:assert/strict";
import { isInvalid, KubernetesApiError } from "../../lib/client/mod.ts";
import {
  noModification,
  plan,
  type ResourceOf,
  RunExecutor,
  type RunObserver,
  StepFailedError,
} from "../../lib/steps/mod.ts";
import { withNamespace } from "../../lib/testing/mod.ts";
import {
  ApplyStatusWriter,
  MergePatchStatusWriter,
  setCondition,
  writeStatus,
} from "../../lib/status/mod.ts";
import { adminClient, createWidget, getWidget, widgetCluster, Widgets } from "./_widgets.ts";

const cluster = await widgetCluster();
const silent = { debug() {}, info() {}, warn() {}, error() {} };
type W = ResourceOf<typeof Widgets>;

for (const kind of ["merge", "apply"] as const) {
  Deno.test(`a best-effort status the server rejects: the Run succeeds, the failure is counted (${kind})`, () =>
    withNamespace(async (ns) => {
      using client = await adminClient(cluster);
      let failedWrites = 0;
      const observer: RunObserver<W> = {
        onStatusWritten: (write) => {
          if (!write.ok) failedWrites++;
        },
      };
      const executor = new RunExecutor<W>({
        client,
        resourceType: Widgets,
        logger: silent,
        observer,
        statusWriter: kind === "merge"
          ? new MergePatchStatusWriter(client, Widgets)
          : new ApplyStatusWriter(client, Widgets, { fieldManager: "widget-operator" }),
      });
      const widget = await createWidget(cluster, ns, "w");
      const steps = plan(Widgets).step({
        name: "report",
        // "Bogus" is outside the CRD's enum: the server answers 422.
        run: () => noModification(undefined, { status: { phase: "Bogus" as "Ready" } }),
      });
      const result = await executor.run(widget, steps);
      assert.equal(result.end, "in-sync");
      assert.equal(result.error, undefined);
      assert.equal(result.statusWrites.length, 1);
      assert.equal(result.statusWrites[0].ok, false);
      const cause = result.statusWrites[0].error?.cause;
      assert.ok(cause instanceof KubernetesApiError && isInvalid(cause), String(cause));
      assert.equal(failedWrites, 1);
      assert.equal((await getWidget(cluster, ns, "w"))?.status, undefined);
    }));
}

Deno.test("writeStatus: the status change is the Run's modification; the next Run passes on", () =>
  withNamespace(async (ns) => {
    using client = await adminClient(cluster);
    const executor = new RunExecutor<W>({ client, resourceType: Widgets, logger: silent });
    let after = 0;
    const steps = plan(Widgets)
      .step(writeStatus({
        name: "mark-pending",
        resource: Widgets, // the default writer: a merge patch through context.client
        status: (context) => ({
          phase: "Pending" as const,
          conditions: setCondition(context.resource.status?.conditions, {
            type: "Ready",
            status: "False",
            reason: "Provisioning",
          }, { now: context.runStart, observedGeneration: context.resource.metadata.generation }),
        }),
      }))
      .step({
        name: "depends-on-phase",
        run: (context) => {
          after++;
          assert.equal(context.resource.status?.phase, "Pending");
          return noModification(undefined);
        },
      });
    await createWidget(cluster, ns, "w");
    const first = await executor.run((await getWidget(cluster, ns, "w"))!, steps);
    assert.equal(first.end, "modified");
    assert.equal(first.endedBy?.name, "mark-pending");
    assert.equal(after, 0);
    const stored = await getWidget(cluster, ns, "w");
    assert.equal(stored?.status?.phase, "Pending");
    const second = await executor.run(stored!, steps);
    assert.equal(second.end, "in-sync");
    assert.equal(after, 1);
  }));

Deno.test("writeStatus: a write the server rejects fails the Run", () =>
  withNamespace(async (ns) => {
    using client = await adminClient(cluster);
    const executor = new RunExecutor<W>({ client, resourceType: Widgets, logger: silent });
    const steps = plan(Widgets).step(writeStatus({
      writer: (runClient) => new ApplyStatusWriter(runClient, Widgets, { fieldManager: "w-op" }),
      status: () => ({ phase: "Bogus" as "Ready" }),
    }));
    const result = await executor.run(await createWidget(cluster, ns, "w"), steps);
    assert.equal(result.end, "failed");
    assert.ok(result.error instanceof StepFailedError);
    assert.equal(result.endedBy?.name, "write-status");
    assert.equal(result.action.type, "retry-with-backoff");
  }));
