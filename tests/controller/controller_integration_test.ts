/**
 * The controller on the real control plane: convergence, read-your-own-writes, the one-change
 * rule at run time, restarts between steps.
 *
 * @module
 */
import assert from "node:assert/strict";
import { ResourceClient } from "../../lib/client/mod.ts";
import {
  bestEffort,
  Controller,
  type ControllerRun,
  Operator,
  SharedInformers,
} from "../../lib/controller/mod.ts";
import { controllerReference } from "../../lib/status/mod.ts";
import { modified, noModification, plan, type Reconciler } from "../../lib/steps/mod.ts";
import { withNamespace } from "../../lib/testing/mod.ts";
import type { Greeting } from "../../examples/greeting/api/demo.staircase.dev/v1/mod.ts";
import {
  adminClient,
  createGreetings,
  greetingCluster,
  startOperator,
  waitFor,
} from "./_operator.ts";
import { ConfigMaps, Greetings, SEEN, threeStepReconciler } from "./_three_steps.ts";

const cluster = await greetingCluster();
const client = await adminClient(cluster);

/** Creates Greetings `<prefix>-0` … `<prefix>-<count - 1>`. */
function createNumberedGreetings(namespace: string, count: number, prefix = "g"): Promise<void> {
  const names = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
  return createGreetings(client, namespace, names);
}

async function converged(namespace: string, count: number): Promise<boolean> {
  const greetings = await new ResourceClient(client, Greetings).namespace(namespace).list();
  const maps = await new ResourceClient(client, ConfigMaps).namespace(namespace).list();
  const children = new Set(maps.items.map((cm) => cm.metadata?.name));
  return greetings.items.length === count &&
    greetings.items.every((g) =>
      g.status?.ready === true && g.metadata?.annotations?.[SEEN] === "true" &&
      children.has(`child-${g.metadata?.name}`)
    );
}

/** Runs an operator with `reconciler` until one of its Runs ends in sync; returns its Runs. */
async function runsUntilInSync(
  namespace: string,
  reconciler: Reconciler<Greeting>,
  options: { oneChangeRule?: "strict" } = {},
): Promise<ControllerRun[]> {
  const harness = startOperator(client, namespace, reconciler, options);
  try {
    await waitFor(() => harness.runs.some((run) => run.result.end === "in-sync"), "in sync");
    return harness.runs;
  } finally {
    await harness.stop();
  }
}

Deno.test("200 custom resources converge with exactly 3 writes each and no redundant Run", () =>
  withNamespace(async (ns) => {
    await createNumberedGreetings(ns, 200);
    const harness = startOperator(client, ns, threeStepReconciler());
    try {
      await waitFor(() => converged(ns, 200), "200 Greetings converge", 120_000);
      await waitFor(() => harness.controller.queueLength === 0, "the queue drains");
      const writes = harness.runs.flatMap((run) => run.writes);
      const byPurpose = (purpose: string) => writes.filter((w) => w.purpose === purpose).length;
      assert.equal(byPurpose("change"), 400, "one create and one annotate per Greeting");
      assert.equal(byPurpose("status"), 200, "one status write per Greeting");
      assert.equal(harness.runs.filter((run) => run.oneChangeViolation).length, 0);
      assert.equal(harness.runs.filter((run) => run.result.end === "failed").length, 0);
      // The echoes of the Runs' own writes queue no extra Run: three Runs per Greeting.
      assert.equal(harness.runs.length, 600, `Runs: ${harness.runs.length}`);
    } finally {
      await harness.stop();
    }
  }, { prefix: "ctl-converge" }));

Deno.test("read-your-own-writes: a step that would act twice on a stale cache acts once", () =>
  withNamespace(async (ns) => {
    await createNumberedGreetings(ns, 20, "ryow");
    // Moves data.count of the child from 0 to 5, one increment per Run, reading the child from
    // the cache: a Run that started before the cache saw the previous increment would write
    // the same value again (a redundant write) and end with more than 5 writes.
    const reconciler: Reconciler<Greeting> = {
      plan: () =>
        plan<Greeting>().step({
          name: "count-to-5",
          run: async (context) => {
            const g = context.resource;
            const namespace = g.metadata!.namespace!;
            const name = `count-${g.metadata!.name}`;
            const maps = new ResourceClient(context.client, ConfigMaps).namespace(namespace);
            const child = context.cache.get(ConfigMaps, name, namespace);
            if (child === undefined) {
              await maps.create({
                metadata: {
                  name,
                  ownerReferences: [controllerReference(g, Greetings)],
                },
                data: { count: "0" },
              });
              return modified({ message: "created" });
            }
            const count = Number(child.data?.count);
            if (count >= 5) return noModification(undefined);
            await maps.patch(name, { data: { count: String(count + 1) } }, { type: "merge" });
            return modified({ message: `count ${count + 1}` });
          },
        }),
    };
    const harness = startOperator(client, ns, reconciler);
    try {
      const maps = new ResourceClient(client, ConfigMaps).namespace(ns);
      await waitFor(async () => {
        const list = await maps.list();
        return list.items.filter((cm) => cm.data?.count === "5").length === 20;
      }, "every counter reaches 5");
      await waitFor(() => harness.controller.queueLength === 0, "the queue drains");
      const writes = harness.runs.flatMap((run) => run.writes);
      // Per Greeting: one create and five increments, no more.
      assert.equal(writes.length, 20 * 6, `writes: ${writes.length}`);
      const waited = harness.runs.filter((run) => run.ownWrites !== undefined);
      assert.ok(waited.length >= 20 * 5, "every Run after a write waited for the cache");
    } finally {
      await harness.stop();
    }
  }, { prefix: "ctl-ryow" }));

