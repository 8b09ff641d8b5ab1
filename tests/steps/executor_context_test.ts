// What a Run's context carries besides the resource: the runtime's services (cache, events,
// controller name, client), per executor and per Run; and the metadata check on the resource.

import assert from "node:assert/strict";
import { NotCachedError, type ObjectCache } from "../../lib/controller/cache.ts";
import { resourceType } from "../../lib/client/resource_type.ts";
import { ConfigMaps } from "../../lib/apis/core/v1/mod.ts";
import type { EventInput, EventSink } from "../../lib/status/event_sink.ts";
import {
  InvalidPlanError,
  InvalidResourceError,
  noModification,
  plan,
  RunExecutor,
  type RunExecutorOptions,
} from "../../lib/steps/mod.ts";
import type { RunContext } from "../../lib/steps/context.ts";
import type { RequestOptions, RestClient } from "../../lib/client/contract.ts";
import { RecordingLogger, serverMetadata, unusedClient } from "./_helpers.ts";

interface Foo {
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
  };
  spec?: { size: number };
}
const Foos = resourceType<Foo>()({
  group: "example.com",
  version: "v1",
  kind: "Foo",
  plural: "foos",
  namespaced: true,
});
const foo = (): Foo => ({
  metadata: { ...serverMetadata("web"), namespace: "default" },
  spec: { size: 1 },
});
const executor = (extra: Partial<RunExecutorOptions<Foo>> = {}) =>
  new RunExecutor<Foo>({ client: unusedClient, logger: new RecordingLogger(), ...extra });

/** A plan of one step that hands its context to `look`. */
function looking(look: (context: RunContext<Foo>) => void) {
  return plan<Foo>().step({
    name: "look",
    run: (context) => {
      look(context);
      return noModification(undefined);
    },
  });
}

Deno.test("without a controller, context.cache throws NotCachedError naming the kind", async () => {
  let thrown: unknown;
  const result = await executor().run(
    foo(),
    looking((context) => {
      try {
        context.cache.get(ConfigMaps, "settings", "default");
      } catch (error) {
        thrown = error;
      }
      assert.throws(() => context.cache.list(ConfigMaps), NotCachedError);
    }),
  );
  assert.equal(result.end, "in-sync", String(result.error?.message));
  assert.ok(thrown instanceof NotCachedError);
  assert.match((thrown as Error).message, /ConfigMap \(v1\) is not cached/);
});

Deno.test("without a controller, context.events logs each event at debug level", async () => {
  const logger = new RecordingLogger();
  const event: EventInput = { type: "Normal", reason: "Checked", action: "Check", note: "ok" };
  await executor({ logger }).run(foo(), looking((context) => context.events.record(event)));
  const logged = logger.records.filter((r) => r.level === "debug" && r.properties?.event === event);
  assert.equal(logged.length, 1);
});

Deno.test("cache, events and controller come from the executor, and a Run overrides each", async () => {
  const seen: RunContext<Foo>[] = [];
  const cacheA: ObjectCache = { get: () => undefined, list: () => [] };
  const cacheB: ObjectCache = { get: () => undefined, list: () => [] };
  const recorded: string[] = [];
  const eventsA: EventSink = { record: (e) => recorded.push(`A ${e.reason}`) };
  const eventsB: EventSink = { record: (e) => recorded.push(`B ${e.reason}`) };
  const requests: RequestOptions[] = [];
  const recordingClient = {
    performRequest: (options: RequestOptions) => (requests.push(options), Promise.resolve({})),
  } as unknown as RestClient;
  const p = looking((context) => {
    seen.push(context);
    context.events.record({ type: "Normal", reason: "Seen", action: "Look" });
  });
  const e = executor({ cache: cacheA, events: eventsA, controller: "foo-controller" });

  const first = await e.run(foo(), p);
  const second = await e.run(foo(), p, {
    cache: cacheB,
    events: eventsB,
    controller: "other",
    client: recordingClient,
  });
  assert.equal(seen[0].cache, cacheA);
  assert.equal(seen[0].controller, "foo-controller");
  assert.equal(seen[0].client, unusedClient);
  assert.equal(first.controller, "foo-controller");
  assert.equal(seen[1].cache, cacheB);
  assert.equal(seen[1].controller, "other");
  assert.equal(seen[1].client, recordingClient);
  assert.equal(second.controller, "other");
  assert.deepEqual(recorded, ["A Seen", "B Seen"]);
  await seen[1].client.performRequest({ method: "GET", path: "/x", expectJson: true });
  assert.equal(requests.length, 1);
});

