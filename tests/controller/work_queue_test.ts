import assert from "node:assert/strict";
import { KeyBackoff, WorkQueue } from "../../lib/controller/mod.ts";
import { METRICS, RuntimeMetrics } from "../../lib/telemetry/mod.ts";
import { TestSdk } from "../telemetry/_sdk.ts";
import { countTimersArmed } from "../_fixtures.ts";

/** A promise with its resolver, to hold a key's processing open. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => open = resolve);
  return { promise, open };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

Deno.test("adds of a waiting key collapse into one run", async () => {
  const seen: string[] = [];
  const queue = new WorkQueue({
    paused: true,
    process: (key) => {
      seen.push(key);
      return Promise.resolve();
    },
  });
  for (let i = 0; i < 5; i++) queue.add("a");
  queue.add("b");
  assert.equal(queue.length, 2);
  queue.resume();
  await queue.idle();
  assert.deepEqual(seen, ["a", "b"]);
  queue.close();
});

Deno.test("a key runs once at a time; adds while it runs collapse into one follow-up", async () => {
  let running = 0;
  let maxRunning = 0;
  const gates: (() => void)[] = [];
  let runs = 0;
  const queue = new WorkQueue({
    process: async () => {
      runs++;
      running++;
      maxRunning = Math.max(maxRunning, running);
      const g = gate();
      gates.push(g.open);
      await g.promise;
      running--;
    },
  });
  queue.add("a");
  await tick();
  assert.equal(runs, 1);
  for (let i = 0; i < 10; i++) queue.add("a");
  await tick();
  assert.equal(runs, 1, "a second run started while the first was running");
  gates.shift()!();
  await tick();
  await tick();
  assert.equal(runs, 2, "the follow-up run did not start");
  gates.shift()!();
  await queue.idle();
  assert.equal(runs, 2, "more than one follow-up ran");
  assert.equal(maxRunning, 1);
  queue.close();
});

Deno.test("concurrency bounds how many keys run at once", async () => {
  let running = 0;
  let maxRunning = 0;
  const queue = new WorkQueue({
    concurrency: 3,
    process: async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await sleep(2);
      running--;
    },
  });
  for (let i = 0; i < 20; i++) queue.add(`k${i}`);
  await queue.idle();
  assert.equal(maxRunning, 3);
  queue.close();
});

Deno.test("a hot key goes to the back of the line: it cannot starve the others", async () => {
  const order: string[] = [];
  let hotRuns = 0;
  const queue = new WorkQueue({
    concurrency: 1,
    paused: true,
    process: (key) => {
      order.push(key);
      // The hot key is re-added on every run, as a controller flooded with events would.
      if (key === "hot" && ++hotRuns < 50) queue.add("hot");
      return Promise.resolve();
    },
  });
  queue.add("hot");
  for (const key of ["a", "b", "c"]) queue.add(key);
  queue.resume();
  await queue.idle();
  // Every other key ran before the hot key's second run.
  assert.deepEqual(order.slice(0, 5), ["hot", "a", "b", "c", "hot"]);
  queue.close();
});

Deno.test("keys whose processing never leaves the microtask queue let timers and other work run", async () => {
  let hotRuns = 0;
  let otherRuns = 0;
  const queue = new WorkQueue({
    concurrency: 2,
    process: (key) => {
      // The hot key settles at once and asks to run again: without a turn of the event loop
      // now and then, no timer (the one below included) would fire until it stops (after 3 s,
      // so that a queue without the turn fails this test rather than hang it).
      if (key === "hot") {
        hotRuns++;
        if (performance.now() - started < 3_000) queue.add("hot");
      } else otherRuns++;
      return Promise.resolve();
    },
  });
  const started = performance.now();
  const fired = new Promise<number>((resolve) =>
    setTimeout(() => resolve(performance.now() - started), 50)
  );
  queue.add("hot");
  const waited = await fired;
  // Generous: a loaded machine may be slow, but the timer must fire.
  assert.ok(waited < 2_000, `the 50 ms timer fired after ${waited} ms`);
  assert.ok(hotRuns > 1, "the hot key kept running meanwhile");
  // A key added from a timer (as an informer's event would) still gets its turns.
  for (let i = 0; i < 3; i++) {
    queue.add("other");
    await sleep(5);
  }
  assert.equal(otherRuns, 3);
  queue.close();
  await queue.idle();
});

Deno.test("an earlier delayed request replaces a later one; a later one never postpones", async () => {
  const seen: [string, number][] = [];
  const start = Date.now();
  const queue = new WorkQueue({
    process: (key) => {
      seen.push([key, Date.now() - start]);
      return Promise.resolve();
    },
  });
  queue.add("a", 10_000);
  queue.add("a", 20);
  queue.add("a", 60_000); // later: ignored
  queue.add("b", 60_000);
  queue.add("b", 0);
  await queue.idle();
  assert.deepEqual(seen.map(([key]) => key), ["b"]);
  await sleep(80);
  await queue.idle();
  assert.deepEqual(seen.map(([key]) => key), ["b", "a"]);
  assert.equal(queue.length, 0, "the replaced 10 s / 60 s requests must be gone");
  queue.close();
});

Deno.test("a delayed follow-up for a running key keeps the earliest due time", async () => {
  const seen: string[] = [];
  const g = gate();
  const queue = new WorkQueue({
    process: async (key) => {
      seen.push(key);
      if (seen.length === 1) await g.promise;
    },
  });
  queue.add("a");
  await tick();
  queue.add("a", 60_000);
  queue.add("a", 5);
  g.open();
  await sleep(40);
  await queue.idle();
  assert.deepEqual(seen, ["a", "a"]);
  queue.close();
});

Deno.test("a process that throws or rejects is reported and the queue goes on", async () => {
  const errors: string[] = [];
  const seen: string[] = [];
  const queue = new WorkQueue({
    process: (key) => {
      seen.push(key);
      if (key === "throws") throw new Error("sync boom");
      if (key === "rejects") return Promise.reject(new Error("async boom"));
      return Promise.resolve();
    },
    onError: (key, error) => errors.push(`${key}: ${(error as Error).message}`),
  });
  queue.add("throws");
  queue.add("rejects");
  queue.add("fine");
  await queue.idle();
  assert.deepEqual(seen, ["throws", "rejects", "fine"]);
  assert.deepEqual(errors.sort(), ["rejects: async boom", "throws: sync boom"]);
  queue.close();
});

Deno.test("paused queues collect keys; close drops them", async () => {
  const seen: string[] = [];
  const queue = new WorkQueue({
    paused: true,
    process: (key) => {
      seen.push(key);
      return Promise.resolve();
    },
  });
  queue.add("a");
  queue.add("b", 50);
  await queue.idle();
  assert.deepEqual(seen, []);
  queue.close();
  queue.resume();
  queue.add("c");
  await sleep(60);
  assert.deepEqual(seen, []);
  assert.equal(queue.length, 0);
});

Deno.test("bad settings are named errors", () => {
  assert.throws(
    () => new WorkQueue({ concurrency: 0, process: () => Promise.resolve() }),
    { name: "TypeError", message: /concurrency must be an integer ≥ 1/ },
  );
  assert.throws(
    () => new WorkQueue({} as never),
    { name: "TypeError", message: /process must be a function/ },
  );
  assert.throws(() => new KeyBackoff({ initialMs: 0 }), RangeError);
  assert.throws(() => new KeyBackoff({ initialMs: 10, maxMs: 5 }), RangeError);
  assert.throws(() => new KeyBackoff({ jitter: 1 }), RangeError);
});

Deno.test("backoff doubles per failure up to the cap, per key, and resets on success", () => {
  const backoff = new KeyBackoff({ initialMs: 5, maxMs: 100, jitter: 0 });
  assert.deepEqual([1, 2, 3, 4, 5, 6].map(() => backoff.next("a")), [5, 10, 20, 40, 80, 100]);
  assert.equal(backoff.next("b"), 5, "keys back off independently");
  assert.equal(backoff.failures("a"), 6);
  backoff.reset("a");
  assert.equal(backoff.failures("a"), 0);
  assert.equal(backoff.next("a"), 5);
  // Thousands of failures stay finite at the cap.
  for (let i = 0; i < 2_000; i++) backoff.next("c");
  assert.equal(backoff.next("c"), 100);
});

Deno.test("backoff jitter shortens delays by at most the jitter fraction", () => {
  const low = new KeyBackoff({ initialMs: 100, jitter: 0.2, random: () => 0.999999 });
  const high = new KeyBackoff({ initialMs: 100, jitter: 0.2, random: () => 0 });
  const shortest = low.next("a");
  assert.ok(shortest >= 80 && shortest < 80.01, String(shortest));
  assert.equal(high.next("a"), 100);
  const defaults = new KeyBackoff();
  assert.equal(defaults.initialMs, 5);
  assert.equal(defaults.maxMs, 300_000);
});

Deno.test("the queue records its depth and each key's wait from due to start", async () => {
  const sdk = new TestSdk();
  const depth = async () =>
    (await sdk.points(METRICS.queueDepth)).reduce((total, p) => total + p.value, 0);
  const running = gate();
  const queue = new WorkQueue({
    paused: true,
    concurrency: 1,
    metrics: new RuntimeMetrics({ controller: "q", meterProvider: sdk.meterProvider }),
    process: (key) => key === "a" ? running.promise : Promise.resolve(),
  });
  try {
    queue.add("a");
    queue.add("a"); // collapses
    queue.add("b");
    queue.add("c", 60_000); // delayed keys wait too
    assert.equal(await depth(), 3);
    queue.remove("c");
    assert.equal(await depth(), 2);
    await sleep(30);
    queue.resume(); // "a" runs, "b" waits for the one worker
    assert.equal(await depth(), 1);
    queue.add("a"); // a follow-up of a running key is not in the queue yet
    assert.equal(await depth(), 1);
    running.open();
    await queue.idle();
    await tick();
    await queue.idle();
    assert.equal(await depth(), 0);
    const waits = await sdk.points(METRICS.queueWait);
    assert.equal(waits.length, 1);
    assert.equal(waits[0].count, 3, "a, b, and a's follow-up");
    assert.ok(waits[0].value >= 2 * 25, `a and b waited while paused, got ${waits[0].value} ms`);
  } finally {
    queue.close();
    await sdk.shutdown();
  }
});

Deno.test("a key due beyond a timer's reach (60 days out) waits on one timer", async () => {
  using timers = countTimersArmed();
  let processed = 0;
  const queue = new WorkQueue({
    process: () => {
      processed++;
      return Promise.resolve();
    },
  });
  try {
    queue.add("renew-certificate", 60 * 24 * 3_600_000);
    await timers.wait(200);
    assert.equal(processed, 0);
    // A delay past 2^31 - 1 ms would fire at once and be re-armed, again and again.
    assert.ok(timers.count <= 2, `${timers.count} timers armed in 200 ms`);
    assert.equal(queue.length, 1);
  } finally {
    queue.close();
  }
});
