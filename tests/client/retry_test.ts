import assert from "node:assert/strict";
import {
  isRetryableMethod,
  parseRetryAfter,
  retryDelayMs,
  retryPolicy,
} from "../../lib/client/retry.ts";
import { MIN_QPS, RateLimiter } from "../../lib/client/rate_limiter.ts";
import { sleep } from "../../lib/client/sleep.ts";
import { fails } from "./test_server.ts";

Deno.test("retry: only safe methods by default, opt-in for others", () => {
  for (const m of ["GET", "HEAD", "OPTIONS"]) assert.equal(isRetryableMethod(m), true);
  for (const m of ["POST", "PUT", "PATCH", "DELETE"]) assert.equal(isRetryableMethod(m), false);
  assert.equal(isRetryableMethod("PUT", true), true);
  assert.equal(isRetryableMethod("GET", false), false);
});

Deno.test("retry: backoff grows, is capped, has jitter; Retry-After wins", () => {
  const policy = retryPolicy({ baseDelayMs: 100, maxDelayMs: 1000 });
  for (let i = 0; i < 50; i++) {
    const d1 = retryDelayMs(policy, 1);
    assert.ok(d1 >= 50 && d1 <= 100, `first ${d1}`);
    const d3 = retryDelayMs(policy, 3);
    assert.ok(d3 >= 200 && d3 <= 400, `third ${d3}`);
    const d10 = retryDelayMs(policy, 10);
    assert.ok(d10 >= 500 && d10 <= 1000, `capped ${d10}`);
    const ra = retryDelayMs(policy, 1, 2);
    assert.ok(ra >= 2000 && ra <= 2200, `retry-after ${ra}`);
  }
  const delays = new Set(Array.from({ length: 20 }, () => retryDelayMs(policy, 4)));
  assert.ok(delays.size > 1, "jitter varies the delay");
  assert.equal(retryDelayMs(retryPolicy({ maxRetryAfterMs: 500 }), 1, 3600) <= 550, true);
});

Deno.test("retry: parseRetryAfter reads seconds and HTTP dates", () => {
  assert.equal(parseRetryAfter("5"), 5);
  assert.equal(parseRetryAfter(null), undefined);
  assert.equal(parseRetryAfter("soon"), undefined);
  const now = Date.parse("2025-01-01T00:00:00Z");
  assert.equal(parseRetryAfter("Wed, 01 Jan 2025 00:00:10 GMT", now), 10);
});

/** Whether `promise` is still pending once timers of `ms` (and those due before them) ran. */
async function pendingAfter(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let settled = false;
  promise.then(() => settled = true, () => settled = true);
  await new Promise((resolve) => setTimeout(resolve, ms));
  return !settled;
}

Deno.test("RateLimiter: a burst passes without waiting; the next request waits", async () => {
  // At 0.5 qps one refill takes 2 s: a limiter that wrongly waited inside the burst would hold
  // each of those requests for about that long. Timers fire in deadline order, so the 4th
  // request's 2 s wait cannot end before the 50 ms check below, however loaded the machine.
  const limiter = new RateLimiter({ qps: 0.5, burst: 3 });
  for (let i = 0; i < 3; i++) {
    assert.equal(await pendingAfter(limiter.acquire(), 50), false, `burst request ${i + 1}`);
  }
  const ac = new AbortController();
  const fourth = limiter.acquire(ac.signal);
  assert.equal(await pendingAfter(fourth, 50), true, "the request after the burst waits");
  ac.abort(new Error("done"));
  await assert.rejects(fourth, fails(Error, /done/));
  assert.throws(() => new RateLimiter({ qps: 0 }), fails(RangeError, /qps must be/));
});

Deno.test("RateLimiter: after the burst, requests are spaced at 1/qps", async () => {
  const limiter = new RateLimiter({ qps: 20, burst: 3 });
  // The clock starts before the burst: a stall after it cannot refill more than the burst.
  const start = performance.now();
  for (let i = 0; i < 3; i++) await limiter.acquire();
  for (let i = 0; i < 4; i++) await limiter.acquire();
  const elapsed = performance.now() - start;
  // 4 more tokens at 20/s need at least ~200 ms (only a lower bound: load makes it longer).
  assert.ok(elapsed >= 180, `spaced: ${elapsed}`);
});

Deno.test("RateLimiter: an aborted wait rejects and gives its place back", async () => {
  const limiter = new RateLimiter({ qps: 1, burst: 1 });
  await limiter.acquire();
  const ac = new AbortController();
  const waiting = limiter.acquire(ac.signal);
  ac.abort(new Error("stop"));
  await assert.rejects(waiting, fails(Error, /stop/));
});

