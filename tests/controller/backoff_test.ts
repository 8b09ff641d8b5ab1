import assert from "node:assert/strict";
import { Backoff } from "../../lib/controller/mod.ts";

Deno.test("Backoff: kube-rs defaults double from 800 ms to a 30 s cap", () => {
  const backoff = new Backoff({ jitter: 0 });
  const delays = Array.from({ length: 9 }, () => backoff.next());
  assert.deepEqual(delays, [800, 1600, 3200, 6400, 12800, 25600, 30000, 30000, 30000]);
  assert.equal(backoff.attempts, 9);
});

Deno.test("Backoff: jitter draws each delay from [(1 - jitter) * d, d]", () => {
  let r = 0;
  const backoff = new Backoff({ initialMs: 100, jitter: 0.5, random: () => r });
  r = 0;
  assert.equal(backoff.next(), 100);
  r = 0.999999;
  assert.ok(Math.abs(backoff.next() - 100) < 0.01, "200 reduced by half");
  const real = new Backoff({ initialMs: 1000, maxMs: 1000 });
  for (let i = 0; i < 200; i++) {
    const d = real.next();
    assert.ok(d >= 500 && d <= 1000, String(d));
  }
});

Deno.test("Backoff: resets after a quiet period and on reset()", () => {
  let now = 0;
  const backoff = new Backoff({ initialMs: 10, jitter: 0, resetAfterMs: 1000, now: () => now });
  assert.deepEqual([backoff.next(), backoff.next(), backoff.next()], [10, 20, 40]);
  now += 999;
  assert.equal(backoff.next(), 80, "not quiet long enough");
  now += 1000;
  assert.equal(backoff.next(), 10, "healthy for resetAfterMs");
  backoff.next();
  backoff.reset();
  assert.equal(backoff.attempts, 0);
  assert.equal(backoff.next(), 10);
  const never = new Backoff({ initialMs: 10, jitter: 0, resetAfterMs: 0, now: () => now });
  never.next();
  now += 1e9;
  assert.equal(never.next(), 20, "resetAfterMs 0 turns the automatic reset off");
});

Deno.test("Backoff: many failures stay at the cap (no Infinity or NaN)", () => {
  const backoff = new Backoff({ initialMs: 1, maxMs: 50, jitter: 0 });
  for (let i = 0; i < 5000; i++) backoff.next();
  assert.equal(backoff.next(), 50);
});

Deno.test("Backoff: bad options are named RangeErrors", () => {
  assert.throws(() => new Backoff({ initialMs: -1 }), RangeError);
  assert.throws(
    () => new Backoff({ initialMs: 100, maxMs: 10 }),
    /maxMs must be a number in \[100/,
  );
  assert.throws(() => new Backoff({ factor: 0.5 }), /factor/);
  assert.throws(() => new Backoff({ jitter: 2 }), /jitter/);
  assert.throws(() => new Backoff({ initialMs: NaN }), RangeError);
  // A zero first delay or full jitter would retry in a tight loop; an infinite cap never again.
  assert.throws(
    () => new Backoff({ initialMs: 0 }),
    /initialMs must be a number in \(0, Infinity\), got 0/,
  );
  assert.throws(() => new Backoff({ jitter: 1 }), /jitter must be a number in \[0, 1\), got 1/);
  assert.throws(() => new Backoff({ maxMs: Infinity }), /maxMs/);
  assert.throws(() => new Backoff({ factor: Infinity }), /factor/);
  assert.throws(() => new Backoff({ resetAfterMs: -1 }), /resetAfterMs/);
  assert.throws(() => new Backoff({ initialMs: "5" as unknown as number }), /initialMs.*got 5/);
  // The edges that are allowed.
  new Backoff({ initialMs: Number.MIN_VALUE, jitter: 0.999, resetAfterMs: Infinity });
});
