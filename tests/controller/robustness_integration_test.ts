/**
 * Bad user code and bad input never crash the controller or leave a key stuck: steps that
 * throw or hang, a resource that fails validation, one deleted mid-Run, an RBAC denial on a
 * secondary kind, and a controller restarted between any two steps.
 *
 * @module
 */
import assert from "node:assert/strict";
import { kubeConfigClient, ResourceClient, type RestClient } from "../../lib/client/mod.ts";
import { blocked, plan, type Reconciler } from "../../lib/steps/mod.ts";
import { Controller, Operator, SharedInformers } from "../../lib/controller/mod.ts";
import { withNamespace } from "../../lib/testing/mod.ts";
import type { Greeting } from "../../examples/greeting/api/demo.staircase.dev/v1/mod.ts";
import {
  adminClient,
  greetingCluster,
  startOperator,
  waitFor,
  writeServiceAccountKubeconfig,
} from "./_operator.ts";
import { ConfigMaps, Greetings, SEEN, threeStepReconciler } from "./_three_steps.ts";

const cluster = await greetingCluster();
const client = await adminClient(cluster);

function greetings(namespace: string, c: RestClient = client) {
  return new ResourceClient(c, Greetings).namespace(namespace);
}

async function create(namespace: string, name: string, message = `hello ${name}`): Promise<void> {
  await greetings(namespace).create({
    apiVersion: "demo.staircase.dev/v1",
    kind: "Greeting",
    metadata: { name },
    spec: { message },
  });
}

async function isConverged(namespace: string, name: string): Promise<boolean> {
  const g = await greetings(namespace).get(name);
  const cm = await new ResourceClient(client, ConfigMaps).namespace(namespace).list();
  return g.status?.ready === true && g.metadata?.annotations?.[SEEN] === "true" &&
    cm.items.some((m) => m.metadata?.name === `child-${name}`);
}

Deno.test("steps that throw or hang leave the other keys running", () =>
  withNamespace(async (ns) => {
    for (const name of ["throws", "hangs", "ok-1", "ok-2", "ok-3"]) await create(ns, name);
    const never = new Promise<void>(() => {});
    const reconciler = threeStepReconciler((step, g) => {
      if (step !== "ensure-configmap") return;
      if (g.metadata?.name === "throws") throw new Error("user code failed");
      if (g.metadata?.name === "hangs") return never; // ignores its signal, forever
    });
    // Two workers: the hanging key holds one for a step timeout at a time.
    const harness = startOperator(client, ns, reconciler, {
      concurrency: 2,
      stepTimeoutMs: 300,
      shutdownGraceMs: 100,
    });
    try {
      for (const name of ["ok-1", "ok-2", "ok-3"]) {
        await waitFor(() => isConverged(ns, name), `${name} converges`);
      }
      await waitFor(
        () => harness.runs.filter((run) => run.key === `${ns}/throws`).length >= 3,
        "the throwing key is retried",
      );
      await waitFor(
        () =>
          harness.runs.some((run) => run.key === `${ns}/hangs` && run.result.end === "timed-out"),
        "the hanging step times out",
      );
      const thrown = harness.runs.find((run) => run.key === `${ns}/throws`)!;
      assert.equal(thrown.result.end, "failed");
      assert.match(thrown.result.error?.message ?? "", /ensure-configmap/);
      assert.equal(thrown.action.type, "retry-with-backoff");
      assert.ok(harness.controller.active, "the controller still runs");
    } finally {
      await harness.stop();
    }
  }, { prefix: "ctl-throw" }));