Deno.test("bad per-Run services are refused with a message naming them", async () => {
  const cases: [object, RegExp][] = [
    [{ client: {} }, /client must have a performRequest method/],
    [{ cache: { get: () => undefined } }, /cache must have get and list methods/],
    [{ events: { record: "no" } }, /events must have a record method/],
    [{ controller: 1 }, /controller must be a string, got 1/],
  ];
  for (const [options, message] of cases) {
    await assert.rejects(
      executor().run(foo(), plan<Foo>(), options as never),
      (error: unknown) => error instanceof InvalidPlanError && message.test(error.message),
    );
  }
});

Deno.test("a resource without the metadata a Run relies on is refused, naming what is missing", async () => {
  const cases: [unknown, RegExp][] = [
    [null, /the resource must be an object, got null/],
    [{}, /the resource has no metadata/],
    [{ metadata: { name: "web" } }, /"web" lacks metadata.uid, metadata.resourceVersion/],
    [
      { metadata: { name: "web", uid: "u", resourceVersion: "1" }, spec: { size: 1 } },
      /lacks metadata.generation/,
    ],
    [{ metadata: { uid: "u", resourceVersion: "1" } }, /lacks metadata.name/],
  ];
  for (const [resource, message] of cases) {
    await assert.rejects(
      executor().run(resource as Foo, plan<Foo>()),
      (error: unknown) => error instanceof InvalidResourceError && message.test(error.message),
      String(message),
    );
    await assert.rejects(
      executor().reconcile(resource as Foo, { plan: () => plan<Foo>() }),
      InvalidResourceError,
    );
  }
  // Kinds without a spec (ConfigMap, Secret) have no generation, and need none.
  const noSpec = await executor().run({ metadata: serverMetadata() }, plan<Foo>());
  assert.equal(noSpec.end, "in-sync");
});

Deno.test("a namespaced kind's resource must have its namespace (plan or executor token)", async () => {
  const clusterLooking = { metadata: serverMetadata("web"), spec: { size: 1 } };
  await assert.rejects(
    new RunExecutor({ client: unusedClient }).run(clusterLooking, plan(Foos)),
    (error: unknown) =>
      error instanceof InvalidResourceError && /lacks metadata.namespace/.test(error.message),
  );
  await assert.rejects(
    executor({ resourceType: Foos }).run(clusterLooking, plan<Foo>()),
    InvalidResourceError,
  );
  await assert.rejects(
    executor({ resourceType: Foos }).reconcile(clusterLooking, { plan: () => plan<Foo>() }),
    InvalidResourceError,
  );
  let namespace = "";
  const ok = await new RunExecutor({ client: unusedClient, logger: new RecordingLogger() }).run(
    foo(),
    plan(Foos).step({
      name: "where",
      run: (context) => {
        namespace = context.resource.metadata.namespace; // typed string: no assertion
        return noModification(undefined);
      },
    }),
  );
  assert.equal(ok.end, "in-sync");
  assert.equal(namespace, "default");
});

Deno.test("steps may return an outcome synchronously", async () => {
  const seen: number[] = [];
  const result = await executor().run(
    foo(),
    plan<Foo>()
      .initial(1)
      .step({ name: "sync", run: (_c, n) => noModification(n + 1) })
      .step({
        name: "async",
        run: async (_c, n) => {
          await Promise.resolve();
          seen.push(n);
          return noModification(n * 10);
        },
      })
      .step({ name: "sync-again", run: (_c, n) => (seen.push(n), noModification(n)) }),
  );
  assert.equal(result.end, "in-sync");
  assert.deepEqual(seen, [2, 20]);
});
