/**
 * HealthServer: answers of /healthz, /livez and /readyz over named checks, through `handle`
 * and over a real socket; option and name errors; clean close.
 *
 * @module
 */
import assert from "node:assert/strict";
import { type HealthCheck, HealthServer, HealthServerError } from "../../lib/controller/mod.ts";

async function get(
  server: HealthServer,
  path: string,
  method = "GET",
): Promise<{ status: number; body: string; headers: Headers }> {
  const response = await server.handle(new Request(`http://localhost${path}`, { method }));
  return { status: response.status, body: await response.text(), headers: response.headers };
}

Deno.test("with no checks every endpoint answers 200 ok", async () => {
  const server = new HealthServer();
  for (const path of ["/healthz", "/livez", "/readyz"]) {
    const { status, body, headers } = await get(server, path);
    assert.equal(status, 200, path);
    assert.equal(body, "ok\n");
    assert.equal(headers.get("content-type"), "text/plain; charset=utf-8");
    assert.equal(headers.get("cache-control"), "no-store");
  }
  assert.equal((await get(server, "/readyz?verbose")).body, "readyz check passed\n");
});

Deno.test("readiness follows its checks: 503 listing each check, then 200", async () => {
  const server = new HealthServer();
  let synced = false;
  let leadership: "unknown" | "leader" = "unknown";
  server.addCheck("readiness", "caches-synced", () => synced);
  server.addCheck("readiness", "leader-election", () => {
    if (leadership === "unknown") throw new Error("leadership is not known yet");
  });
  server.addCheck("liveness", "ping", () => {});

  let answer = await get(server, "/readyz");
  assert.equal(answer.status, 503);
  assert.equal(
    answer.body,
    "[-]caches-synced failed: not ok\n" +
      "[-]leader-election failed: leadership is not known yet\n" +
      "readyz check failed\n",
  );
  // Liveness does not depend on readiness checks.
  assert.equal((await get(server, "/healthz")).status, 200);

  synced = true;
  answer = await get(server, "/readyz");
  assert.equal(answer.status, 503);
  assert.match(answer.body, /^\[\+\]caches-synced ok\n\[-\]leader-election failed/);

  leadership = "leader";
  assert.deepEqual(await get(server, "/readyz").then((a) => [a.status, a.body]), [200, "ok\n"]);
  assert.equal(
    (await get(server, "/readyz?verbose")).body,
    "[+]caches-synced ok\n[+]leader-election ok\nreadyz check passed\n",
  );
  assert.equal(
    (await get(server, "/healthz?verbose")).body,
    "[+]ping ok\nhealthz check passed\n",
  );
});

Deno.test("one check by name, excluded checks, unknown paths and methods", async () => {
  const server = new HealthServer();
  server.addCheck("readiness", "good", () => true);
  server.addCheck("readiness", "bad", () => Promise.reject(new Error("no\nway")));

  assert.deepEqual(await get(server, "/readyz/good").then((a) => [a.status, a.body]), [
    200,
    "ok\n",
  ]);
  // Multi-line messages stay on one line: probes and people read the answer line by line.
  assert.deepEqual(await get(server, "/readyz/bad").then((a) => [a.status, a.body]), [
    503,
    "bad failed: no way\n",
  ]);
  assert.equal((await get(server, "/readyz/missing")).status, 404);
  assert.equal((await get(server, "/healthz/good")).status, 404, "good is a readiness check");

  const excluded = await get(server, "/readyz?exclude=bad&verbose");
  assert.equal(excluded.status, 200);
  assert.equal(excluded.body, "[+]good ok\n[+]bad excluded: ok\nreadyz check passed\n");
  assert.equal((await get(server, "/readyz?exclude=good")).status, 503);

  assert.equal((await get(server, "/")).status, 404);
  assert.equal((await get(server, "/metrics")).status, 404);
  assert.equal((await get(server, "/readyz/good/extra")).status, 404);
  const post = await get(server, "/readyz", "POST");
  assert.equal(post.status, 405);
  assert.equal(post.headers.get("allow"), "GET, HEAD");
  assert.equal((await get(server, "/readyz/good", "HEAD")).status, 200);
});

Deno.test("a check that hangs fails after checkTimeoutMs; one that throws a non-Error fails", async () => {
  const server = new HealthServer({ checkTimeoutMs: 50 });
  let release!: () => void;
  const hanging = new Promise<void>((resolve) => release = resolve);
  server.addCheck("liveness", "stuck", () => hanging);
  server.addCheck("liveness", "odd", () => {
    throw "a string";
  });
  const answer = await get(server, "/healthz");
  assert.equal(answer.status, 503);
  assert.equal(
    answer.body,
    "[-]stuck failed: no answer within 50 ms\n[-]odd failed: a string\nhealthz check failed\n",
  );
  release();
});

