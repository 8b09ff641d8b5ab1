// Copyright 2026 the staircase authors. Apache-2.0 license.
// Finding and building the control plane binaries, with a stand-in `go`: env overrides, the
// flags of the build, stale locks and a damaged cache.
import assert from "node:assert/strict";
import { join } from "node:path";
import { ensureControlPlaneAssets } from "../../lib/testing/assets/ensure.ts";
import { ControlPlaneAssetsError } from "../../lib/testing/assets/errors.ts";
import { fakeGo } from "./helpers.ts";

const ASSET_VARS = [
  "KUBEBUILDER_ASSETS",
  "TEST_ASSET_KUBE_APISERVER",
  "TEST_ASSET_ETCD",
  "TEST_ASSET_KUBE_CONTROLLER_MANAGER",
];

async function withAssetEnv<T>(
  vars: Record<string, string>,
  fn: () => Promise<T>,
): Promise<T> {
  const saved = ASSET_VARS.map((k) => [k, Deno.env.get(k)] as const);
  for (const k of ASSET_VARS) Deno.env.delete(k);
  for (const [k, v] of Object.entries(vars)) Deno.env.set(k, v);
  try {
    return await fn();
  } finally {
    for (const [k, v] of saved) v === undefined ? Deno.env.delete(k) : Deno.env.set(k, v);
  }
}

async function executable(path: string): Promise<string> {
  await Deno.mkdir(join(path, ".."), { recursive: true });
  await Deno.writeTextFile(path, "#!/bin/sh\n", { mode: 0o755 });
  return path;
}

/** Runs `fn` with a fresh folder, a stand-in `go` in env GO and a build log path. */
async function withFakeGo<T>(
  fn: (ctx: { dir: string; cache: string; log: string }) => Promise<T>,
): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "staircase-assets-test-" });
  const log = join(dir, "builds.log");
  const saved = Deno.env.get("GO");
  Deno.env.set("GO", fakeGo(dir, log));
  try {
    return await fn({ dir, cache: join(dir, "cache"), log });
  } finally {
    saved === undefined ? Deno.env.delete("GO") : Deno.env.set("GO", saved);
    await Deno.remove(dir, { recursive: true });
  }
}

/** Rejects when `promise` takes longer than `ms` (a lock that is never broken would hang). */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} still waiting after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

