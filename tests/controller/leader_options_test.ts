/**
 * LeaderElector without a server: option checks, defaults, and the API's behaviour while the
 * server cannot be reached.
 *
 * @module
 */
import assert from "node:assert/strict";
import { ConnectionError, type RestClient } from "../../lib/client/mod.ts";
import {
  defaultLeaderIdentity,
  LeaderElectionOptionsError,
  LeaderElector,
  LeaderElectorRunningError,
  LeadershipEndedError,
} from "../../lib/controller/mod.ts";
import { type LogRecord, recordingLogger } from "./_leader.ts";

/** A client whose every request fails as if the server were unreachable. */
function unreachable(): RestClient & { requests: number } {
  const client = {
    requests: 0,
    performRequest(): Promise<never> {
      client.requests++;
      return Promise.reject(new ConnectionError("https://127.0.0.1:1", "connection refused"));
    },
  };
  return client as RestClient & { requests: number };
}

const base = { client: unreachable(), name: "my-operator", namespace: "default" };

Deno.test("defaults are client-go's: 15 s lease, 10 s renew deadline, 2 s retry period", () => {
  const elector = new LeaderElector(base);
  assert.equal(elector.leaseDurationMs, 15_000);
  assert.equal(elector.renewDeadlineMs, 10_000);
  assert.equal(elector.retryPeriodMs, 2_000);
  assert.equal(elector.state, "stopped");
  assert.equal(elector.isLeader, false);
  assert.equal(elector.leader, undefined);
  assert.match(elector.identity, /^.+_[0-9a-f]{8}$/);
});

Deno.test("the default identity is unique per call", () => {
  const identities = new Set(Array.from({ length: 50 }, () => defaultLeaderIdentity()));
  assert.equal(identities.size, 50);
});

Deno.test("bad options are LeaderElectionOptionsErrors naming the problem", () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ client: undefined }, /client must be a RestClient/],
    [{ client: {} }, /client must be a RestClient/],
    [{ name: "" }, /name must be a DNS subdomain/],
    [{ name: "My_Lease" }, /name must be a DNS subdomain/],
    [{ name: undefined }, /name must be a DNS subdomain/],
    [{ namespace: "" }, /namespace must be a DNS label/],
    [{ namespace: "a.b" }, /namespace must be a DNS label/],
    [{ identity: "  " }, /identity must be a non-empty string/],
    [{ identity: 7 }, /identity must be a non-empty string/],
    [{ leaseDurationMs: 0 }, /leaseDurationMs must be a number of milliseconds in \(0, /],
    [{ renewDeadlineMs: -1 }, /renewDeadlineMs must be a number of milliseconds/],
    [{ retryPeriodMs: Number.NaN }, /retryPeriodMs must be a number of milliseconds/],
    [{ retryPeriodMs: Infinity }, /retryPeriodMs must be a number of milliseconds/],
    [{ retryPeriodMs: "2000" }, /retryPeriodMs must be a number of milliseconds/],
    [
      { leaseDurationMs: 10_000, renewDeadlineMs: 10_000 },
      /leaseDurationMs \(10000\) must be greater than renewDeadlineMs \(10000\)/,
    ],
    [
      { renewDeadlineMs: 2_400, retryPeriodMs: 2_000 },
      /renewDeadlineMs \(2400\) must be greater than 1.2 × retryPeriodMs \(2000\)/,
    ],
    // Longer than a timer can wait (about 24.8 days): its timers would fire at once.
    [{ leaseDurationMs: 1e13 }, /leaseDurationMs must be .* 2147483647\], got 10000000000000/],
    [{ renewDeadlineMs: 2 ** 31 }, /renewDeadlineMs must be .* got 2147483648/],
  ];
  for (const [override, message] of cases) {
    assert.throws(
      () => new LeaderElector({ ...base, ...override } as never),
      (error: unknown) =>
        error instanceof LeaderElectionOptionsError && message.test(error.message),
      JSON.stringify(override),
    );
  }
  assert.throws(() => new LeaderElector(undefined as never), LeaderElectionOptionsError);
});

Deno.test("an unreachable server: run keeps trying, stays unknown, warns once, stops cleanly", async () => {
  const client = unreachable();
  const records: LogRecord[] = [];
  const elector = new LeaderElector({
    ...base,
    client,
    leaseDurationMs: 600,
    renewDeadlineMs: 400,
    retryPeriodMs: 20,
    logger: recordingLogger(records),
  });
  const stop = new AbortController();
  const run = elector.run(stop.signal);
  await assert.rejects(elector.run(), LeaderElectorRunningError);
  const giveUp = new AbortController();
  const known = elector.known(giveUp.signal);
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(elector.state, "unknown");
  assert.equal(elector.isLeader, false);
  assert.ok(client.requests >= 3, `${client.requests} requests`);
  // Never known while the server cannot be reached.
  giveUp.abort(new Error("gave up"));
  await assert.rejects(known, /gave up/);
  stop.abort();
  await run;
  assert.equal(elector.state, "stopped");
  assert.equal(records.filter((r) => r.level === "warn").length, 1);
  assert.match(records.find((r) => r.level === "warn")!.message, /could not acquire or renew/);
  // A stopped elector can run again.
  const again = new AbortController();
  again.abort();
  await elector.run(again.signal);
});

Deno.test("leading() waits for a term and gives up when its signal aborts", async () => {
  const elector = new LeaderElector(base);
  const giveUp = new AbortController();
  const waiting = elector.leading(giveUp.signal);
  giveUp.abort(new Error("not any more"));
  await assert.rejects(waiting, /not any more/);
  await assert.rejects(elector.leading(giveUp.signal), /not any more/);
});

Deno.test("LeadershipEndedError says why the term ended", () => {
  const taken = new LeadershipEndedError("taken", "pod-a");
  assert.equal(taken.name, "LeadershipEndedError");
  assert.equal(taken.identity, "pod-a");
  assert.match(taken.message, /pod-a.*another candidate holds the lease/);
  assert.match(new LeadershipEndedError("renew-deadline", "x").message, /renew deadline/);
  assert.match(new LeadershipEndedError("stopped", "x").message, /stopped/);
});
