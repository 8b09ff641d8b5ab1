/**
 * The controller runtime's telemetry on the real control plane, through an in-memory
 * OpenTelemetry SDK: runtime metrics (queue, retries, active Runs, one-change breaches, watch
 * restarts, cache objects), Run → step → request spans, and Events recorded from steps.
 *
 * @module
 */
import assert from "node:assert/strict";
import { ResourceClient, type RestClient } from "../../lib/client/mod.ts";
import {
  type ControllerOptions,
  type ControllerRun,
  SharedInformers,
} from "../../lib/controller/mod.ts";
import { modified, noModification, plan, type Reconciler } from "../../lib/steps/mod.ts";
import { withNamespace } from "../../lib/testing/mod.ts";
import {
  ATTRIBUTES,
  METRICS,
  RunTelemetry,
  RuntimeMetrics,
  tracingClient,
} from "../../lib/telemetry/mod.ts";
import { Events } from "../../lib/apis/events.k8s.io/v1/mod.ts";
import type { Greeting } from "../../examples/greeting/api/demo.staircase.dev/v1/mod.ts";
import {
  adminClient,
  createGreetings,
  greetingCluster,
  type Harness,
  startOperator,
  waitFor,
} from "../controller/_operator.ts";
import { controllerReference } from "../../lib/status/mod.ts";
import { ConfigMaps, Greetings } from "../controller/_three_steps.ts";
import { parentOf, type Point, TestSdk } from "./_sdk.ts";

const cluster = await greetingCluster();
const client = await adminClient(cluster);

const SEEN = "demo.staircase.dev/seen";

/**
 * One step that creates the Greeting's ConfigMap (and records a `ConfigMapCreated` Event);
 * `flaky` fails its first two Runs; `greedy` also annotates itself in the same Run (two
 * changes: a one-change-rule breach).
 */
function reconciler(): Reconciler<Greeting> {
  const failures = new Map<string, number>();
  return {
    plan: () =>
      plan<Greeting>().step({
        name: "ensure-configmap",
        run: async (context) => {
          const greeting = context.resource;
          const name = greeting.metadata!.name!;
          const namespace = greeting.metadata!.namespace!;
          if (name === "flaky" && (failures.get(name) ?? 0) < 2) {
            failures.set(name, (failures.get(name) ?? 0) + 1);
            throw new Error("flaky fails its first two Runs");
          }
          if (context.cache.get(ConfigMaps, `child-${name}`, namespace)) {
            return noModification(undefined);
          }
          await new ResourceClient(context.client, ConfigMaps).namespace(namespace).create({
            metadata: {
              name: `child-${name}`,
              ownerReferences: [controllerReference(greeting, Greetings)],
            },
            data: { message: greeting.spec?.message ?? "" },
          }, { abortSignal: context.signal });
          if (name === "greedy" && greeting.metadata?.annotations?.[SEEN] !== "true") {
            await new ResourceClient(context.client, Greetings).namespace(namespace).patch(
              name,
              { metadata: { annotations: { [SEEN]: "true" } } },
              { type: "merge", abortSignal: context.signal },
            );
          }
          context.events.record({
            type: "Normal",
            reason: "ConfigMapCreated",
            action: "Create",
            note: `created ConfigMap child-${name}`,
          });
          return modified({ message: `created ConfigMap child-${name}` });
        },
      }),
  };
}

function start(
  sdk: TestSdk,
  namespace: string,
  options: Partial<ControllerOptions<Greeting>> = {},
  informersClient: RestClient = client,
): Harness {
  // The server ends each watch after 1 to 2 s: the informers restart their watches.
  const informers = new SharedInformers(informersClient, {
    watchTimeoutSeconds: 1,
    metrics: new RuntimeMetrics({ meterProvider: sdk.meterProvider }),
  });
  return startOperator(client, namespace, reconciler(), {
    name: "greeting",
    backoff: { initialMs: 5, maxMs: 50 },
    metrics: new RuntimeMetrics({ controller: "greeting", meterProvider: sdk.meterProvider }),
    informers,
    ...options,
  });
}

function sum(points: Point[], attributes: Record<string, unknown> = {}): number {
  return points
    .filter((p) => Object.entries(attributes).every(([k, v]) => p.attributes[k] === v))
    .reduce((total, p) => total + p.value, 0);
}

const NAMES = ["a", "b", "flaky", "greedy"];

/** The SDK, shut down on `await using`. */
function disposable(sdk: TestSdk): { value: TestSdk } & AsyncDisposable {
  return { value: sdk, [Symbol.asyncDispose]: () => sdk.shutdown() };
}

/** Every Greeting's last Run found it in sync. */
function settled(runs: readonly ControllerRun[], namespace: string, names: string[]): boolean {
  return names.every((name) => {
    const last = runs.findLast((run) => run.key === `${namespace}/${name}`);
    return last?.result.end === "in-sync";
  });
}

async function converged(namespace: string): Promise<boolean> {
  const maps = await new ResourceClient(client, ConfigMaps).namespace(namespace).list();
  const names = new Set(maps.items.map((cm) => cm.metadata?.name));
  return NAMES.every((name) => names.has(`child-${name}`));
}