Deno.test("the one-change rule: reported by default, fails the Run in strict mode, best-effort and status writes do not count", () =>
  withNamespace(async (ns) => {
    await createNumberedGreetings(ns, 1, "rule");
    // Every Run patches the child twice (counted) when `twice`, plus once best effort.
    const counts = { runs: 0 };
    const reconciler = (twice: boolean, tag: string): Reconciler<Greeting> => ({
      plan: () =>
        plan<Greeting>().step({
          name: "two-writes",
          run: async (context) => {
            counts.runs++;
            const g = context.resource;
            const maps = new ResourceClient(context.client, ConfigMaps).namespace(
              g.metadata!.namespace!,
            );
            const name = `rule-${g.metadata!.name}-${tag}`;
            if (context.cache.get(ConfigMaps, name, g.metadata!.namespace!)) {
              return noModification(undefined, { status: { ready: true } });
            }
            await maps.create({ metadata: { name }, data: {} });
            if (twice) await maps.patch(name, { data: { again: "1" } }, { type: "merge" });
            await new ResourceClient(bestEffort(context.client), ConfigMaps)
              .namespace(g.metadata!.namespace!)
              .patch(name, { metadata: { annotations: { cosmetic: "1" } } }, { type: "merge" });
            return modified({ message: "created" });
          },
        }),
    });

    const reported = await runsUntilInSync(ns, reconciler(true, "report"));
    const first = reported[0];
    assert.equal(first.changes, 2);
    assert.equal(first.writes.length, 3);
    assert.match(first.oneChangeViolation?.message ?? "", /made 2 changes/);
    assert.equal(first.result.oneChangeViolation, first.oneChangeViolation);
    assert.equal(first.result.end, "modified");
    assert.equal(first.action.type, "requeue");
    const last = reported.at(-1)!;
    assert.equal(last.changes, 0);
    assert.equal(last.oneChangeViolation, undefined, "status writes do not count");

    const [strict] = await runsUntilInSync(ns, reconciler(true, "strict"), {
      oneChangeRule: "strict",
    });
    assert.equal(strict.changes, 2);
    // The Run is failed on the result itself (what observers and logs see).
    assert.equal(strict.result.end, "failed");
    assert.equal(strict.result.error?.name, "OneChangeRuleError");
    assert.equal(strict.result.action.type, "retry-with-backoff");
    assert.equal(strict.action.type, "retry-with-backoff");
    assert.equal(
      strict.action.type === "retry-with-backoff" && strict.action.error.name,
      "OneChangeRuleError",
    );

    const [single] = await runsUntilInSync(ns, reconciler(false, "single"), {
      oneChangeRule: "strict",
    });
    assert.equal(single.changes, 1, "the best-effort write does not count");
    assert.equal(single.oneChangeViolation, undefined);
    assert.equal(single.action.type, "requeue");
  }, { prefix: "ctl-rule" }));

Deno.test("owns(kind, { metadataOnly: true }): children by metadata, owners still reconciled", () =>
  withNamespace(async (ns) => {
    await createNumberedGreetings(ns, 1, "meta");
    const cacheErrors: string[] = [];
    let runs = 0;
    // Creates the child unless it exists (read live: its body is not cached); in sync after.
    const reconciler: Reconciler<Greeting> = {
      plan: () =>
        plan<Greeting>().step({
          name: "ensure-child",
          run: async (context) => {
            runs++;
            const g = context.resource;
            try {
              context.cache.get(ConfigMaps, "x", g.metadata!.namespace!);
            } catch (error) {
              cacheErrors.push((error as Error).name);
            }
            const maps = new ResourceClient(context.client, ConfigMaps).namespace(
              g.metadata!.namespace!,
            );
            const name = `meta-${g.metadata!.name}`;
            const existing = await maps.list();
            if (existing.items.some((cm) => cm.metadata?.name === name)) {
              return noModification(undefined);
            }
            await maps.create({
              metadata: {
                name,
                ownerReferences: [controllerReference(g, Greetings)],
              },
              data: { big: "x".repeat(1000) },
            });
            return modified({ message: "created" });
          },
        }),
    };
    const informers = new SharedInformers(client);
    const controller = new Controller<Greeting>({
      resource: Greetings,
      reconciler,
      client,
      namespace: ns,
    }).owns(ConfigMaps, { metadataOnly: true });
    const stop = new AbortController();
    const done = new Operator({ informers }).add(controller).run(stop.signal);
    try {
      await waitFor(() => runs >= 2, "created, then in sync");
      const cached = controller.informers.find((i) => i.resource.kind === "ConfigMap")!;
      const child = cached.get("meta-meta-0", ns) as { data?: unknown; metadata?: unknown };
      assert.ok(child?.metadata, "the child's metadata is cached");
      assert.equal(child.data, undefined, "its body is not");
      assert.ok(cacheErrors.length > 0 && cacheErrors.every((name) => name === "NotCachedError"));
      const before = runs;
      await new ResourceClient(client, ConfigMaps).namespace(ns).patch(
        "meta-meta-0",
        { metadata: { labels: { touched: "yes" } } },
        { type: "merge" },
      );
      await waitFor(() => runs > before, "a child's metadata change reconciles its owner");
    } finally {
      stop.abort();
      await done;
    }
  }, { prefix: "ctl-meta" }));
