import assert from "node:assert/strict";
import { configure, type LogRecord, reset } from "@logtape/logtape";
import { StaticCredentials } from "../../lib/client/credentials.ts";
import { HttpRestClient } from "../../lib/client/http_client.ts";
import { plan, RunExecutor } from "../../mod.ts";
import { json, startServer } from "../client/test_server.ts";

const TOKEN = "sk-live-0123456789abcdefSECRET";

/** Every record's rendered message and properties, as one searchable text. */
function text(records: LogRecord[]): string {
  return records.map((r) =>
    JSON.stringify(
      { message: r.message.map(String), properties: r.properties },
      (_k, v) => v instanceof Error ? { name: v.name, message: v.message, stack: v.stack } : v,
    )
  ).join("\n");
}

Deno.test("logs: staircase's records are structured and carry no bearer token", async () => {
  const records: LogRecord[] = [];
  await configure({
    sinks: { memory: (record) => records.push(record) },
    loggers: [
      { category: ["staircase"], lowestLevel: "debug", sinks: ["memory"] },
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: [] },
    ],
  });
  try {
    // The server echoes the credential back in its failures, as some proxies do.
    await using server = startServer((req, index) => {
      const auth = req.headers.get("authorization") ?? "";
      if (index === 0) return json({ kind: "Status", message: `busy for ${auth}` }, 503);
      return json({ kind: "Status", code: 500, message: `internal error for ${auth}` }, 500);
    });
    const client = new HttpRestClient(
      { server: server.url, credentials: StaticCredentials.bearer(TOKEN) },
      { retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 } },
    );
    const failing = plan().step({
      name: "read",
      run: async (context) => {
        await context.client.performRequest({ method: "GET", path: "/api/v1/x", expectJson: true });
        throw new Error("unreachable");
      },
    });
    const result = await new RunExecutor({ client }).run(
      { metadata: { name: "a", uid: "u", resourceVersion: "1" } },
      failing,
    );
    assert.equal(result.end, "failed");
    assert.equal(server.requests.length, 2);
    assert.equal(server.requests[0].headers.get("authorization"), `Bearer ${TOKEN}`);
    client.close();
  } finally {
    await reset();
  }
  // The client logged its retry and the executor the failed step, with structured fields.
  const categories = new Set(records.map((r) => r.category.join(".")));
  assert.ok(categories.has("staircase.client"), [...categories].join());
  assert.ok(categories.has("staircase.run"), [...categories].join());
  const failed = records.find((r) =>
    r.category.join(".") === "staircase.run" && r.level !== "debug"
  );
  assert.equal(typeof failed?.properties.runId, "string");
  assert.ok(!text(records).includes(TOKEN), "a log record quotes the bearer token");
  assert.ok(!text(records).includes("0123456789abcdef"), "a log record quotes part of the token");
});

Deno.test("logs: nothing is printed when the application configured no logging", async () => {
  const command = new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `import { plan, RunExecutor } from "${new URL("../../mod.ts", import.meta.url).href}";
       const steps = plan().step({ name: "boom", run: () => Promise.reject(new Error("boom")) });
       const r = await new RunExecutor({ client: {} }).run({ metadata: { name: "a", uid: "u", resourceVersion: "1" } }, steps);
       if (r.end !== "failed") Deno.exit(3);`,
    ],
    stdout: "piped",
    stderr: "piped",
  });
  const { code, stdout, stderr } = await command.output();
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  assert.equal(new TextDecoder().decode(stdout), "");
  assert.equal(new TextDecoder().decode(stderr), "");
});
