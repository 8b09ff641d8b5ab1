/**
 * LeaderElector against the real control plane: no two terms overlap over many hand-overs,
 * failover within the lease duration, release on stop, a taken Lease ends the term at once,
 * API errors during renewal, and lost races that are not errors.
 *
 * Timing assertions are upper bounds with seconds of margin (a loaded 2-core machine);
 * safety (no overlap) is asserted exactly.
 *
 * @module
 */
import assert from "node:assert/strict";
import { ResourceClient } from "../../lib/client/mod.ts";
import { type Lease, Leases } from "../../lib/apis/coordination.k8s.io/v1/mod.ts";
import {
  LeaderElector,
  type LeaderElectorOptions,
  LeadershipEndedError,
} from "../../lib/controller/mod.ts";
import { useTestControlPlane, withNamespace } from "../../lib/testing/mod.ts";
import {
  delay,
  firstLeader,
  flakyClient,
  type LogRecord,
  overlaps,
  recordingLogger,
  recordTerms,
  type Term,
  timeToAbort,
  timeToLead,
} from "./_leader.ts";

const cluster = await useTestControlPlane();

/** Short timings: the Lease stores whole seconds, so 2 s is what followers wait. */
const SHORT = { leaseDurationMs: 2_000, renewDeadlineMs: 1_200, retryPeriodMs: 200 };
/** A long lease: a take-over faster than it proves a release or a lost lease was noticed. */
const LONG = { leaseDurationMs: 10_000, renewDeadlineMs: 5_000, retryPeriodMs: 200 };
/** Room for a short outage within the renew deadline. */
const MEDIUM = { leaseDurationMs: 4_000, renewDeadlineMs: 3_000, retryPeriodMs: 200 };
/** Noise margin on every upper bound. */
const NOISE_MS = 2_000;

async function readLease(ns: string, name: string): Promise<Lease> {
  const { body } = await cluster.request<Lease>(
    "GET",
    `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases/${name}`,
  );
  return body;
}

Deno.test("two electors never lead at the same time over 20 hand-overs; failover within the lease duration", () =>
  withNamespace(async (ns) => {
    using clientA = await flakyClient(cluster);
    using clientB = await flakyClient(cluster);
    const terms: Term[] = [];
    const records: LogRecord[] = [];
    const common = (who: string): Omit<LeaderElectorOptions, "client"> => ({
      name: "handover",
      namespace: ns,
      identity: who,
      ...SHORT,
      ...recordTerms(terms, who),
      logger: recordingLogger(records),
    });
    const a = new LeaderElector({ client: clientA, ...common("a") });
    const b = new LeaderElector({ client: clientB, ...common("b") });
    const clientOf = new Map([[a, clientA], [b, clientB]]);
    const stops = new Map<LeaderElector, AbortController>();
    const runs = new Map<LeaderElector, Promise<void>>();
    const start = (e: LeaderElector): void => {
      const stop = new AbortController();
      stops.set(e, stop);
      runs.set(e, e.run(stop.signal));
    };
    start(a);
    start(b);
    const failovers: number[] = [];
    try {
      for (let round = 0; round < 20; round++) {
        // Normally someone leads already; under heavy load a renewal may have missed its
        // deadline, so wait for a leader rather than assume one.
        const leader = await firstLeader([a, b], 10_000);
        const follower = leader === a ? b : a;
        assert.ok(!follower.isLeader, `round ${round}: two leaders`);
        const before = performance.now();
        if (round % 2 === 0) {
          // A partition: the leader can no longer reach the server and does not release.
          clientOf.get(leader)!.failing = round % 4 === 0 ? "connection" : "server-error";
          await timeToLead(follower, SHORT.leaseDurationMs + NOISE_MS);
          failovers.push(performance.now() - before);
          assert.ok(!leader.isLeader, `round ${round}: the cut-off leader stepped down first`);
          clientOf.get(leader)!.failing = undefined;
        } else {
          // A clean stop: the leader releases, the follower takes over at its next attempt.
          stops.get(leader)!.abort();
          await runs.get(leader);
          await timeToLead(follower, NOISE_MS);
          failovers.push(performance.now() - before);
          start(leader);
        }
      }
    } finally {
      for (const stop of stops.values()) stop.abort();
      await Promise.all(runs.values());
    }
    assert.deepEqual(overlaps(terms), [], "two terms overlapped");
    assert.ok(terms.every((t) => t.end !== undefined), "every term ended");
    let handOvers = 0;
    const ordered = [...terms].sort((x, y) => x.start - y.start);
    for (let i = 1; i < ordered.length; i++) {
      if (ordered[i].who !== ordered[i - 1].who) handOvers++;
    }
    assert.ok(handOvers >= 20, `only ${handOvers} hand-overs`);
    const partitionEnds = terms.filter((t) => t.reason === "renew-deadline").length;
    assert.ok(partitionEnds >= 10, `${partitionEnds} terms ended by the renew deadline`);
    assert.ok(terms.filter((t) => t.reason === "stopped").length >= 10);
    const lease = await readLease(ns, "handover");
    assert.ok((lease.spec?.leaseTransitions ?? 0) >= 20, JSON.stringify(lease.spec));
    assert.equal(lease.spec?.leaseDurationSeconds, 1, "the last stop released the lease");
    assert.equal(lease.spec?.holderIdentity, undefined);
    assert.deepEqual(records.filter((r) => r.level === "error"), []);
    console.log(
      `failovers (ms): ${failovers.map((ms) => Math.round(ms)).join(" ")}; ` +
        `${terms.length} terms, ${handOvers} hand-overs`,
    );
  }, { prefix: "leader" }));

