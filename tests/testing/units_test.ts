// Copyright 2026 the staircase authors. Apache-2.0 license.
import assert from "node:assert/strict";
import { derElement, derInteger, derOid, derTime, toPem } from "../../lib/testing/der.ts";
import { createCertificateAuthority, loadCertificateAuthority } from "../../lib/testing/certs.ts";
import { stagingModules } from "../../lib/testing/assets/go_build.ts";
import { isMissingModule } from "../../lib/testing/assets/missing_module.ts";
import {
  buildKubeconfig,
  readKubeconfigTls,
  writeKubeconfig,
} from "../../lib/testing/kubeconfig.ts";

Deno.test("DER: integers, OIDs, lengths and times encode as X.509 expects", () => {
  assert.deepEqual([...derInteger(0)], [2, 1, 0]);
  assert.deepEqual([...derInteger(127)], [2, 1, 127]);
  assert.deepEqual([...derInteger(128)], [2, 2, 0, 128]);
  assert.deepEqual([...derInteger(new Uint8Array([0, 0, 5]))], [2, 1, 5]);
  assert.deepEqual(
    [...derOid("1.2.840.10045.4.3.2")],
    [6, 8, 0x2a, 0x86, 0x48, 0xce, 0x3d, 4, 3, 2],
  );
  assert.deepEqual([...derElement(4, new Uint8Array(300)).subarray(0, 4)], [4, 0x82, 1, 44]);
  assert.equal(
    new TextDecoder().decode(derTime(new Date("2030-02-03T04:05:06Z")).subarray(2)),
    "300203040506Z",
  );
  assert.equal(derTime(new Date("2050-01-01T00:00:00Z"))[0], 0x18);
  assert.throws(() => derOid("1"), TypeError);
  assert.match(
    toPem("X", new Uint8Array(100)),
    /^-----BEGIN X-----\n[A-Za-z0-9+/=\n]+-----END X-----\n$/,
  );
});

Deno.test("certs: a client certificate carries the name, groups and the CA as issuer", async () => {
  const ca = await createCertificateAuthority("unit-ca");
  const leaf = await ca.issueClientCertificate("alice", ["devs", "ops"]);
  const der = Uint8Array.from(
    atob(leaf.certPem.replace(/-----[^-]+-----|\n/g, "")),
    (c) => c.charCodeAt(0),
  );
  const text = new TextDecoder("latin1").decode(der);
  for (const s of ["alice", "devs", "ops", "unit-ca"]) assert.ok(text.includes(s), s);
  assert.match(leaf.keyPem, /^-----BEGIN PRIVATE KEY-----/);
  await assert.rejects(ca.issueClientCertificate(""), TypeError);
});

Deno.test("certs: a CA loaded back from its PEM files issues certificates that verify", async () => {
  const made = await createCertificateAuthority("unit-ca");
  const loaded = await loadCertificateAuthority("unit-ca", made.certPem, made.keyPem);
  const leaf = await loaded.issueClientCertificate("bob", ["devs"]);
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/ca.pem`, made.certPem);
    await Deno.writeTextFile(`${dir}/leaf.pem`, leaf.certPem);
    // openssl checks the signature, the issuer name and the key identifiers.
    const out = await new Deno.Command("openssl", {
      args: ["verify", "-purpose", "sslclient", "-CAfile", `${dir}/ca.pem`, `${dir}/leaf.pem`],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, text);
    assert.match(text, /leaf\.pem: OK/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("stagingModules reads both replace forms and ignores others", () => {
  const goMod = [
    "module k8s.io/kubernetes",
    "replace k8s.io/api => ./staging/src/k8s.io/api",
    "replace (",
    "\tk8s.io/client-go => ./staging/src/k8s.io/client-go",
    "\tgithub.com/x/y => github.com/x/y v1.0.0",
    ")",
  ].join("\n");
  assert.deepEqual(stagingModules(goMod), ["k8s.io/api", "k8s.io/client-go"]);
});

Deno.test("kubeconfig round-trips through a file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const config = buildKubeconfig({
      server: "https://127.0.0.1:1",
      caPem: "CA\n",
      certPem: "CERT\n",
      keyPem: "KEY\n",
      userName: "bob",
    });
    const file = await writeKubeconfig(`${dir}/k`, config);
    assert.deepEqual(await readKubeconfigTls(file.path), {
      server: "https://127.0.0.1:1",
      caPem: "CA\n",
      certPem: "CERT\n",
      keyPem: "KEY\n",
    });
    for (const bad of ["{}", "null", "[]", '{"contexts": {}}']) {
      await Deno.writeTextFile(`${dir}/bad`, bad);
      await assert.rejects(
        readKubeconfigTls(`${dir}/bad`),
        (error: unknown) =>
          error instanceof TypeError &&
          /Kubeconfig .*\/bad has no usable current context with inline cert data/.test(
            error.message,
          ),
        bad,
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("only the module proxy's own 'missing' wording triggers the version fallback", () => {
  const missing = [
    "go: k8s.io/kubernetes@v1.37.2: invalid version: unknown revision v1.37.2",
    "go: module k8s.io/api@v0.37.9: reading https://proxy.golang.org/k8s.io/api/@v/v0.37.9.mod: 404 Not Found",
    "go: k8s.io/foo@v0.1.0: reading https://proxy.golang.org/k8s.io/foo/@v/v0.1.0.info: 410 Gone",
    'go: no matching versions for query "v0.37.2"',
  ];
  for (const line of missing) assert.ok(isMissingModule(line), line);
  const real = [
    "sh: 1: gcc: not found",
    "open /tmp/x/go.mod: file not found",
    "./main.go:3:2: undefined: foo",
  ];
  for (const line of real) assert.ok(!isMissingModule(line), line);
});