Deno.test("KUBEBUILDER_ASSETS and TEST_ASSET_* override the build, the latter per binary", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const folder = join(dir, "assets");
    await executable(join(folder, "kube-apiserver"));
    await executable(join(folder, "etcd"));
    const otherEtcd = await executable(join(dir, "other", "etcd"));
    const otherApi = await executable(join(dir, "other", "kube-apiserver"));

    const fromFolder = await withAssetEnv(
      { KUBEBUILDER_ASSETS: folder },
      () => ensureControlPlaneAssets(),
    );
    assert.deepEqual(fromFolder, {
      kubeApiServer: join(folder, "kube-apiserver"),
      etcd: join(folder, "etcd"),
      source: "env",
    });
    const mixed = await withAssetEnv(
      { KUBEBUILDER_ASSETS: folder, TEST_ASSET_ETCD: otherEtcd },
      () => ensureControlPlaneAssets(),
    );
    assert.equal(mixed.etcd, otherEtcd);
    assert.equal(mixed.kubeApiServer, join(folder, "kube-apiserver"));
    const both = await withAssetEnv(
      { TEST_ASSET_ETCD: otherEtcd, TEST_ASSET_KUBE_APISERVER: otherApi },
      () => ensureControlPlaneAssets(),
    );
    assert.deepEqual([both.kubeApiServer, both.etcd], [otherApi, otherEtcd]);
    // One binary named without the other is a mistake, not a request to build.
    await withAssetEnv({ TEST_ASSET_ETCD: otherEtcd }, () =>
      assert.rejects(
        ensureControlPlaneAssets(),
        (err) => err instanceof ControlPlaneAssetsError && err.component === "kube-apiserver",
      ));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the build: staging replaces from go.mod, version ldflags, trimpath, no cgo, keyed cache", async () => {
  await withFakeGo(async ({ cache, log }) => {
    const assets = await ensureControlPlaneAssets({
      ignoreEnv: true,
      cacheDir: cache,
      kubernetesVersion: "v1.36.3",
      etcdVersion: "v3.6.10",
      onProgress: () => {},
    });
    assert.equal(assets.kubeApiServer, join(cache, "v1.36.3-etcdv3.6.10", "kube-apiserver"));
    assert.equal(assets.source, "build");
    const apiArgs = await Deno.readTextFile(`${log}.kube-apiserver.args`);
    assert.match(apiArgs, /^CGO_ENABLED=0 build /);
    assert.match(apiArgs, / -trimpath /);
    for (const pkg of ["k8s.io/component-base/version", "k8s.io/client-go/pkg/version"]) {
      assert.ok(apiArgs.includes(`-X ${pkg}.gitVersion=v1.36.3`), apiArgs);
      assert.ok(apiArgs.includes(`-X ${pkg}.gitMinor=36`), apiArgs);
    }
    assert.match(apiArgs, /-ldflags -s -w /);
    // The stand-in upstream go.mod replaces only k8s.io/api: exactly that is mapped.
    const goMod = await Deno.readTextFile(`${log}.kube-apiserver.go.mod`);
    assert.match(goMod, /require k8s\.io\/kubernetes v1\.36\.3/);
    const replaces = goMod.split("\n").filter((l) => l.includes("=>")).map((l) => l.trim());
    assert.deepEqual(replaces, ["k8s.io/api => k8s.io/api v0.36.3"]);
    const etcdArgs = (await Deno.readTextFile(`${log}.etcd.args`)).trim();
    assert.match(etcdArgs, /^CGO_ENABLED=0 build .*-trimpath .*go\.etcd\.io\/etcd\/server\/v3$/);
    assert.match(await Deno.readTextFile(`${log}.etcd.go.mod`), /server\/v3 v3\.6\.10/);

    // Built once: the second call finds the cache.
    const again = await ensureControlPlaneAssets({
      ignoreEnv: true,
      cacheDir: cache,
      kubernetesVersion: "v1.36.3",
      etcdVersion: "v3.6.10",
    });
    assert.equal(again.source, "cache");
    // etcd, kube-apiserver and (by default) kube-controller-manager.
    assert.equal((await Deno.readTextFile(log)).trim().split("\n").length, 3);
  });
});

Deno.test("a stale build lock (dead holder, or untouched for long) is broken, never waited on forever", async () => {
  await withFakeGo(async ({ cache }) => {
    await Deno.mkdir(cache, { recursive: true });
    const lock = join(cache, "v1.37.2-etcdv3.6.16.lock");
    const options = { ignoreEnv: true, cacheDir: cache, onProgress: () => {} } as const;

    // Holder died: its PID no longer exists.
    const gone = new Deno.Command("true").spawn();
    await gone.status;
    await Deno.writeTextFile(lock, String(gone.pid));
    const first = await within(ensureControlPlaneAssets(options), 20_000, "dead-holder lock");
    assert.equal(first.source, "build");

    // PID alive but unrelated (reused PID, another PID namespace): the lock is old.
    await Deno.remove(join(cache, "v1.37.2-etcdv3.6.16"), { recursive: true });
    await Deno.writeTextFile(lock, "1");
    const old = new Date(Date.now() - 5 * 60_000);
    await Deno.utime(lock, old, old);
    const second = await within(ensureControlPlaneAssets(options), 20_000, "old lock");
    assert.equal(second.source, "build");
    assert.equal(await Deno.stat(lock).then(() => true, () => false), false, "lock left");
  });
});

