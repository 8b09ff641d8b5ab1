import assert from "node:assert/strict";
import type { RequestOptions } from "../../lib/client/contract.ts";
import type { CredentialSource, RequestCredentials } from "../../lib/client/credentials.ts";
import { StaticCredentials } from "../../lib/client/credentials.ts";
import { HttpRestClient } from "../../lib/client/http_client.ts";
import { VERSION } from "../../lib/version.ts";
import { fails, json, startServer } from "./test_server.ts";

/** Counts how often credentials are asked for: a refused request must not get that far. */
class CountingCredentials implements CredentialSource {
  calls = 0;
  get(): Promise<RequestCredentials> {
    this.calls++;
    return Promise.resolve({ authorization: "Bearer tok-secret" });
  }
  invalidate(): Promise<boolean> {
    return Promise.resolve(false);
  }
}

Deno.test("headers: extra headers arrive beside the ones staircase sets", async () => {
  await using server = startServer(() => json({ ok: true }));
  using client = new HttpRestClient({
    server: server.url,
    credentials: StaticCredentials.bearer("tok-123"),
  });
  await client.performRequest({
    method: "POST",
    path: "/api/v1/namespaces/a/configmaps",
    bodyJson: { a: 1 },
    headers: {
      traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
      "X-Request-Id": "abc",
    },
    expectJson: true,
  });
  const req = server.requests[0];
  assert.equal(
    req.headers.get("traceparent"),
    "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
  );
  assert.equal(req.headers.get("x-request-id"), "abc");
  // What staircase manages is unchanged.
  assert.equal(req.headers.get("authorization"), "Bearer tok-123");
  assert.equal(req.headers.get("content-type"), "application/json");
  assert.equal(req.headers.get("accept"), "application/json");
  assert.equal(req.headers.get("user-agent"), `staircase/${VERSION}`);
});

Deno.test("headers: a request without headers sends no extra header", async () => {
  await using server = startServer(() => json({}));
  using client = new HttpRestClient({ server: server.url });
  await client.performRequest({ method: "GET", path: "/version", expectJson: true });
  assert.equal(server.requests[0].headers.get("traceparent"), null);
});

Deno.test("headers: the extra headers go out again on every retried attempt", async () => {
  await using server = startServer((_req, index) =>
    index === 0 ? new Response("busy", { status: 503 }) : json({})
  );
  using client = new HttpRestClient({ server: server.url }, {
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
  });
  await client.performRequest({
    method: "GET",
    path: "/version",
    headers: { "x-trace": "1" },
    expectJson: true,
  });
  assert.equal(server.requests.length, 2);
  for (const req of server.requests) assert.equal(req.headers.get("x-trace"), "1");
});

const MANAGED = [
  "Authorization",
  "content-type",
  "Accept",
  "user-agent",
  "HOST",
  "content-length",
  "connection",
  "Keep-Alive",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
];

Deno.test("headers: managed and hop-by-hop headers are refused before anything is sent", async () => {
  await using server = startServer(() => json({}));
  const credentials = new CountingCredentials();
  using client = new HttpRestClient({ server: server.url, credentials });
  for (const name of MANAGED) {
    const value = "value-that-must-not-leak";
    await assert.rejects(
      client.performRequest({ method: "GET", path: "/version", headers: { [name]: value } }),
      (error: unknown) => {
        assert.ok(error instanceof TypeError, `${name}: ${error}`);
        assert.match(error.message, new RegExp(`"${name.toLowerCase()}" cannot be set`));
        assert.match(error.message, /^GET \/version: /);
        assert.ok(!error.message.includes(value), error.message);
        return true;
      },
    );
  }
  assert.equal(server.requests.length, 0);
  assert.equal(credentials.calls, 0);
});

Deno.test("headers: values with CR, LF or NUL are refused without quoting them", async () => {
  await using server = startServer(() => json({}));
  const credentials = new CountingCredentials();
  using client = new HttpRestClient({ server: server.url, credentials });
  for (const bad of ["a\r\nx-injected: 1", "a\nb", "a\rb", "a\0b"]) {
    await assert.rejects(
      client.performRequest({ method: "POST", path: "/x", headers: { "x-note": bad } }),
      (error: unknown) => {
        assert.ok(error instanceof TypeError, String(error));
        assert.match(error.message, /the value of the header "x-note" contains a CR, LF or NUL/);
        assert.ok(!error.message.includes(bad), error.message);
        return true;
      },
    );
  }
  assert.equal(server.requests.length, 0);
  assert.equal(credentials.calls, 0);
});

Deno.test("headers: other bad names and values are refused, naming the header only", async () => {
  await using server = startServer(() => json({}));
  using client = new HttpRestClient({ server: server.url });
  const request = (headers: Record<string, string>): Promise<Uint8Array> =>
    client.performRequest({ method: "GET", path: "/version", headers });
  await assert.rejects(
    request({ "bad name": "v" }),
    fails(TypeError, /"bad name" is not a valid header name/),
  );
  await assert.rejects(
    request({ "x-a": "1", "X-A": "2" }),
    fails(TypeError, /the header "x-a" is given twice/),
  );
  await assert.rejects(
    request({ "x-a": "caf\u00e9\u4e2d" }),
    (error: unknown) => {
      assert.ok(error instanceof TypeError, String(error));
      assert.match(error.message, /the value of the header "x-a" has a character a header/);
      assert.ok(!error.message.includes("caf"), error.message);
      return true;
    },
  );
  await assert.rejects(
    request({ "x-a": 42 } as unknown as Record<string, string>),
    fails(TypeError, /the value of the header "x-a" is not a string/),
  );
  await assert.rejects(
    client.performRequest(
      { method: "GET", path: "/version", headers: null } as unknown as RequestOptions,
    ),
    fails(TypeError, /headers must be an object/),
  );
  assert.equal(server.requests.length, 0);
});