Deno.test("item 15: parseRetryAfter refuses what would mean 'retry at once', clamps the rest", () => {
  const now = Date.parse("2025-01-01T00:00:00Z");
  for (const value of ["0", "-5", "1e400", "Infinity", "NaN", "0x10", "soon", ""]) {
    assert.equal(parseRetryAfter(value, now), undefined, value);
  }
  assert.equal(parseRetryAfter("Tue, 31 Dec 2024 23:59:00 GMT", now), undefined, "past date");
  assert.equal(parseRetryAfter("1.5", now), 1.5);
  assert.equal(parseRetryAfter("999999999", now), 86_400);
  // No Retry-After (or 0) falls back to backoff: never 0 ms.
  const policy = retryPolicy({ baseDelayMs: 100, maxDelayMs: 100 });
  for (let i = 0; i < 20; i++) {
    assert.ok(retryDelayMs(policy, 1, 0) >= 50);
    assert.ok(retryDelayMs(policy, 1, undefined) >= 50);
  }
});

Deno.test("item 16: RateLimiter refuses options that would not limit", () => {
  for (const qps of [0, -1, NaN, Infinity, 1e-12, MIN_QPS / 2]) {
    assert.throws(() => new RateLimiter({ qps }), fails(RangeError, /qps must be/), String(qps));
  }
  for (const burst of [NaN, 0, -1, 1.5, Infinity]) {
    assert.throws(
      () => new RateLimiter({ qps: 1, burst }),
      fails(RangeError, /burst must be/),
      String(burst),
    );
  }
  assert.ok(new RateLimiter({ qps: MIN_QPS }));
});

Deno.test("item 16: the slowest allowed limiter really waits (no timer overflow)", async () => {
  // The third request waits two token periods (about 33 days): longer than a timer can.
  const limiter = new RateLimiter({ qps: MIN_QPS * 1.5, burst: 1 });
  await limiter.acquire();
  const ac = new AbortController();
  const settled: number[] = [];
  const second = limiter.acquire(ac.signal).finally(() => settled.push(2));
  const third = limiter.acquire(ac.signal).finally(() => settled.push(3));
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(settled, [], "an overflowing timer would have fired at once");
  ac.abort(new Error("done"));
  await assert.rejects(second, fails(Error, /done/));
  await assert.rejects(third, fails(Error, /done/));
});

Deno.test("sleep: a delay beyond 2^31 - 1 ms does not fire at once", async () => {
  const ac = new AbortController();
  let settled = false;
  const long = sleep(2 ** 31 + 1000, ac.signal).finally(() => (settled = true));
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(settled, false);
  ac.abort(new Error("stop"));
  await assert.rejects(long, fails(Error, /stop/));
});

Deno.test("retry: options that would retry forever, in a tight loop or never are RangeErrors", () => {
  const refused: [Parameters<typeof retryPolicy>[0], RegExp][] = [
    [{ maxAttempts: NaN }, /retry\.maxAttempts must be a whole number >= 1, got NaN/],
    [{ maxAttempts: Infinity }, /retry\.maxAttempts/],
    [{ maxAttempts: 0 }, /retry\.maxAttempts/],
    [{ maxAttempts: 2.5 }, /retry\.maxAttempts/],
    [{ baseDelayMs: 0 }, /retry\.baseDelayMs must be a finite number of ms > 0, got 0/],
    [{ baseDelayMs: -5 }, /retry\.baseDelayMs/],
    [{ maxDelayMs: Infinity }, /retry\.maxDelayMs/],
    [{ maxRetryAfterMs: NaN }, /retry\.maxRetryAfterMs/],
    [
      { baseDelayMs: 500, maxDelayMs: 100 },
      /retry\.maxDelayMs must be at least .*\(500\), got 100/,
    ],
    [{ statusCodes: [503, 1000] }, /retry\.statusCodes .*got 1000/],
    [{ statusCodes: "503" as unknown as number[] }, /retry\.statusCodes .*got "503"/],
  ];
  for (const [options, message] of refused) {
    assert.throws(() => retryPolicy(options), (error: unknown) => {
      assert.ok(error instanceof RangeError, JSON.stringify(options));
      assert.match(error.message, message);
      return true;
    });
  }
  // The edges that are allowed.
  assert.equal(retryPolicy({ maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 }).maxAttempts, 1);
});