Deno.test("a resource that fails validation gets a clear status and converges once fixed", () =>
  withNamespace(async (ns) => {
    await create(ns, "picky", "forbidden words");
    const validating: Reconciler<Greeting> = {
      plan: (g) =>
        g.spec?.message?.includes("forbidden")
          ? plan<Greeting>().step({
            name: "validate",
            run: () =>
              Promise.resolve(blocked<{ ready?: boolean }>({
                message: "spec.message must not contain 'forbidden'",
                status: { ready: false },
              })),
          })
          : threeStepReconciler().plan(g),
    };
    const harness = startOperator(client, ns, validating);
    try {
      await waitFor(() => harness.runs.some((run) => run.result.end === "blocked"), "blocked");
      const blocked = harness.runs.find((run) => run.result.end === "blocked")!;
      assert.match(blocked.result.message ?? "", /must not contain 'forbidden'/);
      assert.equal(blocked.action.type, "await-change");
      await waitFor(() => harness.controller.queueLength === 0, "no retry loop");
      await greetings(ns).patch("picky", { spec: { message: "fine words" } }, { type: "merge" });
      await waitFor(() => isConverged(ns, "picky"), "converges after the fix");
    } finally {
      await harness.stop();
    }
  }, { prefix: "ctl-invalid" }));

Deno.test("a resource deleted mid-Run ends with a clear error and its key is forgotten", () =>
  withNamespace(async (ns) => {
    await create(ns, "doomed");
    let release!: () => void;
    const released = new Promise<void>((resolve) => release = resolve);
    let entered!: () => void;
    const inStep = new Promise<void>((resolve) => entered = resolve);
    const reconciler = threeStepReconciler(async (step) => {
      if (step !== "annotate") return;
      entered();
      await released;
    });
    const harness = startOperator(client, ns, reconciler);
    try {
      await inStep;
      await greetings(ns).delete("doomed");
      await waitFor(async () => {
        const list = await greetings(ns).list();
        return list.items.length === 0;
      }, "the Greeting is gone");
      release();
      await waitFor(
        () => harness.runs.some((run) => run.result.end === "failed"),
        "the Run fails on the vanished resource",
      );
      const failed = harness.runs.find((run) => run.result.end === "failed")!;
      assert.match(String((failed.result.error?.cause as Error)?.message), /not found/i);
      await waitFor(() => harness.controller.queueLength === 0, "the key is forgotten");
    } finally {
      await harness.stop();
    }
  }, { prefix: "ctl-deleted" }));

/** A client for a ServiceAccount with exactly `rules`, through a TokenRequest token. */
async function restrictedClient(
  ns: string,
  rules: unknown[],
): Promise<RestClient & { close(): void }> {
  const path = await Deno.makeTempFile({ suffix: ".json" });
  await writeServiceAccountKubeconfig(cluster, ns, "operator", rules, path);
  try {
    return await kubeConfigClient({ paths: [path] });
  } finally {
    await Deno.remove(path);
  }
}

