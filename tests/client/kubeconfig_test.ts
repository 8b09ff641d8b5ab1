import assert from "node:assert/strict";
import { loadKubeConfig, mergeKubeConfigs, parseKubeConfig } from "../../lib/client/kubeconfig.ts";
import { connectionFromKubeConfig } from "../../lib/client/kubeconfig_connection.ts";
import { kubeConfigClient } from "../../lib/client/auto_detect.ts";
import { ClientConfigError } from "../../lib/client/errors.ts";
import { fixture, fixturePath } from "./test_server.ts";

const b64 = (s: string): string => btoa(s);
import process from "node:process";
import { CredentialError } from "../../lib/client/errors.ts";
import { patchContentType, type PatchType } from "../../lib/client/resource_options.ts";
import { fails } from "./test_server.ts";

Deno.test("kubeconfig: merge like client-go (first definition wins, first current-context)", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(
    `${dir}/a`,
    `
clusters:
- name: shared
  cluster: { server: "https://a.example:6443" }
users:
- name: u
  user: { token: from-a }
contexts:
- name: ctx-a
  context: { cluster: shared, user: u, namespace: na }
`,
  );
  await Deno.writeTextFile(
    `${dir}/b`,
    `
current-context: ctx-b
clusters:
- name: shared
  cluster: { server: "https://b.example:6443" }
- name: only-b
  cluster: { server: "https://only-b.example" }
contexts:
- name: ctx-b
  context: { cluster: only-b, user: u }
- name: ctx-a
  context: { cluster: only-b, user: u }
`,
  );
  const config = await loadKubeConfig({ kubeconfigEnv: `${dir}/a:${dir}/missing:${dir}/b` });
  assert.equal(config["current-context"], "ctx-b");
  assert.deepEqual(config.clusters.map((c) => [c.name, c.cluster.server]), [
    ["shared", "https://a.example:6443"],
    ["only-b", "https://only-b.example"],
  ]);
  assert.equal(config.contexts.find((c) => c.name === "ctx-a")?.context.cluster, "shared");
  assert.deepEqual(config.sources, [`${dir}/a`, `${dir}/b`]);
  const conn = await connectionFromKubeConfig(config);
  assert.equal(conn.server, "https://only-b.example");
  const connA = await connectionFromKubeConfig(config, { context: "ctx-a" });
  assert.equal(connA.server, "https://a.example:6443");
  assert.equal(connA.namespace, "na");
  assert.equal((await connA.credentials!.get()).authorization, "Bearer from-a");
  await assert.rejects(
    loadKubeConfig({ kubeconfigEnv: `${dir}/nope1:${dir}/nope2` }),
    fails(ClientConfigError, /none of the kubeconfig files exists/),
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("kubeconfig: relative paths resolve against each file's folder; exec command too", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.mkdir(`${dir}/sub`);
  await Deno.copyFile(fixturePath("ca.crt"), `${dir}/sub/ca.crt`);
  await Deno.copyFile(fixturePath("client.crt"), `${dir}/sub/client.crt`);
  await Deno.copyFile(fixturePath("client.key"), `${dir}/sub/client.key`);
  await Deno.writeTextFile(
    `${dir}/sub/config`,
    `
current-context: c
clusters: [{ name: c, cluster: { server: "https://127.0.0.1:1", certificate-authority: ca.crt } }]
users:
- name: u
  user: { client-certificate: ./client.crt, client-key: client.key }
- name: e
  user: { exec: { apiVersion: client.authentication.k8s.io/v1, command: ./bin/plugin } }
- name: p
  user: { exec: { apiVersion: client.authentication.k8s.io/v1, command: plugin-in-path } }
contexts: [{ name: c, context: { cluster: c, user: u } }]
`,
  );
  const config = await loadKubeConfig({ paths: [`${dir}/sub/config`] });
  assert.equal(config.clusters[0].cluster["certificate-authority"], `${dir}/sub/ca.crt`);
  assert.equal(config.users[0].user["client-certificate"], `${dir}/sub/./client.crt`);
  assert.equal(config.users[1].user.exec?.command, `${dir}/sub/./bin/plugin`);
  assert.equal(config.users[2].user.exec?.command, "plugin-in-path");
  const conn = await connectionFromKubeConfig(config);
  assert.deepEqual(conn.caCerts, [fixture("ca.crt")]);
  assert.equal(conn.clientCertificate?.cert, fixture("client.crt"));
  assert.equal(conn.clientCertificate?.key, fixture("client.key"));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("kubeconfig: null values are absent (GKE args: null), data fields decode", async () => {
  const config = parseKubeConfig(`
apiVersion: v1
kind: Config
preferences: {}
current-context: gke
clusters:
- name: gke
  cluster:
    server: https://34.1.2.3
    certificate-authority-data: ${b64(fixture("ca.crt"))}
    tls-server-name: null
contexts:
- name: gke
  context: { cluster: gke, user: gke, namespace: null }
users:
- name: gke
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: gke-gcloud-auth-plugin
      args: null
      env: null
      installHint: Install gke-gcloud-auth-plugin
      provideClusterInfo: true
`);
  assert.equal(config.users[0].user.exec?.args, undefined);
  assert.equal("tls-server-name" in config.clusters[0].cluster, false);
  const conn = await connectionFromKubeConfig(config);
  assert.equal(conn.namespace, undefined);
  assert.deepEqual(conn.caCerts, [fixture("ca.crt")]);
  assert.ok(conn.credentials);
});

Deno.test("kubeconfig: malformed input gives one clear ClientConfigError without secrets", async () => {
  const cases: [string, RegExp][] = [
    ["clusters: [1\nusers: [{name: u, user: {token: s3cret-tok}}]", /not valid YAML/],
    ["- a\n- b", /must be a mapping/],
    ["clusters: {a: 1}", /"clusters" must be a list/],
    ["clusters: [{cluster: {server: x}}]", /clusters\[0\] has no name/],
    ["users: [{name: u}]", /users\[0\] \("u"\) has no "user" mapping/],
    ["a: b: c\ntoken: s3cret-tok", /not valid YAML/],
  ];
  for (const [text, pattern] of cases) {
    assert.throws(() => parseKubeConfig(text, "/tmp/kc"), (err: Error) => {
      assert.ok(err instanceof ClientConfigError, `${text}: ${err}`);
      assert.match(err.message, pattern);
      assert.match(err.message, /^\/tmp\/kc: /);
      assert.doesNotMatch(err.message, /s3cret-tok/);
      return true;
    });
  }
  const noCurrent = parseKubeConfig("clusters: []");
  await assert.rejects(
    connectionFromKubeConfig(noCurrent),
    fails(ClientConfigError, /no current-context/),
  );
  const badRefs = parseKubeConfig(`
current-context: x
contexts: [{ name: x, context: { cluster: nope, user: u } }]
`);
  await assert.rejects(
    connectionFromKubeConfig(badRefs),
    fails(ClientConfigError, /cluster "nope", which is not defined/),
  );
  await assert.rejects(
    connectionFromKubeConfig(badRefs, { context: "other" }),
    fails(ClientConfigError, /context "other" not found \(known: x\)/),
  );
  const badCa = parseKubeConfig(`
current-context: x
contexts: [{ name: x, context: { cluster: c, user: u } }]
clusters: [{ name: c, cluster: { server: "https://h", certificate-authority: /nonexistent/ca.crt } }]
users: [{ name: u, user: { client-certificate-data: abc } }]
`);
  await assert.rejects(
    connectionFromKubeConfig(badCa),
    fails(ClientConfigError, /cannot read certificate-authority/),
  );
  const halfCert = parseKubeConfig(`
current-context: x
contexts: [{ name: x, context: { cluster: c, user: u } }]
clusters: [{ name: c, cluster: { server: "https://h" } }]
users: [{ name: u, user: { client-certificate-data: abc } }]
`);
  await assert.rejects(
    connectionFromKubeConfig(halfCert),
    fails(ClientConfigError, /without a key/),
  );
});

Deno.test("kubeconfig: mergeKubeConfigs keeps first current-context and each name once", () => {
  const a = parseKubeConfig('{"users":[{"name":"u","user":{"token":"a"}}]}');
  const b = parseKubeConfig(
    '{"current-context":"b","users":[{"name":"u","user":{"token":"b"}},{"name":"v","user":{}}]}',
  );
  const merged = mergeKubeConfigs([a, b]);
  assert.equal(merged["current-context"], "b");
  assert.deepEqual(merged.users.map((u) => [u.name, u.user.token]), [["u", "a"], ["v", undefined]]);
});

Deno.test("item 10: YAML warnings are not printed and errors never quote values", () => {
  const printed: unknown[] = [];
  const original = process.emitWarning;
  process.emitWarning = ((...args: unknown[]) => {
    printed.push(args);
  }) as typeof process.emitWarning;
  try {
    const config = parseKubeConfig(
      "%FOO s3cret-tok\n---\nusers: [{name: u, user: {token: !weird s3cret-tok}}]\n",
      "/tmp/kc",
    );
    assert.equal(config.users[0].user.token, "s3cret-tok");
  } finally {
    process.emitWarning = original;
  }
  assert.deepEqual(printed, []);
  for (
    const text of [
      "users: [{name: u, user: {token: *s3cret-tok}}]",
      "a: &x [*x]\ntoken: s3cret-tok",
      "users:\n  - name: u\n    user: {token: s3cret-tok\n  bad",
    ]
  ) {
    assert.throws(
      () => parseKubeConfig(text, "/tmp/kc"),
      (err: unknown) => {
        fails(ClientConfigError, /not valid YAML|nested more than 64 levels/)(err);
        assert.equal((err as Error).message.includes("s3cret-tok"), false, (err as Error).message);
        return true;
      },
    );
  }
});

Deno.test("item 17: deeply nested input and bad exec settings are named errors", async () => {
  const deepJson = `{"clusters":${"[".repeat(20_000)}${"]".repeat(20_000)}}`;
  const deepYaml = `clusters: ${"[".repeat(5_000)}${"]".repeat(5_000)}`;
  for (const text of [deepJson, deepYaml]) {
    assert.throws(
      () => parseKubeConfig(text, "/tmp/kc"),
      fails(ClientConfigError, /nested more than 64 levels|not valid YAML: RESOURCE_EXHAUSTION/),
    );
  }
  for (
    const exec of [
      '{ apiVersion: client.authentication.k8s.io/v1, command: p, env: "A=1" }',
      "{ apiVersion: client.authentication.k8s.io/v1, command: p, env: [{ name: A }] }",
      "{ apiVersion: client.authentication.k8s.io/v1, command: p, args: [1, {a: b}] }",
    ]
  ) {
    const config = parseKubeConfig(`
current-context: x
contexts: [{ name: x, context: { cluster: c, user: u } }]
clusters: [{ name: c, cluster: { server: "https://h" } }]
users: [{ name: u, user: { exec: ${exec} } }]
`);
    await assert.rejects(
      connectionFromKubeConfig(config),
      fails(CredentialError, /must be a list/),
      exec,
    );
  }
});

Deno.test("item 17: a patch type that is an Object.prototype key is refused, not sent", () => {
  for (const type of ["constructor", "toString", "__proto__", "hasOwnProperty"]) {
    assert.throws(
      () => patchContentType(type as PatchType),
      fails(TypeError, /unknown patch type/),
      type,
    );
  }
  assert.equal(patchContentType("merge"), "application/merge-patch+json");
});

Deno.test("item 3: a kubeconfig can set the exec plugin timeout", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/slow.sh`, "#!/bin/sh\nsleep 5\n");
  await Deno.chmod(`${dir}/slow.sh`, 0o755);
  const config = parseKubeConfig(`
current-context: x
contexts: [{ name: x, context: { cluster: c, user: u } }]
clusters: [{ name: c, cluster: { server: "https://h" } }]
users: [{ name: u, user: { exec: { apiVersion: client.authentication.k8s.io/v1, command: ${dir}/slow.sh } } }]
`);
  const connection = await connectionFromKubeConfig(config, { execTimeoutMs: 100 });
  await assert.rejects(
    connection.credentials!.get(),
    fails(CredentialError, /did not finish within 100 ms/),
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("item 3: kubeConfigClient passes execTimeoutMs on to the connection", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/slow.sh`, "#!/bin/sh\nsleep 5\n");
  await Deno.chmod(`${dir}/slow.sh`, 0o755);
  await Deno.writeTextFile(
    `${dir}/config`,
    `
current-context: x
contexts: [{ name: x, context: { cluster: c, user: u } }]
clusters: [{ name: c, cluster: { server: "https://h" } }]
users: [{ name: u, user: { exec: { apiVersion: client.authentication.k8s.io/v1, command: ${dir}/slow.sh } } }]
`,
  );
  const client = await kubeConfigClient({ paths: [`${dir}/config`], execTimeoutMs: 100 });
  await assert.rejects(
    client.connection.credentials!.get(),
    fails(CredentialError, /did not finish within 100 ms/),
  );
  client.close();
  await Deno.remove(dir, { recursive: true });
});