Deno.test("a stopped leader releases the Lease and the follower takes over at once", () =>
  withNamespace(async (ns) => {
    using clientA = await flakyClient(cluster);
    using clientB = await flakyClient(cluster);
    const a = new LeaderElector({ client: clientA, name: "release", namespace: ns, ...LONG });
    const b = new LeaderElector({ client: clientB, name: "release", namespace: ns, ...LONG });
    const stopA = new AbortController();
    const stopB = new AbortController();
    const runA = a.run(stopA.signal);
    const term = await a.leading();
    const runB = b.run(stopB.signal);
    try {
      // b has read the Lease once and knows a leads.
      assert.equal(await b.known(), "follower");
      assert.equal(await a.known(), "leader");
      assert.equal(b.leader, a.identity);
      assert.equal(a.state, "leader");
      const before = performance.now();
      stopA.abort();
      await runA;
      assert.ok(term.aborted);
      assert.ok(term.reason instanceof LeadershipEndedError);
      assert.equal(term.reason.reason, "stopped");
      assert.equal(a.state, "stopped");
      assert.equal(a.isLeader, false);
      await timeToLead(b, LONG.leaseDurationMs);
      const took = performance.now() - before;
      // Without the release b would wait the whole 10 s lease.
      assert.ok(took < LONG.leaseDurationMs / 2, `take-over took ${Math.round(took)} ms`);
      const lease = await readLease(ns, "release");
      assert.equal(lease.spec?.holderIdentity, b.identity);
      assert.equal(lease.spec?.leaseTransitions, 1);
      assert.equal(lease.spec?.leaseDurationSeconds, 10);
      assert.match(lease.spec?.renewTime ?? "", /\.\d{6}Z$/);
    } finally {
      stopA.abort();
      stopB.abort();
      await Promise.all([runA, runB]);
    }
  }, { prefix: "leader" }));

Deno.test("someone overwriting the Lease holder ends the term at once", () =>
  withNamespace(async (ns) => {
    using client = await flakyClient(cluster);
    const ended: LeadershipEndedError[] = [];
    const leaders: (string | undefined)[] = [];
    const a = new LeaderElector({
      client,
      name: "stolen",
      namespace: ns,
      ...LONG,
      onStoppedLeading: (reason) => ended.push(reason),
      onNewLeader: (who) => leaders.push(who),
    });
    const stop = new AbortController();
    const run = a.run(stop.signal);
    try {
      const term = await a.leading();
      const lease = await readLease(ns, "stolen");
      await cluster.request(
        "PUT",
        `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases/stolen`,
        { ...lease, spec: { ...lease.spec, holderIdentity: "intruder" } },
      );
      // Noticed at the next renewal (every 200 ms), long before the 5 s renew deadline.
      const took = await timeToAbort(term, LONG.renewDeadlineMs + NOISE_MS);
      assert.ok(took < LONG.renewDeadlineMs, `the term ended after ${Math.round(took)} ms`);
      assert.equal((term.reason as LeadershipEndedError).reason, "taken");
      assert.equal(a.isLeader, false);
      assert.equal(a.state, "follower");
      assert.equal(a.leader, "intruder");
      assert.deepEqual(ended.map((e) => e.reason), ["taken"]);
      assert.deepEqual(leaders, [a.identity, "intruder"]);
      // The intruder's record is fresh: a must wait out its lease, not take it straight back.
      await delay(1_000);
      assert.equal((await readLease(ns, "stolen")).spec?.holderIdentity, "intruder");
    } finally {
      stop.abort();
      await run;
    }
    // Not the holder: stopping must not clear the intruder's record.
    assert.equal((await readLease(ns, "stolen")).spec?.holderIdentity, "intruder");
  }, { prefix: "leader" }));