Deno.test("an RBAC denial on a secondary kind fails Runs clearly with backoff, and heals", () =>
  withNamespace(async (ns) => {
    await create(ns, "denied");
    const rules = [
      {
        apiGroups: ["demo.staircase.dev"],
        resources: ["greetings", "greetings/status"],
        verbs: ["get", "list", "watch", "patch"],
      },
      // ConfigMaps may be watched but not created.
      { apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list", "watch"] },
    ];
    const restricted = await restrictedClient(ns, rules);
    const harness = startOperator(restricted, ns, threeStepReconciler(), {
      backoff: { initialMs: 50, maxMs: 400 },
    });
    try {
      await waitFor(() => harness.runs.length >= 4, "retries");
      const failed = harness.runs.filter((run) => run.result.end === "failed");
      assert.equal(failed.length, harness.runs.length, "every Run fails while denied");
      const cause = failed[0].result.error?.cause as { code?: number; message?: string };
      assert.equal(cause.code, 403);
      assert.match(failed[0].result.error?.message ?? "", /ensure-configmap/);
      assert.ok(harness.controller.active);
      // Granting the verb heals the key: it was never stuck.
      rules[1].verbs.push("create");
      await cluster.request(
        "PUT",
        `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/roles/operator`,
        { metadata: { name: "operator" }, rules },
      );
      await waitFor(() => isConverged(ns, "denied"), "converges once allowed");
    } finally {
      await harness.stop();
      restricted.close();
    }
  }, { prefix: "ctl-rbac" }));

Deno.test("a controller restarted between any two steps converges to the same end state", () =>
  withNamespace(async (ns) => {
    // A full convergence starts 6 steps (Run 1: 1, Run 2: 2, Run 3: 3). Cut at each.
    for (let cut = 1; cut <= 6; cut++) {
      const name = `restart-${cut}`;
      await create(ns, name, "same message");
      let started = 0;
      let stopping: Promise<void> | undefined;
      let first: ReturnType<typeof startOperator> | undefined = undefined;
      const cutting = threeStepReconciler((_step, g) => {
        if (g.metadata?.name !== name) return;
        if (++started === cut) stopping ??= first!.stop();
      });
      first = startOperator(client, ns, cutting, { shutdownGraceMs: 0 });
      await waitFor(() => stopping !== undefined, `cut ${cut} reached`);
      await stopping;
      const second = startOperator(client, ns, threeStepReconciler());
      try {
        await waitFor(() => isConverged(ns, name), `converges after cut ${cut}`);
      } finally {
        await second.stop();
      }
      const g = await greetings(ns).get(name);
      const cm = await new ResourceClient(client, ConfigMaps).namespace(ns).get(`child-${name}`);
      assert.deepEqual(
        { status: g.status, seen: g.metadata?.annotations?.[SEEN], data: cm.data },
        {
          status: { ready: true, configMap: `child-${name}` },
          seen: "true",
          data: { message: "same message" },
        },
        `after a cut at step ${cut}`,
      );
      assert.equal(cm.metadata?.ownerReferences?.[0]?.uid, g.metadata?.uid);
    }
  }, { prefix: "ctl-restart" }));

Deno.test("a secondary kind the operator may not watch: not ready, the reason logged, converges once allowed", () =>
  withNamespace(async (ns) => {
    await create(ns, "unwatched");
    const rules = [
      {
        apiGroups: ["demo.staircase.dev"],
        resources: ["greetings", "greetings/status"],
        verbs: ["get", "list", "watch", "patch"],
      },
      // ConfigMaps may be created but not listed or watched: their cache cannot sync.
      { apiGroups: [""], resources: ["configmaps"], verbs: ["create"] },
    ];
    const restricted = await restrictedClient(ns, rules);
    const warnings: string[] = [];
    const logger = {
      debug: () => {},
      info: () => {},
      warn: (message: string) => warnings.push(message),
      error: (message: string) => warnings.push(message),
    };
    const informers = new SharedInformers(restricted, {
      backoff: { initialMs: 50, maxMs: 200 },
    });
    const controller = new Controller({
      resource: Greetings,
      reconciler: threeStepReconciler(),
      client: restricted,
      namespace: ns,
    }).owns(ConfigMaps);
    const operator = new Operator({ informers, logger, syncReportIntervalMs: 100 })
      .add(controller);
    const stop = new AbortController();
    const done = operator.run(stop.signal);
    try {
      await waitFor(
        () => warnings.some((w) => /ConfigMap cache to sync: .*forbidden/i.test(w)),
        "the reason is logged",
      );
      assert.equal(operator.ready, false);
      assert.equal(controller.active, false, "no Run starts on a cache that is not whole");
      rules[1].verbs.push("list", "watch");
      await cluster.request(
        "PUT",
        `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/roles/operator`,
        { metadata: { name: "operator" }, rules },
      );
      await waitFor(() => isConverged(ns, "unwatched"), "converges once allowed");
      assert.equal(operator.ready, true);
    } finally {
      stop.abort();
      await done;
      restricted.close();
    }
  }, { prefix: "ctl-rbac-watch" }));
