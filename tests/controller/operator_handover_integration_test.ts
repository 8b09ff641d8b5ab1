/**
 * Issue 10: two replicas with short leases never run Runs at the same time over at least 20
 * hand-overs, and failover happens within the lease duration. Both operators run in this
 * process, so their Runs are timed on one clock. Half the hand-overs stop the leader (it
 * releases the Lease); the other half cut the leader off from the API server for its Lease
 * only, so it keeps its caches and would go on running Runs if losing the Lease did not abort
 * them: the case where overlap would happen.
 *
 * @module
 */
import assert from "node:assert/strict";
import { ConnectionError, decorateRestClient, ResourceClient } from "../../lib/client/mod.ts";
import { sleep } from "../../lib/client/sleep.ts";
import { LeaderElector } from "../../lib/controller/mod.ts";
import { blocked, plan, type Reconciler } from "../../lib/steps/mod.ts";
import { withNamespace } from "../../lib/testing/mod.ts";
import type { Greeting } from "../../examples/greeting/api/demo.staircase.dev/v1/mod.ts";
import { adminClient, greetingCluster, type Harness, startOperator, waitFor } from "./_operator.ts";
import { Greetings } from "./_three_steps.ts";

const cluster = await greetingCluster();
const client = await adminClient(cluster);

const LEASE_MS = 1_500;
const HANDOVERS = 20;

interface Interval {
  readonly replica: string;
  readonly start: number;
  readonly end: number;
}

/** One step that works for 20 ms and asks to run again soon: Runs go on while leading. */
function busyReconciler(replica: string, intervals: Interval[]): Reconciler<Greeting> {
  return {
    plan: () =>
      plan<Greeting>().step({
        name: "work",
        run: async (context) => {
          const start = performance.now();
          try {
            await sleep(20, context.signal);
          } finally {
            intervals.push({ replica, start, end: performance.now() });
          }
          return blocked({ message: "more work", requeueAfterMs: 5 });
        },
      }),
  };
}

/** A replica: an operator whose Lease requests can be cut off, restartable under one name. */
class Replica {
  readonly name: string;
  cut = false;
  harness: Harness | undefined;
  readonly #namespace: string;
  readonly #intervals: Interval[];

  constructor(name: string, namespace: string, intervals: Interval[]) {
    this.name = name;
    this.#namespace = namespace;
    this.#intervals = intervals;
  }

  start(): void {
    const leaseClient = decorateRestClient(
      client,
      (options, next) =>
        this.cut
          ? Promise.reject(new ConnectionError("https://test", "cut off by the test"))
          : next(options),
    );
    this.harness = startOperator(
      client,
      this.#namespace,
      busyReconciler(this.name, this.#intervals),
      {
        leaderElection: new LeaderElector({
          client: leaseClient,
          name: "handover",
          namespace: this.#namespace,
          identity: this.name,
          leaseDurationMs: LEASE_MS,
          renewDeadlineMs: 1_000,
          retryPeriodMs: 200,
        }),
        shutdownGraceMs: 0,
      },
    );
  }

  get leading(): boolean {
    return this.harness?.operator.leader ?? false;
  }

  async stop(): Promise<void> {
    await this.harness?.stop();
    this.harness = undefined;
  }
}

Deno.test("two operators never run Runs at the same time over 20 hand-overs", () =>
  withNamespace(async (ns) => {
    await new ResourceClient(client, Greetings).namespace(ns).create({
      apiVersion: "demo.staircase.dev/v1",
      kind: "Greeting",
      metadata: { name: "busy" },
      spec: { message: "hi" },
    });
    const intervals: Interval[] = [];
    const replicas = [new Replica("a", ns, intervals), new Replica("b", ns, intervals)];
    const failovers: number[] = [];
    try {
      for (const replica of replicas) replica.start();
      await waitFor(() => replicas.some((r) => r.leading), "someone leads", 20_000);
      for (let i = 0; i < HANDOVERS; i++) {
        const leader = replicas.find((r) => r.leading)!;
        const follower = replicas.find((r) => r !== leader)!;
        const runsBefore = intervals.filter((x) => x.replica === follower.name).length;
        const began = performance.now();
        if (i % 2 === 0) {
          leader.cut = true; // it must give up at its renew deadline, aborting its Runs
        } else {
          await leader.stop(); // it releases the Lease
        }
        await waitFor(() => follower.leading, `hand-over ${i + 1} to ${follower.name}`, 20_000);
        failovers.push(performance.now() - began);
        await waitFor(
          () => intervals.filter((x) => x.replica === follower.name).length > runsBefore,
          `${follower.name} runs after hand-over ${i + 1}`,
          20_000,
        );
        if (leader.cut) leader.cut = false; // back as a follower
        else leader.start();
      }
    } finally {
      for (const replica of replicas) await replica.stop();
    }

    // No Run of one replica overlaps a Run of the other (both timed on this process's clock).
    const a = intervals.filter((x) => x.replica === "a");
    const b = intervals.filter((x) => x.replica === "b");
    assert.ok(a.length >= 10 && b.length >= 10, `Runs: a ${a.length}, b ${b.length}`);
    for (const x of a) {
      for (const y of b) {
        assert.ok(
          x.end <= y.start || y.end <= x.start,
          `Runs overlap: a [${x.start.toFixed(1)}, ${x.end.toFixed(1)}] and ` +
            `b [${y.start.toFixed(1)}, ${y.end.toFixed(1)}]`,
        );
      }
    }
    // Failover within the lease duration, plus generous room for a loaded 2-core machine.
    const slowest = Math.max(...failovers);
    assert.ok(slowest < LEASE_MS + 3_000, `slowest failover ${slowest.toFixed(0)} ms`);
    assert.equal(failovers.length, HANDOVERS);
  }, { prefix: "handover" }));
