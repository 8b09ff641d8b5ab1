/**
 * The operator: only the leader runs Runs, losing the lease aborts running Runs at once,
 * readiness, graceful shutdown.
 *
 * @module
 */
import assert from "node:assert/strict";
import { ResourceClient } from "../../lib/client/mod.ts";
import type { LeaderElection, LeadershipCallbacks } from "../../lib/controller/mod.ts";
import {
  HealthServer,
  LeaderElector,
  Operator,
  SharedInformers,
} from "../../lib/controller/mod.ts";
import { withNamespace } from "../../lib/testing/mod.ts";
import { adminClient, greetingCluster, startOperator, waitFor } from "./_operator.ts";
import { Greetings, threeStepReconciler } from "./_three_steps.ts";

const cluster = await greetingCluster();
const client = await adminClient(cluster);

/** A leader election the test drives by hand. */
class ManualElection implements LeaderElection {
  callbacks: LeadershipCallbacks | undefined;
  released = false;
  async run(signal: AbortSignal, callbacks: LeadershipCallbacks): Promise<void> {
    this.callbacks = callbacks;
    await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
    this.released = true;
    callbacks.onStoppedLeading();
  }
}

async function create(namespace: string, name: string): Promise<void> {
  await new ResourceClient(client, Greetings).namespace(namespace).create({
    apiVersion: "demo.staircase.dev/v1",
    kind: "Greeting",
    metadata: { name },
    spec: { message: "hi" },
  });
}

Deno.test("only the leader runs Runs; losing the lease aborts running Runs at once", () =>
  withNamespace(async (ns) => {
    await create(ns, "a");
    const election = new ManualElection();
    let stepSignal: AbortSignal | undefined;
    let abortedAfterMs: number | undefined;
    const reconciler = threeStepReconciler(async (step) => {
      if (step !== "annotate") return;
      // Hold the Run open until leadership is lost.
      const signal = stepSignalHolder.current!;
      stepSignal = signal;
      await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
    });
    const stepSignalHolder: { current?: AbortSignal } = {};
    const harness = startOperator(client, ns, {
      plan: (g) => reconciler.plan(g),
    }, {
      leaderElection: election,
      observer: { onStepStarted: (_n, _i, context) => stepSignalHolder.current = context.signal },
    });
    try {
      await waitFor(() => harness.operator.synced, "caches warm before leadership");
      assert.equal(harness.operator.ready, false, "not ready while leadership is unknown");
      election.callbacks!.onFollowing?.("someone-else");
      assert.equal(harness.operator.ready, true, "ready as a follower");
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(harness.runs.length, 0, "a follower runs no Runs");

      election.callbacks!.onStartedLeading();
      await waitFor(() => stepSignal !== undefined, "the leader runs the key");
      const before = harness.runs.length;
      const lostAt = performance.now();
      stepSignal!.addEventListener("abort", () => abortedAfterMs = performance.now() - lostAt);
      election.callbacks!.onStoppedLeading();
      assert.notEqual(abortedAfterMs, undefined, "the running Run's signal aborts at once");
      await waitFor(() => harness.runs.length > before, "the aborted Run ends");
      assert.equal(harness.runs.at(-1)!.action.type, "abandon");
      const runs = harness.runs.length;
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(harness.runs.length, runs, "no Runs after losing the lease");
    } finally {
      await harness.stop();
    }
    assert.equal(election.released, true, "the election is stopped (the lease released)");
  }, { prefix: "op-leader" }));

Deno.test("shutdown lets running Runs finish within the grace period, then aborts them", () =>
  withNamespace(async (ns) => {
    await create(ns, "slow");
    await create(ns, "stuck");
    let stuckSignal: AbortSignal | undefined;
    const inSteps = new Set<string>();
    const harness = startOperator(
      client,
      ns,
      threeStepReconciler(async (step, g) => {
        if (step !== "ensure-configmap") return;
        inSteps.add(g.metadata!.name!);
        if (g.metadata!.name === "slow") await new Promise((resolve) => setTimeout(resolve, 200));
        else await new Promise(() => {}); // never settles; only the signal ends the Run
      }),
      {
        shutdownGraceMs: 1_000,
        observer: {
          onStepStarted: (_n, _i, context) => {
            if ((context.resource as { metadata: { name: string } }).metadata.name === "stuck") {
              stuckSignal = context.signal;
            }
          },
        },
      },
    );
    await waitFor(() => inSteps.size === 2, "both keys running");
    await harness.stop();
    assert.equal(stuckSignal?.aborted, true, "the stuck Run was aborted after the grace period");
    const slow = harness.runs.find((run) => run.key === `${ns}/slow`);
    assert.equal(slow?.result.end, "modified", "the slow Run finished within the grace period");
    assert.equal(harness.operator.ready, false);
    assert.equal(harness.operator.healthy, false);
  }, { prefix: "op-shutdown" }));

Deno.test("an operator without controllers or with a bad registry is a clear error", async () => {
  assert.throws(() => new Operator({} as never), { name: "TypeError", message: /informers/ });
  const operator = new Operator({ informers: new SharedInformers(client) });
  const stop = new AbortController();
  const done = operator.run(stop.signal);
  await waitFor(() => operator.ready, "ready with nothing to sync");
  stop.abort();
  await done;
  await assert.rejects(operator.run(stop.signal), { name: "TypeError", message: /called once/ });
});

Deno.test("two replicas on a real Lease: the follower takes over when the leader stops", () =>
  withNamespace(async (ns) => {
    await create(ns, "first");
    const elector = (identity: string) =>
      new LeaderElector({
        client,
        name: "greeting-operator",
        namespace: ns,
        identity,
        leaseDurationMs: 2_000,
        renewDeadlineMs: 1_500,
        retryPeriodMs: 300,
      });
    const health = new HealthServer({ port: 0, hostname: "127.0.0.1" });
    const a = startOperator(client, ns, threeStepReconciler(), {
      leaderElection: elector("replica-a"),
      health,
    });
    await waitFor(() => a.operator.leader, "replica a leads");
    const b = startOperator(client, ns, threeStepReconciler(), {
      leaderElection: elector("replica-b"),
    });
    try {
      const { hostname, port } = health.address!;
      await waitFor(
        async () =>
          (await fetch(`http://${hostname}:${port}/readyz`).then(async (r) => {
            await r.body?.cancel();
            return r.status;
          })) === 200,
        "replica a is ready",
      );
      await waitFor(() => b.operator.ready, "replica b is ready as a follower");
      assert.equal(b.operator.leader, false);
      await waitFor(
        () => a.runs.filter((run) => run.result.end === "in-sync").length > 0,
        "a converges",
      );
      assert.equal(b.runs.length, 0, "the follower ran nothing");
      await a.stop();
      await assert.rejects(
        fetch(`http://${hostname}:${port}/readyz`),
        TypeError,
        "the operator closes the health server it opened",
      );
      await waitFor(() => b.operator.leader, "replica b takes over", 10_000);
      await create(ns, "second");
      await waitFor(
        () => b.runs.some((run) => run.key === `${ns}/second` && run.result.end === "in-sync"),
        "the new leader reconciles",
      );
    } finally {
      await a.stop();
      await b.stop();
    }
  }, { prefix: "op-lease" }));
