import assert from "node:assert/strict";
import { METRICS, RuntimeMetrics } from "../../lib/telemetry/mod.ts";
import { TestSdk } from "./_sdk.ts";

Deno.test("RuntimeMetrics: each method feeds its instrument with the controller's name", async () => {
  const sdk = new TestSdk();
  const runtime = new RuntimeMetrics({ controller: "greeting", meterProvider: sdk.meterProvider });
  runtime.queueDepthChanged(3);
  runtime.queueDepthChanged(-1);
  runtime.queueWait(10);
  runtime.queueWait(30);
  runtime.retried();
  runtime.retried();
  runtime.runStarted();
  runtime.runStarted();
  runtime.runFinished();
  runtime.oneChangeBreach();
  runtime.watchRestarted("ConfigMap", "expired");
  runtime.cacheObjectsChanged("ConfigMap", 5);
  runtime.cacheObjectsChanged("ConfigMap", -2);

  const controller = { controller: "greeting" };
  assert.deepEqual(await sdk.points(METRICS.queueDepth), [{ attributes: controller, value: 2 }]);
  assert.deepEqual(await sdk.points(METRICS.queueWait), [{
    attributes: controller,
    value: 40,
    count: 2,
  }]);
  assert.deepEqual(await sdk.points(METRICS.queueRetries), [{ attributes: controller, value: 2 }]);
  assert.deepEqual(await sdk.points(METRICS.activeRuns), [{ attributes: controller, value: 1 }]);
  assert.deepEqual(await sdk.points(METRICS.oneChangeBreaches), [{
    attributes: controller,
    value: 1,
  }]);
  assert.deepEqual(await sdk.points(METRICS.watchRestarts), [{
    attributes: { kind: "ConfigMap", reason: "expired" },
    value: 1,
  }]);
  assert.deepEqual(await sdk.points(METRICS.cacheObjects), [{
    attributes: { kind: "ConfigMap" },
    value: 3,
  }]);
  await sdk.shutdown();
});
