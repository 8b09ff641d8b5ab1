import assert from "node:assert/strict";
import { SpanStatusCode } from "@opentelemetry/api";
import { modified, noModification, plan, RunExecutor } from "../../mod.ts";
import type { RestClient } from "../../lib/client/contract.ts";
import { ATTRIBUTES, METRICS, RunTelemetry, tracingClient } from "../../lib/telemetry/mod.ts";
import { only, parentOf, TestSdk } from "./_sdk.ts";

interface Workload {
  kind: string;
  metadata: { name: string; namespace: string; uid: string; resourceVersion: string };
  status?: { phase?: string };
}
const noClient = {} as RestClient;
const resource: Workload = {
  kind: "Deployment",
  metadata: { name: "web", namespace: "shop", uid: "u-1", resourceVersion: "7" },
};

function executorWith(sdk: TestSdk, options: { failStatus?: boolean } = {}) {
  return new RunExecutor<Workload>({
    client: noClient,
    observer: new RunTelemetry({
      controller: "web-controller",
      meterProvider: sdk.meterProvider,
      tracerProvider: sdk.tracerProvider,
    }),
    statusWriter: {
      write: () =>
        options.failStatus ? Promise.reject(new Error("status refused")) : Promise.resolve(),
    },
  });
}

Deno.test("RunTelemetry: metrics of a Run that modified, with a failed status write", async () => {
  const sdk = new TestSdk();
  const steps = plan<Workload>()
    .initial(1)
    .step({ name: "read", run: (_c, n: number) => noModification(n + 1) })
    .step({ name: "check", run: (_c, n: number) => noModification(n) })
    .step({
      name: "apply",
      run: () => modified({ message: "patched", status: { phase: "Busy" } }),
    });
  const result = await executorWith(sdk, { failStatus: true }).run(
    structuredClone(resource),
    steps,
  );
  assert.equal(result.end, "modified");

  const runs = await sdk.points(METRICS.runCount);
  assert.deepEqual(runs, [{
    attributes: { controller: "web-controller", outcome: "modified", ok: true },
    value: 1,
  }]);
  const runDurations = await sdk.points(METRICS.runDuration);
  assert.equal(runDurations.length, 1);
  assert.equal(runDurations[0].count, 1);
  assert.ok(runDurations[0].value >= 0);

  const steps_ = (await sdk.points(METRICS.stepCount))
    .map((p) => `${p.attributes.step}:${p.attributes.outcome}:${p.attributes.ok}=${p.value}`)
    .sort();
  assert.deepEqual(steps_, [
    "apply:modified:true=1",
    "check:no-modification:true=1",
    "read:no-modification:true=1",
  ]);
  const stepDurations = await sdk.points(METRICS.stepDuration);
  assert.equal(stepDurations.reduce((n, p) => n + (p.count ?? 0), 0), 3);

  assert.deepEqual(await sdk.points(METRICS.statusWriteErrors), [{
    attributes: { controller: "web-controller", step: "apply" },
    value: 1,
  }]);
  await sdk.shutdown();
});

Deno.test("RunTelemetry: a Run span with one child span per step and resource attributes", async () => {
  const sdk = new TestSdk();
  const steps = plan<Workload>()
    .step({ name: "first", run: () => noModification(undefined) })
    .step({ name: "second", run: () => noModification(undefined) });
  const result = await executorWith(sdk).run(structuredClone(resource), steps);

  const spans = sdk.finished();
  assert.equal(spans.length, 3);
  const run = only(spans, "run web-controller");
  assert.equal(parentOf(run), undefined);
  assert.equal(run.attributes[ATTRIBUTES.namespace], "shop");
  assert.equal(run.attributes[ATTRIBUTES.resourceName], "web");
  assert.equal(run.attributes[ATTRIBUTES.resourceKind], "Deployment");
  assert.equal(run.attributes["k8s.deployment.name"], "web");
  assert.equal(run.attributes["k8s.deployment.uid"], "u-1");
  assert.equal(run.attributes[ATTRIBUTES.runId], result.runId);
  assert.equal(run.attributes[ATTRIBUTES.spanOutcome], "in-sync");
  for (const [index, name] of ["first", "second"].entries()) {
    const step = only(spans, `step ${name}`);
    assert.equal(parentOf(step), run.spanContext().spanId);
    assert.equal(step.spanContext().traceId, run.spanContext().traceId);
    assert.equal(step.attributes[ATTRIBUTES.stepIndex], index);
    assert.equal(step.attributes[ATTRIBUTES.spanOutcome], "no-modification");
    assert.equal(step.status.code, SpanStatusCode.UNSET);
  }
  await sdk.shutdown();
});

