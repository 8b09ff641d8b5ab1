import assert from "node:assert/strict";
import { ExecCredentials } from "../../lib/client/exec_plugin.ts";
import { TokenFileCredentials } from "../../lib/client/token_file.ts";
import { StaticCredentials } from "../../lib/client/credentials.ts";
import { CredentialError } from "../../lib/client/errors.ts";
import { inClusterConnection } from "../../lib/client/in_cluster.ts";
import { HttpRestClient } from "../../lib/client/http_client.ts";
import { autoDetectConnection } from "../../lib/client/auto_detect.ts";
import { ClientConfigError } from "../../lib/client/errors.ts";
import { fails, fixture, json, startServer, statusResponse } from "./test_server.ts";

const V1 = "client.authentication.k8s.io/v1";

/** Writes an exec plugin script that logs each run and prints `body` (a shell snippet). */
async function plugin(dir: string, body: string): Promise<string> {
  const path = `${dir}/plugin.sh`;
  await Deno.writeTextFile(path, `#!/bin/sh\necho run >> "${dir}/runs"\n${body}\n`);
  await Deno.chmod(path, 0o755);
  return path;
}

async function runs(dir: string): Promise<number> {
  return (await Deno.readTextFile(`${dir}/runs`).catch(() => "")).split("\n").filter(Boolean)
    .length;
}

