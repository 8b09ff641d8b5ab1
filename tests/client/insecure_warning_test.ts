import assert from "node:assert/strict";
import { configure, type LogRecord, reset } from "@logtape/logtape";
import { parseKubeConfig } from "../../lib/client/kubeconfig.ts";
import { connectionFromKubeConfig } from "../../lib/client/kubeconfig_connection.ts";

const config = (extra: string): string => `
current-context: x
contexts: [{ name: x, context: { cluster: c, user: u } }]
clusters: [{ name: c, cluster: { server: "https://k.example:6443", ${extra} } }]
users: [{ name: u, user: { token: t0k3n-secret } }]
`;

Deno.test("kubeconfig: insecure-skip-tls-verify is honoured only when set, with a warning", async () => {
  const records: LogRecord[] = [];
  await configure({
    sinks: { buffer: (r) => records.push(r) },
    loggers: [{ category: ["staircase"], sinks: ["buffer"], lowestLevel: "debug" }],
    reset: true,
  });
  try {
    const insecure = await connectionFromKubeConfig(
      parseKubeConfig(config('insecure-skip-tls-verify: true, tls-server-name: "api.internal"')),
    );
    assert.equal(insecure.insecureSkipTlsVerify, true);
    assert.equal(insecure.tlsServerName, "api.internal");
    const warnings = records.filter((r) => r.level === "warning");
    assert.equal(warnings.length, 1);
    const text = JSON.stringify(warnings[0].message);
    assert.match(text, /insecure-skip-tls-verify/);
    assert.match(text, /k\.example/);
    assert.equal(JSON.stringify(records).includes("t0k3n-secret"), false);
    records.length = 0;
    const safe = await connectionFromKubeConfig(
      parseKubeConfig(config("insecure-skip-tls-verify: false")),
    );
    assert.equal(safe.insecureSkipTlsVerify, undefined);
    assert.equal(records.length, 0);
  } finally {
    await reset();
  }
});
