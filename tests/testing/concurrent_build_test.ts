// Copyright 2026 the staircase authors. Apache-2.0 license.
// Two processes that need the control plane at once (parallel test runs, a demo next to a test)
// must build it once and both end up with the same complete folder.
import assert from "node:assert/strict";
import { join } from "node:path";
import { fakeGo } from "./helpers.ts";

const fixture = new URL("./fixtures/ensure_assets.ts", import.meta.url).pathname;

Deno.test("concurrent builds into one cache: built once, both get the same complete folder", async () => {
  const work = await Deno.makeTempDir({ prefix: "staircase-concurrent-build-" });
  try {
    const cache = join(work, "cache");
    const log = join(work, "builds.log");
    const go = fakeGo(work, log);
    const run = () =>
      new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", fixture, cache],
        env: { GO: go },
        stdout: "piped",
        stderr: "piped",
      }).output();
    const [a, b] = await Promise.all([run(), run()]);
    const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes).trim();
    assert.equal(a.code, 0, decode(a.stderr));
    assert.equal(b.code, 0, decode(b.stderr));
    assert.equal(decode(a.stdout), decode(b.stdout));
    const folder = decode(a.stdout);
    assert.equal(folder, join(cache, "v1.37.2-etcdv3.6.16"));

    // etcd, kube-apiserver and kube-controller-manager were each built exactly once.
    const builds = (await Deno.readTextFile(log)).trim().split("\n");
    assert.equal(builds.length, 3, builds.join("\n"));

    const entries = [];
    for await (const entry of Deno.readDir(cache)) entries.push(entry.name);
    assert.deepEqual(entries, ["v1.37.2-etcdv3.6.16"], "lock or build folder left behind");
    const files = [];
    for await (const entry of Deno.readDir(folder)) files.push(entry.name);
    assert.deepEqual(files.sort(), [
      "build-info.json",
      "etcd",
      "kube-apiserver",
      "kube-controller-manager",
    ]);
  } finally {
    await Deno.remove(work, { recursive: true });
  }
});

Deno.test("concurrent kube-controller-manager builds into one cache folder: built once", async () => {
  const work = await Deno.makeTempDir({ prefix: "staircase-concurrent-build-" });
  try {
    const cache = join(work, "cache");
    const log = join(work, "builds.log");
    const go = fakeGo(work, log);
    const run = (...extra: string[]) =>
      new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", fixture, cache, ...extra],
        env: { GO: go },
        stdout: "piped",
        stderr: "piped",
      }).output();
    const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes).trim();
    const first = await run("--no-controller-manager");
    assert.equal(first.code, 0, decode(first.stderr));
    const [a, b] = await Promise.all([run(), run()]);
    assert.equal(a.code, 0, decode(a.stderr));
    assert.equal(b.code, 0, decode(b.stderr));
    const builds = (await Deno.readTextFile(log)).trim().split("\n");
    assert.equal(
      builds.filter((l) => l.endsWith("/kube-controller-manager")).length,
      1,
      builds.join("\n"),
    );
    const files = [];
    for await (const entry of Deno.readDir(join(cache, "v1.37.2-etcdv3.6.16"))) {
      files.push(entry.name);
    }
    assert.deepEqual(files.sort(), [
      "build-info.json",
      "etcd",
      "kube-apiserver",
      "kube-controller-manager",
    ]);
    const entries = [];
    for await (const entry of Deno.readDir(cache)) entries.push(entry.name);
    assert.deepEqual(entries, ["v1.37.2-etcdv3.6.16"], "lock or build folder left behind");
  } finally {
    await Deno.remove(work, { recursive: true });
  }
});