Deno.test("runtime metrics: queue wait per Run, active Runs, retries, breaches, caches, watch restarts", () =>
  withNamespace(async (ns) => {
    await using sdk = disposable(new TestSdk());
    await createGreetings(client, ns, NAMES);
    const running = start(sdk.value, ns);
    try {
      await waitFor(() => converged(ns), "every Greeting has its ConfigMap");
      await waitFor(
        () => settled(running.runs, ns, NAMES) && running.controller.queueLength === 0,
        "every Greeting is in sync and the queue drained",
      );
      const controller = { [ATTRIBUTES.controller]: "greeting" };
      const points = (name: string) => sdk.value.points(name);

      // Every Run started from the queue: one wait recorded per Run.
      const waits = await points(METRICS.queueWait);
      assert.equal(waits.length, 1);
      assert.equal(waits[0].attributes[ATTRIBUTES.controller], "greeting");
      assert.equal(waits[0].count, running.runs.length, "one queue wait per Run");
      assert.equal(sum(await points(METRICS.queueDepth), controller), 0, "nothing waits");
      assert.equal(sum(await points(METRICS.activeRuns), controller), 0, "no Run in progress");

      const retries = running.runs.filter((run) => run.action.type === "retry-with-backoff");
      assert.equal(retries.length, 2, "flaky failed twice");
      assert.equal(sum(await points(METRICS.queueRetries), controller), 2);
      assert.equal(sum(await points(METRICS.oneChangeBreaches), controller), 1, "greedy");

      // The caches hold what the server has.
      const liveMaps = await new ResourceClient(client, ConfigMaps).namespace(ns).list();
      const cached = await points(METRICS.cacheObjects);
      assert.equal(sum(cached, { [ATTRIBUTES.kind]: "Greeting" }), NAMES.length);
      assert.equal(sum(cached, { [ATTRIBUTES.kind]: "ConfigMap" }), liveMaps.items.length);
      assert.ok(liveMaps.items.length >= NAMES.length);

      // The server closes each watch after 1-2 s: both informers open theirs again.
      await waitFor(
        async () => {
          const restarts = await points(METRICS.watchRestarts);
          return ["Greeting", "ConfigMap"].every((kind) =>
            sum(restarts, { [ATTRIBUTES.kind]: kind, [ATTRIBUTES.reason]: "closed" }) >= 1
          );
        },
        "both watches restarted after the server closed them",
        15_000,
      );
    } finally {
      await running.stop();
    }
  }));

Deno.test("a controller's RunTelemetry and tracingClient make Run → step → request spans; events reach the server", () =>
  withNamespace(async (ns) => {
    await using sdk = disposable(new TestSdk());
    await createGreetings(client, ns, ["a"]);
    const running = start(sdk.value, ns, {
      client: tracingClient(client, { tracerProvider: sdk.value.tracerProvider }),
      // No controller name here: the Runs carry the controller's.
      observer: new RunTelemetry({
        meterProvider: sdk.value.meterProvider,
        tracerProvider: sdk.value.tracerProvider,
      }),
      events: true,
      reportingInstance: "greeting-test-0",
    });
    let stopped = false;
    try {
      await waitFor(async () => {
        const maps = await new ResourceClient(client, ConfigMaps).namespace(ns).list();
        return maps.items.some((cm) => cm.metadata?.name === "child-a");
      }, "the ConfigMap exists");
      await waitFor(() => running.runs.length >= 1, "a Run ended");
      // Shutdown closes the controller's recorder, which flushes its writes.
      await running.stop();
      stopped = true;

      const spans = sdk.value.finished();
      const run = spans.find((span) =>
        span.name === "run greeting" && span.attributes["staircase.outcome"] === "modified"
      );
      assert.ok(run, `a modified Run's span, got ${spans.map((s) => s.name)}`);
      assert.equal(run.attributes[ATTRIBUTES.resourceName], "a");
      const step = spans.find((span) =>
        span.name === "step ensure-configmap" && parentOf(span) === run.spanContext().spanId
      );
      assert.ok(step, "the step's span is the Run's child");
      // The step's requests: the ConfigMap's create (and the Event's, which its recording
      // caused).
      const requests = spans.filter((span) => parentOf(span) === step.spanContext().spanId);
      const create = requests.find((span) =>
        span.name === "POST" && String(span.attributes["url.path"]).endsWith("/configmaps")
      );
      assert.ok(create, `the create under its step, got ${requests.map((s) => s.name)}`);
      assert.equal(create.spanContext().traceId, run.spanContext().traceId);
      // Against the real server: the create's own status, and where it went.
      assert.equal(create.attributes["http.response.status_code"], 201);
      assert.equal(create.attributes["server.address"], "127.0.0.1");
      assert.match(String(create.attributes["url.full"]), /^https:\/\/127\.0\.0\.1:\d+\/api\/v1\//);
      const runCounts = await sdk.value.points(METRICS.runCount);
      assert.ok(runCounts.length > 0);
      assert.ok(runCounts.every((p) => p.attributes[ATTRIBUTES.controller] === "greeting"));

      const events = await new ResourceClient(client, Events).namespace(ns).list();
      const created = events.items.filter((event) => event.reason === "ConfigMapCreated");
      assert.equal(created.length, 1, JSON.stringify(events.items.map((e) => e.reason)));
      const event = created[0];
      assert.equal(event.type, "Normal");
      assert.equal(event.action, "Create");
      assert.equal(event.note, "created ConfigMap child-a");
      assert.equal(event.reportingController, "greeting");
      assert.equal(event.reportingInstance, "greeting-test-0");
      const greeting = await new ResourceClient(client, Greetings).namespace(ns).get("a");
      assert.deepEqual(
        {
          apiVersion: event.regarding?.apiVersion,
          kind: event.regarding?.kind,
          name: event.regarding?.name,
          namespace: event.regarding?.namespace,
          uid: event.regarding?.uid,
        },
        {
          apiVersion: "demo.staircase.dev/v1",
          kind: "Greeting",
          name: "a",
          namespace: ns,
          uid: greeting.metadata?.uid,
        },
      );
    } finally {
      if (!stopped) await running.stop();
    }
  }));
