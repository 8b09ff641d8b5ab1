import assert from "node:assert/strict";
import type { RestClient } from "../../lib/client/contract.ts";
import { modified, plan, RunExecutor } from "../../mod.ts";
import { RunTelemetry, RuntimeMetrics } from "../../lib/telemetry/mod.ts";
import { setupTelemetry } from "../../examples/greeting/telemetry.ts";

Deno.test("example telemetry: a Prometheus scrape after a Run shows staircase's metrics", async () => {
  await using telemetry = setupTelemetry({ metricsPort: 0, hostname: "127.0.0.1" });
  // Registered globally: RunTelemetry with no provider option uses it, as in the operator.
  const executor = new RunExecutor({
    client: {} as RestClient,
    observer: new RunTelemetry({ controller: "greeting" }),
  });
  const steps = plan().step({ name: "create-config", run: () => modifiedOnce() });
  await executor.run(
    { metadata: { name: "hello", namespace: "default", uid: "u", resourceVersion: "1" } },
    steps,
  );
  new RuntimeMetrics({ controller: "greeting" }).queueDepthChanged(2);

  assert.ok(telemetry.metricsUrl);
  const response = await fetch(telemetry.metricsUrl);
  assert.equal(response.status, 200);
  assert.match(response.headers.get("content-type") ?? "", /text\/plain/);
  const text = await response.text();
  assert.match(
    text,
    /^run_count(_total)?\{[^}]*controller="greeting"[^}]*outcome="modified"[^}]*\} 1/m,
  );
  assert.match(text, /^run_duration[a-z_]*_count\{[^}]*controller="greeting"[^}]*\} 1/m);
  assert.match(text, /^step_count(_total)?\{[^}]*step="create-config"[^}]*\} 1/m);
  assert.match(text, /^queue_depth[a-z_]*\{[^}]*controller="greeting"[^}]*\} 2/m);
  // The service's name: OTEL_SERVICE_NAME when set, else the operator's own.
  const serviceName = Deno.env.get("OTEL_SERVICE_NAME") || "greeting-operator";
  assert.ok(text.includes(`service_name="${serviceName}"`), "target_info names the service");
  assert.match(text, /^target_info\{/m);
  const notFound = await fetch(telemetry.metricsUrl.replace("/metrics", "/other"));
  assert.equal(notFound.status, 404);
  await notFound.body?.cancel();
});

function modifiedOnce() {
  return Promise.resolve(modified({ message: "created ConfigMap" }));
}