Deno.test("removeCheck takes a check away", async () => {
  const server = new HealthServer();
  server.addCheck("readiness", "flaky", () => false);
  assert.equal((await get(server, "/readyz")).status, 503);
  assert.equal(server.removeCheck("readiness", "flaky"), true);
  assert.equal(server.removeCheck("readiness", "flaky"), false);
  assert.equal((await get(server, "/readyz")).status, 200);
});

Deno.test("bad options and check names are HealthServerErrors", () => {
  const bad: [() => unknown, RegExp][] = [
    [() => new HealthServer({ port: -1 }), /port must be an integer from 0 to 65535/],
    [() => new HealthServer({ port: 65536 }), /port must be an integer/],
    [() => new HealthServer({ port: 80.5 }), /port must be an integer/],
    [() => new HealthServer({ hostname: "" }), /hostname must be a non-empty string/],
    [() => new HealthServer({ checkTimeoutMs: 0 }), /checkTimeoutMs must be a number of millis/],
    [() => new HealthServer({ checkTimeoutMs: Number.NaN }), /checkTimeoutMs must be .*got NaN/],
    // Longer than a timer can wait: every check would time out at once.
    [() => new HealthServer({ checkTimeoutMs: 2 ** 31 }), /in \(0, 2147483647\], got 2147483648/],
  ];
  const server = new HealthServer();
  server.addCheck("readiness", "taken", () => true);
  bad.push(
    [() => server.addCheck("readiness", "", () => true), /check name "" must be/],
    [() => server.addCheck("readiness", "a/b", () => true), /check name "a\/b" must be/],
    [() => server.addCheck("readiness", "a b", () => true), /must be letters/],
    [() => server.addCheck("readiness", "taken", () => true), /readiness check named taken/],
    [() => server.addCheck("startup" as never, "x", () => true), /kind must be/],
    [() => server.addCheck("readiness", "x", 1 as unknown as HealthCheck), /must be a function/],
  );
  for (const [fn, message] of bad) {
    assert.throws(fn, (e: unknown) => e instanceof HealthServerError && message.test(e.message));
  }
  // The same name on the other endpoint is fine.
  server.addCheck("liveness", "taken", () => true);
});

Deno.test("listens on an ephemeral port, answers over HTTP, and closes cleanly", async () => {
  const server = new HealthServer({ port: 0, hostname: "127.0.0.1" });
  assert.equal(server.address, undefined);
  let ready = false;
  server.addCheck("readiness", "ready", () => ready);
  const { hostname, port } = server.listen();
  assert.equal(hostname, "127.0.0.1");
  assert.ok(port > 0);
  const address: Deno.NetAddr | undefined = server.address as Deno.NetAddr | undefined;
  assert.equal(address?.port, port);
  const base = `http://${hostname}:${port}`;
  let response = await fetch(`${base}/readyz`);
  assert.equal(response.status, 503);
  assert.match(await response.text(), /\[-\]ready failed: not ok/);
  ready = true;
  response = await fetch(`${base}/readyz`);
  assert.equal(response.status, 200);
  assert.equal(await response.text(), "ok\n");
  response = await fetch(`${base}/healthz`, { method: "HEAD" });
  assert.equal(response.status, 200);
  assert.equal(await response.text(), "");

  assert.throws(() => server.listen(), HealthServerError);
  await server.close();
  await server.close(); // twice is fine
  await assert.rejects(fetch(`${base}/healthz`), TypeError);
  assert.throws(
    () => server.listen(),
    (e: unknown) => e instanceof HealthServerError && /closed/.test(e.message),
  );
});

Deno.test("a port in use is a HealthServerError naming it", async () => {
  await using first = new HealthServer({ port: 0, hostname: "127.0.0.1" });
  const { port } = first.listen();
  await using second = new HealthServer({ port, hostname: "127.0.0.1" });
  assert.throws(
    () => second.listen(),
    (e: unknown) =>
      e instanceof HealthServerError && e.cause instanceof Deno.errors.AddrInUse &&
      new RegExp(`127\\.0\\.0\\.1:${port}: the port is in use`).test(e.message),
  );
});

Deno.test("closing before listening does nothing", async () => {
  await using server = new HealthServer();
  await server.close();
});
