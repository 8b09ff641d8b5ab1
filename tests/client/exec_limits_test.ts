/** Issue 8, items 3, 6 and 7: exec plugins are bounded in time and output, and quoted safely. */
import assert from "node:assert/strict";
import { ExecCredentials } from "../../lib/client/exec_plugin.ts";
import { CredentialError } from "../../lib/client/errors.ts";
import { fails } from "./test_server.ts";

const V1 = "client.authentication.k8s.io/v1";
const OK = JSON.stringify({ apiVersion: V1, kind: "ExecCredential", status: { token: "tok-1" } });

async function script(dir: string, name: string, body: string): Promise<string> {
  const path = `${dir}/${name}`;
  await Deno.writeTextFile(path, `#!/bin/sh\n${body}\n`);
  await Deno.chmod(path, 0o755);
  return path;
}

function within<T>(ms: number, p: Promise<T>): Promise<T | "hung"> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([
    p,
    new Promise<"hung">((r) => (timer = setTimeout(() => r("hung"), ms))),
  ]).finally(() => clearTimeout(timer));
}

/** Kills the background process a plugin left behind (its pid is in `file`). */
async function killLeftover(file: string): Promise<void> {
  const pid = Number((await Deno.readTextFile(file).catch(() => "")).trim());
  if (pid > 0) {
    try {
      Deno.kill(pid, "SIGKILL");
    } catch { /* gone */ }
  }
}

Deno.test("item 3: a plugin that ignores SIGTERM is killed after the grace period", async () => {
  const dir = await Deno.makeTempDir();
  const command = await script(dir, "stubborn.sh", "trap '' TERM\nwhile :; do sleep 0.1; done");
  const creds = new ExecCredentials({ apiVersion: V1, command }, {
    timeoutMs: 200,
    killGraceMs: 200,
  });
  const outcome = await within(10_000, creds.get().catch((e) => e));
  assert.ok(outcome instanceof CredentialError, String(outcome));
  assert.match(outcome.message, /did not finish within 200 ms/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("item 3: a background child holding stdout does not keep the wait going", async () => {
  const dir = await Deno.makeTempDir();
  const command = await script(
    dir,
    "forks.sh",
    `echo '${OK}'\nsleep 30 &\necho $! > "${dir}/child.pid"\nexit 0`,
  );
  const creds = new ExecCredentials({ apiVersion: V1, command }, { killGraceMs: 200 });
  try {
    const outcome = await within(10_000, creds.get());
    assert.notEqual(outcome, "hung");
    assert.deepEqual(outcome, { authorization: "Bearer tok-1" });
  } finally {
    await killLeftover(`${dir}/child.pid`);
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("item 7: stdout is capped; a flood is a CredentialError, not memory growth", async () => {
  const dir = await Deno.makeTempDir();
  const command = await script(dir, "flood.sh", "head -c 20000000 /dev/zero | tr '\\0' x");
  const creds = new ExecCredentials({ apiVersion: V1, command }, { maxOutputBytes: 64 * 1024 });
  await assert.rejects(
    creds.get(),
    fails(CredentialError, /printed more than 65536 bytes \(maxOutputBytes\)/),
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("item 6: stderr loses token shapes and every credential value the source holds", async () => {
  const dir = await Deno.makeTempDir();
  const heldToken = "held-t0k3n-value";
  const envSecret = "env-s3cr3t-value";
  // The first run succeeds; later runs fail and print what a careless plugin prints.
  const command = await script(
    dir,
    "leaky.sh",
    `if [ ! -f "${dir}/ran" ]; then touch "${dir}/ran"
echo '${JSON.stringify({ apiVersion: V1, kind: "ExecCredential", status: { token: heldToken } })}'
exit 0; fi
echo "using k8s-aws-v1.aHR0cHM6Ly9zdHMuYW1hem9uYXdzLmNvbQ and ya29.a0AfH6SMBxyz" >&2
echo "the token is AbCdEf1234567890GhIjKl0987654321mNoP" >&2
echo "{'token': 'quoted value', 'id': 1}, secret=first,second" >&2
echo "key LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0t" >&2
echo "old token ${heldToken}, env $MY_SECRET" >&2
exit 2`,
  );
  const creds = new ExecCredentials({
    apiVersion: V1,
    command,
    env: [{ name: "MY_SECRET", value: envSecret }],
  });
  assert.deepEqual(await creds.get(), { authorization: `Bearer ${heldToken}` });
  await creds.invalidate();
  const err = await creds.get().catch((e) => e);
  assert.ok(err instanceof CredentialError, String(err));
  assert.match(err.message, /exited with code 2/);
  for (
    const secret of [
      "aHR0cHM6Ly9zdHMuYW1hem9uYXdzLmNvbQ",
      "a0AfH6SMBxyz",
      "AbCdEf1234567890GhIjKl0987654321mNoP",
      "quoted value",
      "first,second",
      "LS0tLS1CRUdJTiBQUklWQVRF",
      heldToken,
      envSecret,
    ]
  ) {
    assert.equal(err.message.includes(secret), false, `${secret} in ${err.message}`);
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("timeouts and limits out of range are RangeErrors at construction", () => {
  const exec = { apiVersion: V1, command: "plugin" };
  const bad: [Record<string, number>, RegExp][] = [
    // NaN would stop every run at once; so would a timeout past what a timer can wait.
    [{ timeoutMs: Number.NaN }, /timeoutMs must be a number of ms in \[1, 2147483647\], got NaN/],
    [{ timeoutMs: 0 }, /timeoutMs must be/],
    [{ timeoutMs: 2 ** 31 }, /timeoutMs must be .*got 2147483648/],
    [{ killGraceMs: -1 }, /killGraceMs must be a number of ms in \[0, /],
    [{ expirySkewMs: Infinity }, /expirySkewMs must be/],
    [{ maxOutputBytes: 0 }, /maxOutputBytes must be a whole number >= 1, got 0/],
  ];
  for (const [options, message] of bad) {
    assert.throws(
      () => new ExecCredentials(exec, options),
      fails(RangeError, message),
      JSON.stringify(options),
    );
  }
  new ExecCredentials(exec, { timeoutMs: 1, killGraceMs: 0, expirySkewMs: 0, maxOutputBytes: 1 });
});