Deno.test("API errors shorter than the renew deadline keep the term; longer ones end it", () =>
  withNamespace(async (ns) => {
    using client = await flakyClient(cluster);
    const records: LogRecord[] = [];
    const a = new LeaderElector({
      client,
      name: "errors",
      namespace: ns,
      ...MEDIUM,
      logger: recordingLogger(records),
    });
    const stop = new AbortController();
    const run = a.run(stop.signal);
    try {
      const first = await a.leading();
      // 500s for a third of the renew deadline: renewals fail, the term goes on.
      client.failing = "server-error";
      await delay(MEDIUM.renewDeadlineMs / 3);
      client.failing = undefined;
      await delay(3 * MEDIUM.retryPeriodMs);
      assert.ok(client.failed > 0, "no request failed");
      assert.equal(first.aborted, false, "a short outage ended the term");
      assert.equal(a.isLeader, true);
      // One warning for the streak, then a note that the server is back.
      assert.equal(records.filter((r) => r.level === "warn").length, 1);
      assert.ok(records.some((r) => /reachable again/.test(r.message)));

      // A partition past the renew deadline ends the term by the deadline.
      client.failing = "connection";
      const took = await timeToAbort(first, MEDIUM.renewDeadlineMs + NOISE_MS);
      assert.ok(took <= MEDIUM.renewDeadlineMs + NOISE_MS);
      assert.equal((first.reason as LeadershipEndedError).reason, "renew-deadline");
      assert.equal(a.isLeader, false);
      assert.equal(a.state, "follower");
      // Healed, with nobody else around, it renews its own record: a new term, no transition.
      client.failing = undefined;
      const second = await a.leading();
      assert.notEqual(second, first);
      assert.equal(second.aborted, false);
      const lease = await readLease(ns, "errors");
      assert.equal(lease.spec?.holderIdentity, a.identity);
      assert.equal(lease.spec?.leaseTransitions, 0);
    } finally {
      stop.abort();
      await run;
    }
    assert.deepEqual(records.filter((r) => r.level === "error"), []);
  }, { prefix: "leader" }));

Deno.test("candidates racing for a missing or free Lease: exactly one wins, no errors logged", () =>
  withNamespace(async (ns) => {
    const clients = await Promise.all([0, 1, 2].map(() => flakyClient(cluster)));
    try {
      for (let round = 0; round < 4; round++) {
        const records: LogRecord[] = [];
        const terms: Term[] = [];
        const electors = clients.map((client, i) =>
          new LeaderElector({
            client,
            name: `race-${round}`,
            namespace: ns,
            identity: `candidate-${i}`,
            ...SHORT,
            ...recordTerms(terms, `candidate-${i}`),
            logger: recordingLogger(records),
          })
        );
        const stop = new AbortController();
        const runs = electors.map((e) => e.run(stop.signal));
        await firstLeader(electors, 10_000);
        await delay(3 * SHORT.retryPeriodMs);
        assert.equal(electors.filter((e) => e.isLeader).length, 1);
        assert.equal(terms.length, 1, JSON.stringify(terms));
        const winner = electors.find((e) => e.isLeader)!;
        for (const e of electors) {
          if (e !== winner) assert.equal(e.leader, winner.identity);
        }
        stop.abort();
        await Promise.all(runs);
        // Conflicts and AlreadyExists are lost races, not failures.
        assert.deepEqual(records.filter((r) => r.level === "warn" || r.level === "error"), []);
      }
    } finally {
      for (const client of clients) client[Symbol.dispose]();
    }
  }, { prefix: "leader" }));

Deno.test("a Lease's fields are written as client-go writes them", () =>
  withNamespace(async (ns) => {
    using client = await flakyClient(cluster);
    const a = new LeaderElector({
      client,
      name: "fields",
      namespace: ns,
      identity: "pod-a",
      leaseDurationMs: 1_500,
      renewDeadlineMs: 1_000,
      retryPeriodMs: 200,
    });
    const stop = new AbortController();
    const run = a.run(stop.signal);
    try {
      await a.leading();
      const lease = await new ResourceClient(client, Leases).namespace(ns).get("fields");
      assert.equal(lease.spec?.holderIdentity, "pod-a");
      // 1.5 s rounds up: the field counts whole seconds and must not shorten the lease.
      assert.equal(lease.spec?.leaseDurationSeconds, 2);
      assert.equal(lease.spec?.leaseTransitions, 0);
      assert.match(lease.spec?.acquireTime ?? "", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
      await delay(3 * 200);
      const renewed = await readLease(ns, "fields");
      assert.equal(renewed.spec?.acquireTime, lease.spec?.acquireTime);
      assert.notEqual(renewed.spec?.renewTime, lease.spec?.renewTime);
    } finally {
      stop.abort();
      await run;
    }
    const released = await readLease(ns, "fields");
    assert.equal(released.spec?.holderIdentity, undefined);
    assert.equal(released.spec?.leaseDurationSeconds, 1);
  }, { prefix: "leader" }));