Deno.test("exec plugin: KUBERNETES_EXEC_INFO, env, args; cached until expiry; re-run on 401", async () => {
  const dir = await Deno.makeTempDir();
  const command = await plugin(
    dir,
    `echo "$KUBERNETES_EXEC_INFO" > "${dir}/info"; echo "$1 $MY_VAR" > "${dir}/argv"
n=$(wc -l < "${dir}/runs" | tr -d ' ')
printf '{"apiVersion":"${V1}","kind":"ExecCredential","status":{"token":"tok-%s","expirationTimestamp":"2999-01-01T00:00:00Z"}}' "$n"`,
  );
  const creds = new ExecCredentials({
    apiVersion: V1,
    command,
    args: ["--flag"],
    env: [{ name: "MY_VAR", value: "hello" }],
    provideClusterInfo: true,
  }, { cluster: { server: "https://k.example:6443" } });
  const [a, b] = await Promise.all([creds.get(), creds.get()]);
  assert.equal(a.authorization, "Bearer tok-1");
  assert.equal(b.authorization, "Bearer tok-1");
  assert.equal((await creds.get()).authorization, "Bearer tok-1");
  assert.equal(await runs(dir), 1, "one run for concurrent and cached gets");
  const info = JSON.parse(await Deno.readTextFile(`${dir}/info`));
  assert.equal(info.apiVersion, V1);
  assert.equal(info.kind, "ExecCredential");
  assert.equal(info.spec.interactive, false);
  assert.equal(info.spec.cluster.server, "https://k.example:6443");
  assert.equal((await Deno.readTextFile(`${dir}/argv`)).trim(), "--flag hello");

  // Used by the transport: a 401 for tok-2... renews; the server accepts tok-2 only.
  await using server = startServer((req) =>
    req.headers.get("authorization") === "Bearer tok-2"
      ? json({ ok: 1 })
      : statusResponse(401, "Unauthorized")
  );
  using client = new HttpRestClient({ server: server.url, credentials: creds });
  assert.deepEqual(await client.performRequest({ method: "GET", path: "/", expectJson: true }), {
    ok: 1,
  });
  assert.equal(await runs(dir), 2);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("exec plugin: expired credentials are renewed; v1beta1 and certificates work", async () => {
  const dir = await Deno.makeTempDir();
  const cert = JSON.stringify(fixture("client.crt"));
  const key = JSON.stringify(fixture("client.key"));
  const command = await plugin(
    dir,
    `cat <<'EOF'
{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"clientCertificateData":${cert},"clientKeyData":${key},"expirationTimestamp":"2000-01-01T00:00:00Z"}}
EOF`,
  );
  const creds = new ExecCredentials({
    apiVersion: "client.authentication.k8s.io/v1beta1",
    command,
  });
  const c = await creds.get();
  assert.equal(c.clientCertificate?.cert, fixture("client.crt"));
  await creds.get();
  assert.equal(await runs(dir), 2, "expired: runs again");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("exec plugin: failures are clear CredentialErrors that never quote stdout", async () => {
  const dir = await Deno.makeTempDir();
  const cases: [string, RegExp][] = [
    [`echo "token=leaked-secret"`, /not JSON/],
    [`echo "boom" >&2; exit 3`, /exited with code 3: boom/],
    [`echo '{"apiVersion":"${V1}","kind":"ExecCredential","status":{}}'`, /neither a token/],
    [
      `echo '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"leaked-secret"}}'`,
      /answered with apiVersion/,
    ],
  ];
  for (const [body, pattern] of cases) {
    const command = await plugin(dir, body);
    const err = await new ExecCredentials({ apiVersion: V1, command }).get().catch((e) => e);
    assert.ok(err instanceof CredentialError, String(err));
    assert.match(err.message, pattern);
    assert.doesNotMatch(err.message, /leaked-secret/);
  }
  const missing = await new ExecCredentials({
    apiVersion: V1,
    command: `${dir}/does-not-exist`,
    installHint: "install it with: apt-get install thing",
  }).get().catch((e) => e);
  assert.match(missing.message, /not found\ninstall it with/);
  assert.throws(
    () =>
      new ExecCredentials({ apiVersion: "client.authentication.k8s.io/v1alpha1", command: "x" }),
    fails(CredentialError, /unsupported apiVersion/),
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("token file: re-read when it changes and after a 401", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/token`;
  await Deno.writeTextFile(path, "first\n");
  const creds = new TokenFileCredentials(path, { checkIntervalMs: 0 });
  assert.equal((await creds.get()).authorization, "Bearer first");
  await Deno.writeTextFile(path, "second");
  await Deno.utime(path, new Date(), new Date(Date.now() + 5000));
  assert.equal((await creds.get()).authorization, "Bearer second");
  const slow = new TokenFileCredentials(path, { checkIntervalMs: 60_000 });
  await slow.get();
  await Deno.writeTextFile(path, "third");
  assert.equal((await slow.get()).authorization, "Bearer second", "not yet due");
  assert.equal(await slow.invalidate(), true);
  assert.equal((await slow.get()).authorization, "Bearer third");
  await Deno.writeTextFile(path, "");
  await assert.rejects(new TokenFileCredentials(path).get(), fails(CredentialError, /is empty/));
  await assert.rejects(new TokenFileCredentials(`${dir}/none`).get(), CredentialError);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("static credentials: basic auth encodes user:password", async () => {
  const c = await StaticCredentials.basic("admin", "pässword").get();
  const decoded = new TextDecoder().decode(
    Uint8Array.from(atob(c.authorization!.slice(6)), (ch) => ch.charCodeAt(0)),
  );
  assert.equal(decoded, "admin:pässword");
});

Deno.test("in-cluster: fake service-account folder, token rotation picked up on 401", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/token`, "sa-token-1");
  await Deno.writeTextFile(`${dir}/ca.crt`, fixture("ca.crt"));
  await Deno.writeTextFile(`${dir}/namespace`, "team-a\n");
  await using server = startServer(
    (req) =>
      req.headers.get("authorization") === "Bearer sa-token-2"
        ? json({ ok: true })
        : statusResponse(401, "Unauthorized"),
    { tls: true },
  );
  const port = new URL(server.url).port;
  const conn = await inClusterConnection({ serviceAccountDir: dir, host: "127.0.0.1", port });
  assert.equal(conn.server, `https://127.0.0.1:${port}`);
  assert.equal(conn.namespace, "team-a");
  using client = new HttpRestClient(conn);
  assert.equal(client.defaultNamespace, "team-a");
  const err = await client.performRequest({ method: "GET", path: "/api" }).catch((e) => e);
  assert.equal(err.code, 401);
  await Deno.writeTextFile(`${dir}/token`, "sa-token-2"); // the kubelet rotated it
  assert.deepEqual(await client.performRequest({ method: "GET", path: "/api", expectJson: true }), {
    ok: true,
  });
  const ipv6 = await inClusterConnection({ serviceAccountDir: dir, host: "fd00::1", port: 443 });
  assert.equal(ipv6.server, "https://[fd00::1]:443");
  await assert.rejects(
    inClusterConnection({ serviceAccountDir: `${dir}/nope`, host: "h", port: 1 }),
    fails(ClientConfigError, /cannot read .*nope\/token/),
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("auto-detect: lists what was tried when nothing works", async () => {
  const err = await autoDetectConnection({
    inCluster: { host: "10.0.0.1", port: 443, serviceAccountDir: "/nonexistent/sa" },
    kubeconfig: { paths: ["/nonexistent/kubeconfig"] },
  }).catch((e) => e);
  assert.ok(err instanceof ClientConfigError);
  assert.equal(err.attempts.length, 2);
  assert.match(err.attempts[0], /^in-cluster: cannot read \/nonexistent\/sa\/token/);
  assert.match(err.attempts[1], /^kubeconfig: .*\/nonexistent\/kubeconfig/);
});

Deno.test("auto-detect: names the exact --allow flag on permission errors", async () => {
  const dir = await Deno.makeTempDir();
  const script = `${dir}/probe.ts`;
  const mod = new URL("../../lib/client/auto_detect.ts", import.meta.url).href;
  await Deno.writeTextFile(
    script,
    `import { autoDetectConnection } from "${mod}";
try { await autoDetectConnection({ kubeconfig: { paths: ["${dir}/kc"] } }); } catch (e) { console.log(e.message); }`,
  );
  await Deno.writeTextFile(`${dir}/kc`, "{}");
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-prompt",
      "--config",
      new URL("../../deno.json", import.meta.url).pathname,
      script,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assert.match(text, /--allow-env=KUBERNETES_SERVICE_HOST,KUBERNETES_SERVICE_PORT/);
  assert.match(text, new RegExp(`--allow-read=${dir}/kc`));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("exec plugin: interactiveMode Always is refused clearly", () => {
  assert.throws(
    () => new ExecCredentials({ apiVersion: V1, command: "x", interactiveMode: "Always" }),
    fails(CredentialError, /requires an interactive terminal/),
  );
});

Deno.test("token file: a checkIntervalMs that is NaN or negative is a RangeError", () => {
  for (const checkIntervalMs of [Number.NaN, -1]) {
    assert.throws(
      () => new TokenFileCredentials("/var/run/token", { checkIntervalMs }),
      fails(RangeError, /checkIntervalMs must be a number of ms >= 0/),
    );
  }
  // 0 checks the file on every request.
  new TokenFileCredentials("/var/run/token", { checkIntervalMs: 0 });
});
