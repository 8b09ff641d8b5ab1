import assert from "node:assert/strict";
import {
  isRetryableMethod,
  parseRetryAfter,
  retryDelayMs,
  retryPolicy,
} from "../../lib/client/retry.ts";
import { RateLimiter } from "../../lib/client/rate_limiter.ts";

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

Deno.test("RateLimiter: burst passes at once, then requests are spaced at 1/qps", async () => {
  const limiter = new RateLimiter({ qps: 20, burst: 3 });
  const start = performance.now();
  for (let i = 0; i < 3; i++) await limiter.acquire();
  assert.ok(performance.now() - start < 30, "burst is immediate");
  for (let i = 0; i < 4; i++) await limiter.acquire();
  const elapsed = performance.now() - start;
  // 4 more tokens at 20/s need ~200 ms.
  assert.ok(elapsed >= 180, `spaced: ${elapsed}`);
  assert.throws(() => new RateLimiter({ qps: 0 }), RangeError);
});

Deno.test("RateLimiter: an aborted wait rejects and gives its place back", async () => {
  const limiter = new RateLimiter({ qps: 1, burst: 1 });
  await limiter.acquire();
  const ac = new AbortController();
  const waiting = limiter.acquire(ac.signal);
  ac.abort(new Error("stop"));
  await assert.rejects(waiting, /stop/);
});