Deno.test("a cache folder whose binary was removed gives ControlPlaneAssetsError naming the fix", async () => {
  await withFakeGo(async ({ cache }) => {
    const options = { ignoreEnv: true, cacheDir: cache, onProgress: () => {} } as const;
    const assets = await ensureControlPlaneAssets(options);
    await Deno.remove(assets.etcd);
    await assert.rejects(
      ensureControlPlaneAssets(options),
      (err) =>
        err instanceof ControlPlaneAssetsError && err.component === "etcd" &&
        err.message.includes(`delete ${join(cache, "v1.37.2-etcdv3.6.16")}`),
    );
  });
});

Deno.test("kube-controller-manager from env: the folder or TEST_ASSET_*, required only when asked for", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const folder = join(dir, "assets");
    await executable(join(folder, "kube-apiserver"));
    await executable(join(folder, "etcd"));
    const env = { KUBEBUILDER_ASSETS: folder };
    // An envtest folder (no kube-controller-manager): fine unless it is required.
    const optional = await withAssetEnv(
      env,
      () => ensureControlPlaneAssets({ controllerManager: "if-available" }),
    );
    assert.equal(optional.kubeControllerManager, undefined);
    await withAssetEnv(env, () =>
      assert.rejects(
        ensureControlPlaneAssets({ controllerManager: true }),
        (err) =>
          err instanceof ControlPlaneAssetsError && err.component === "kube-controller-manager" &&
          err.message.includes("TEST_ASSET_KUBE_CONTROLLER_MANAGER"),
      ));

    const inFolder = await executable(join(folder, "kube-controller-manager"));
    const fromFolder = await withAssetEnv(
      env,
      () => ensureControlPlaneAssets({ controllerManager: "if-available" }),
    );
    assert.equal(fromFolder.kubeControllerManager, inFolder);
    const own = await executable(join(dir, "other", "kube-controller-manager"));
    const fromVar = await withAssetEnv(
      { ...env, TEST_ASSET_KUBE_CONTROLLER_MANAGER: own },
      () => ensureControlPlaneAssets({ controllerManager: true }),
    );
    assert.equal(fromVar.kubeControllerManager, own);
    const byDefault = await withAssetEnv(env, () => ensureControlPlaneAssets());
    assert.equal(byDefault.kubeControllerManager, inFolder);
    const off = await withAssetEnv(
      env,
      () => ensureControlPlaneAssets({ controllerManager: false }),
    );
    assert.equal(off.kubeControllerManager, undefined);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("kube-controller-manager is built into the existing cache folder, once, same version", async () => {
  await withFakeGo(async ({ cache, log }) => {
    const options = {
      ignoreEnv: true,
      cacheDir: cache,
      kubernetesVersion: "v1.36.3",
      onProgress: () => {},
    } as const;
    const plain = await ensureControlPlaneAssets({ ...options, controllerManager: false });
    assert.equal(plain.kubeControllerManager, undefined);
    const withCm = await ensureControlPlaneAssets({ ...options, controllerManager: true });
    const folder = join(cache, "v1.36.3-etcdv3.6.16");
    assert.equal(withCm.kubeControllerManager, join(folder, "kube-controller-manager"));
    assert.equal(withCm.source, "build");
    const args = await Deno.readTextFile(`${log}.kube-controller-manager.args`);
    assert.match(args, /^CGO_ENABLED=0 build .*-trimpath /);
    assert.ok(args.includes("-X k8s.io/component-base/version.gitVersion=v1.36.3"), args);
    assert.match(args, / k8s\.io\/kubernetes\/cmd\/kube-controller-manager$/m);
    const goMod = await Deno.readTextFile(`${log}.kube-controller-manager.go.mod`);
    assert.match(goMod, /require k8s\.io\/kubernetes v1\.36\.3/);

    const again = await ensureControlPlaneAssets({ ...options, controllerManager: true });
    assert.equal(again.source, "cache");
    // etcd, kube-apiserver, then kube-controller-manager: three builds in all.
    assert.equal((await Deno.readTextFile(log)).trim().split("\n").length, 3);
    const left = [];
    for await (const entry of Deno.readDir(cache)) left.push(entry.name);
    assert.deepEqual(left, ["v1.36.3-etcdv3.6.16"], "lock or work folder left behind");
  });
});