Deno.test("RunTelemetry: a failing step records its error on the spans and ok=false", async () => {
  const sdk = new TestSdk();
  const steps = plan<Workload>().step({
    name: "explode",
    run: () => Promise.reject(new Error("the database is gone")),
  });
  const result = await executorWith(sdk).run(structuredClone(resource), steps);
  assert.equal(result.end, "failed");

  const spans = sdk.finished();
  const run = only(spans, "run web-controller");
  const step = only(spans, "step explode");
  assert.equal(step.status.code, SpanStatusCode.ERROR);
  assert.equal(run.status.code, SpanStatusCode.ERROR);
  const exception = run.events.find((e) => e.name === "exception");
  assert.match(String(exception?.attributes?.["exception.message"]), /the database is gone/);
  assert.deepEqual(await sdk.points(METRICS.runCount), [{
    attributes: { controller: "web-controller", outcome: "failed", ok: false },
    value: 1,
  }]);
  assert.deepEqual(
    (await sdk.points(METRICS.stepCount)).map((p) => p.attributes),
    [{ controller: "web-controller", step: "explode", outcome: "failed", ok: false }],
  );
  await sdk.shutdown();
});

Deno.test("RunTelemetry: traces: false records metrics and no span", async () => {
  const sdk = new TestSdk();
  const executor = new RunExecutor<Workload>({
    client: noClient,
    observer: new RunTelemetry({
      traces: false,
      meterProvider: sdk.meterProvider,
      tracerProvider: sdk.tracerProvider,
    }),
  });
  await executor.run(structuredClone(resource), plan<Workload>());
  assert.equal(sdk.finished().length, 0);
  assert.deepEqual((await sdk.points(METRICS.runCount)).map((p) => p.attributes.controller), [
    "unnamed",
  ]);
  await sdk.shutdown();
});

Deno.test("RunTelemetry: a step's requests are children of the step's span", async () => {
  const sdk = new TestSdk();
  const inner = {
    performRequest: () => Promise.resolve({}),
  } as unknown as RestClient;
  const executor = new RunExecutor<Workload>({
    client: tracingClient(inner, { tracerProvider: sdk.tracerProvider }),
    observer: new RunTelemetry({
      controller: "web-controller",
      meterProvider: sdk.meterProvider,
      tracerProvider: sdk.tracerProvider,
    }),
  });
  const steps = plan<Workload>()
    .step({
      name: "read-config",
      run: async (context) => {
        await context.client.performRequest({ method: "GET", path: "/api/v1/x", expectJson: true });
        // A second request after an await still belongs to this step.
        await new Promise((resolve) => setTimeout(resolve, 1));
        await context.client.performRequest({ method: "PATCH", path: "/api/v1/x" });
        return noModification(undefined);
      },
    })
    .step({
      name: "write-config",
      run: async (context) => {
        await context.client.performRequest({ method: "POST", path: "/api/v1/y" });
        return modified();
      },
    });
  const result = await executor.run(structuredClone(resource), steps);
  assert.equal(result.end, "modified");
  const spans = sdk.finished();
  const read = only(spans, "step read-config");
  const write = only(spans, "step write-config");
  assert.equal(parentOf(only(spans, "GET")), read.spanContext().spanId);
  assert.equal(parentOf(only(spans, "PATCH")), read.spanContext().spanId);
  assert.equal(parentOf(only(spans, "POST")), write.spanContext().spanId);
  assert.equal(parentOf(read), only(spans, "run web-controller").spanContext().spanId);
  await sdk.shutdown();
});

Deno.test("RunTelemetry: a reconciler that fails to plan is a failed Run with an error span", async () => {
  const sdk = new TestSdk();
  const executor = new RunExecutor<Workload>({
    client: noClient,
    controller: "from-the-runtime",
    observer: new RunTelemetry({
      meterProvider: sdk.meterProvider,
      tracerProvider: sdk.tracerProvider,
    }),
  });
  const result = await executor.reconcile(structuredClone(resource), {
    plan: () => {
      throw new Error("spec.size must be positive");
    },
  });
  assert.equal(result.end, "failed");
  // Without a fixed name the telemetry takes the controller's name from the Run.
  assert.deepEqual(await sdk.points(METRICS.runCount), [{
    attributes: { controller: "from-the-runtime", outcome: "failed", ok: false },
    value: 1,
  }]);
  const span = only(sdk.finished(), "run from-the-runtime");
  assert.equal(span.status.code, SpanStatusCode.ERROR);
  assert.equal(span.attributes[ATTRIBUTES.resourceName], "web");
  assert.match(
    String(span.events.find((e) => e.name === "exception")?.attributes?.["exception.message"]),
    /spec.size must be positive/,
  );
  await sdk.shutdown();
});
