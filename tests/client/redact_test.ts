import assert from "node:assert/strict";
import { redactSecrets } from "../../lib/client/redact.ts";
import { ExecCredentials } from "../../lib/client/exec_plugin.ts";
import { CredentialError } from "../../lib/client/errors.ts";
import { parseKubeConfig } from "../../lib/client/kubeconfig.ts";
import { connectionFromKubeConfig } from "../../lib/client/kubeconfig_connection.ts";
import { HttpRestClient } from "../../lib/client/http_client.ts";
import { fixture } from "./test_server.ts";

const JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2EifQ.c2lnbmF0dXJlLWJ5dGVz";
const KEY_LINE = fixture("client.key").split("\n")[1];

Deno.test("redactSecrets: PEM blocks, JWTs, auth headers, key-values, URL user info", () => {
  const text = `failed: ${fixture("client.key")}\nAuthorization: Bearer abc.def-123\n` +
    `token=${JWT} "password":"hunter2" proxy http://bob:pw@proxy:3128 access_token: xyz987`;
  const out = redactSecrets(text);
  for (const secret of [KEY_LINE, "abc.def-123", JWT, "hunter2", "bob:pw", "xyz987"]) {
    assert.equal(out.includes(secret), false, `${secret} leaked: ${out}`);
  }
  assert.match(out, /failed: \[redacted PEM block\]/);
  assert.match(out, /proxy http:\/\/\[redacted\]@proxy:3128/);
  // Ordinary text is left alone.
  assert.equal(
    redactSecrets("exited with code 1: no such host"),
    "exited with code 1: no such host",
  );
});

Deno.test("exec plugin: secrets on stderr or in a failed run never reach the error", async () => {
  const dir = await Deno.makeTempDir();
  const command = `${dir}/plugin.sh`;
  await Deno.writeTextFile(
    command,
    `#!/bin/sh\necho "debug: got token ${JWT} for user" >&2\ncat "${dir}/key" >&2\n` +
      `echo 'refresh_token: r3fr3sh' >&2\nexit 3\n`,
  );
  await Deno.writeTextFile(`${dir}/key`, fixture("client.key"));
  await Deno.chmod(command, 0o755);
  const err = await new ExecCredentials({ apiVersion: "client.authentication.k8s.io/v1", command })
    .get().catch((e) => e);
  assert.ok(err instanceof CredentialError, String(err));
  assert.match(err.message, /exited with code 3: debug: got token \[redacted token\] for user/);
  for (const text of [err.message, Deno.inspect(err, { depth: 10 })]) {
    assert.equal(text.includes(JWT), false);
    assert.equal(text.includes(KEY_LINE), false);
    assert.equal(text.includes("r3fr3sh"), false);
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("kubeconfig: a password in the server URL is not quoted in errors", async () => {
  const config = parseKubeConfig(`
current-context: x
contexts: [{ name: x, context: { cluster: c, user: u } }]
clusters: [{ name: c, cluster: { server: "https://admin:pa55w0rd@[bad" } }]
users: [{ name: u, user: { token: t0k3n } }]
`);
  const err = await connectionFromKubeConfig(config).catch((e) => e);
  assert.match(err.message, /invalid server URL/);
  assert.equal(err.message.includes("pa55w0rd"), false, err.message);
  const down = await connectionFromKubeConfig(parseKubeConfig(`
current-context: x
contexts: [{ name: x, context: { cluster: c, user: u } }]
clusters: [{ name: c, cluster: { server: "http://admin:pa55w0rd@127.0.0.1:9" } }]
users: [{ name: u, user: { token: t0k3n } }]
`));
  using client = new HttpRestClient(down, { retry: false });
  const refused = await client.performRequest({ method: "GET", path: "/x" }).catch((e) => e);
  assert.equal(refused.message.includes("pa55w0rd"), false, refused.message);
  assert.equal(refused.message.includes("t0k3n"), false, refused.message);
});
