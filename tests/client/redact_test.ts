import assert from "node:assert/strict";
import { redactSecrets, redactValues } from "../../lib/client/redact.ts";
import { TokenFileCredentials } from "../../lib/client/token_file.ts";
import { ExecCredentials } from "../../lib/client/exec_plugin.ts";
import { CredentialError } from "../../lib/client/errors.ts";
import { parseKubeConfig } from "../../lib/client/kubeconfig.ts";
import { connectionFromKubeConfig } from "../../lib/client/kubeconfig_connection.ts";
import { HttpRestClient } from "../../lib/client/http_client.ts";
import { fails, fixture } from "./test_server.ts";

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

Deno.test("redactSecrets: each rule on its own (removing any one rule fails a case)", () => {
  const cases: [string, string, string][] = [
    // [rule, input, exact output]
    ["PEM", "k: -----BEGIN KEY-----\nabc def\n-----END KEY----- ok", "k: [redacted PEM block] ok"],
    ["PEM cut off", "k: -----BEGIN KEY-----\nabc", "k: [redacted PEM block]"],
    ["base64 PEM", "data LS0tLS1CRUdJTiBQUklW end", "data [redacted PEM block] end"],
    ["JWT", "t eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln x", "t [redacted token] x"],
    ["EKS token", "got k8s-aws-v1.aHR0cHM6Ly9zdHM here", "got [redacted token] here"],
    ["Google token", "got ya29.a0AfH6SMBx here", "got [redacted token] here"],
    ["bootstrap token", "join abcdef.0123456789abcdef now", "join [redacted token] now"],
    ["Bearer", "Authorization: Bearer abc.def-123", "Authorization: Bearer [redacted]"],
    ["Basic", "Authorization: Basic dXNlcjpwYXNz", "Authorization: Basic [redacted]"],
    ["key=value", "login password=hunter2 failed", "login password=[redacted] failed"],
    ["JSON key", '{"client-key-data":"abc"}', '{"client-key-data":[redacted]}'],
    ["single quotes", "{'token': 'abc def'}", "{'token': [redacted]}"],
    ["after a comma", "x token=a,b y", "x token=[redacted] y"],
    ["suffixed key", "refresh_token: r3fr3sh", "refresh_token: [redacted]"],
    ["URL user info", "via http://bob:pw@proxy:3128/", "via http://[redacted]@proxy:3128/"],
    [
      "opaque run in a sentence",
      "your token is AbCdEf1234567890GhIjKl0987654321mNoP ok",
      "your token is [redacted] ok",
    ],
    ["hex run", "key 0123456789abcdef0123456789abcdef01234567", "key [redacted]"],
  ];
  for (const [rule, input, output] of cases) assert.equal(redactSecrets(input), output, rule);
});

Deno.test("redactSecrets: harmless text stays readable (item 14: a path ending in token)", () => {
  for (
    const text of [
      "cannot read token file /var/run/secrets/token: NotFound",
      "cannot read /home/me/.kube/token: NotFound",
      "exited with code 1: no such host",
      "uid 6b1c6f8e-3f5b-4e0a-9d1b-2a4c5e6f7a8b mismatch",
      "start Deno with --unsafely-ignore-certificate-errors=127.0.0.1",
      "resourceVersion 123456789012345678901234567890123 is too old",
      "the token was rejected",
    ]
  ) {
    assert.equal(redactSecrets(text), text);
  }
});

Deno.test("item 14: a missing token file names the failure", async () => {
  const dir = await Deno.makeTempDir();
  const creds = new TokenFileCredentials(`${dir}/token`);
  await assert.rejects(
    creds.get(),
    fails(CredentialError, new RegExp(`cannot read token file ${dir}/token: NotFound`)),
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("redactValues: exact values, short ones left alone", () => {
  assert.equal(
    redactValues("a s3cr3t b s3cr3t", ["s3cr3t", undefined]),
    "a [redacted] b [redacted]",
  );
  assert.equal(redactValues("a abc b", ["abc"]), "a abc b");
});
