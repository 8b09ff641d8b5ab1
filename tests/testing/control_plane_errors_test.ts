// Copyright 2026 the staircase authors. Apache-2.0 license.
import assert from "node:assert/strict";
import { join } from "node:path";
import { startControlPlane } from "../../lib/testing/control_plane.ts";
import { clusterFromKubeconfig } from "../../lib/testing/shared.ts";
import { ensureControlPlaneAssets } from "../../lib/testing/assets/ensure.ts";
import {
  ControlPlaneAssetsError,
  ControlPlaneBuildError,
  GoNotFoundError,
} from "../../lib/testing/assets/errors.ts";
import {
  ControlPlaneStartError,
  ControlPlaneTempDirError,
  PortInUseError,
} from "../../lib/testing/errors.ts";
import { eventually } from "./helpers.ts";

/** Writes an executable shell script. */
async function script(dir: string, name: string, body: string): Promise<string> {
  const path = join(dir, name);
  await Deno.writeTextFile(path, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return path;
}

/** Whether any process has `needle` in its command line. */
async function anyProcessMentions(needle: string): Promise<boolean> {
  for await (const entry of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    const cmdline = await Deno.readTextFile(`/proc/${entry.name}/cmdline`).catch(() => "");
    if (cmdline.includes(needle)) return true;
  }
  return false;
}

async function isEmptyDir(dir: string): Promise<boolean> {
  for await (const _ of Deno.readDir(dir)) return false;
  return true;
}

async function withEnv<T>(
  vars: Record<string, string | undefined>,
  fn: () => Promise<T>,
): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, Deno.env.get(k)]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      v === undefined ? Deno.env.delete(k) : Deno.env.set(k, v);
    }
  };
  apply(vars);
  try {
    return await fn();
  } finally {
    apply(saved);
  }
}

/** Runs `test` with two fresh temporary folders, removed afterwards whatever happens. */
async function withTempDirs(test: (first: string, second: string) => Promise<void>): Promise<void> {
  const first = await Deno.makeTempDir();
  const second = await Deno.makeTempDir();
  try {
    await test(first, second);
  } finally {
    await Deno.remove(first, { recursive: true });
    await Deno.remove(second, { recursive: true });
  }
}

Deno.test("bad asset paths give ControlPlaneAssetsError", async () => {
  await assert.rejects(
    startControlPlane({
      assets: { kubeApiServer: "/nonexistent/kube-apiserver", etcd: "/nonexistent/etcd" },
    }),
    (err) => err instanceof ControlPlaneAssetsError && /kube-apiserver/.test(err.message),
  );
  const empty = await Deno.makeTempDir();
  try {
    await withEnv({
      KUBEBUILDER_ASSETS: empty,
      TEST_ASSET_KUBE_APISERVER: undefined,
      TEST_ASSET_ETCD: undefined,
    }, () =>
      assert.rejects(
        ensureControlPlaneAssets(),
        (err) =>
          err instanceof ControlPlaneAssetsError && err.source === "KUBEBUILDER_ASSETS" &&
          err.message.includes("KUBEBUILDER_ASSETS"),
      ));
  } finally {
    await Deno.remove(empty, { recursive: true });
  }
});

Deno.test("a port in use gives PortInUseError", async () => {
  const assets = await ensureControlPlaneAssets();
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  try {
    await assert.rejects(
      startControlPlane({ assets, apiServerPort: port }),
      (err) => err instanceof PortInUseError && err.port === port,
    );
  } finally {
    listener.close();
  }
});

Deno.test("a kube-apiserver that exits early gives ControlPlaneStartError with its log, nothing left", async () => {
  const assets = await ensureControlPlaneAssets();
  await withTempDirs(async (dir, bin) => {
    const fake = await script(bin, "kube-apiserver", 'echo "fake apiserver: boom" >&2; exit 3');
    await assert.rejects(
      startControlPlane({ assets: { etcd: assets.etcd, kubeApiServer: fake }, tempDir: dir }),
      (err) =>
        err instanceof ControlPlaneStartError && /exited early with code 3/.test(err.message) &&
        err.apiServerLog.includes("fake apiserver: boom"),
    );
    assert.ok(await isEmptyDir(dir), "temp folder left behind");
    assert.equal(await eventually(async () => !(await anyProcessMentions(dir)), 5000), true);
  });
});

Deno.test("a kube-apiserver that never gets ready times out with ControlPlaneStartError", async () => {
  const assets = await ensureControlPlaneAssets();
  await withTempDirs(async (dir, bin) => {
    const fake = await script(bin, "kube-apiserver", "while :; do sleep 1; done");
    await assert.rejects(
      startControlPlane({
        assets: { etcd: assets.etcd, kubeApiServer: fake },
        tempDir: dir,
        startTimeoutMs: 1500,
      }),
      (err) => err instanceof ControlPlaneStartError && /not ready after 2 s/.test(err.message),
    );
    assert.ok(await isEmptyDir(dir), "temp folder left behind");
    assert.equal(await anyProcessMentions(dir), false, "a process of the control plane is left");
  });
});

Deno.test("missing Go gives GoNotFoundError; a failing build gives ControlPlaneBuildError", async () => {
  await withTempDirs(async (cacheDir, bin) => {
    const options = { ignoreEnv: true, cacheDir, onProgress: () => {} };
    await withEnv(
      { GO: join(bin, "no-such-go") },
      () =>
        assert.rejects(ensureControlPlaneAssets(options), (err) => err instanceof GoNotFoundError),
    );
    const fakeGo = await script(bin, "go", 'echo "fake go: something broke" >&2; exit 1');
    await withEnv({ GO: fakeGo }, () =>
      assert.rejects(
        ensureControlPlaneAssets({ ...options, kubernetesVersion: "v1.37.2" }),
        (err) =>
          err instanceof ControlPlaneBuildError && err.component === "etcd" &&
          err.outputTail.includes("something broke") && err.message.includes("KUBEBUILDER_ASSETS"),
      ));
    const left = [];
    for await (const e of Deno.readDir(cacheDir)) {
      if (!e.name.startsWith(".build-")) left.push(e.name);
    }
    assert.deepEqual(left, [], "lock file or half-built folder left in the cache");
  });
});

Deno.test("a temp folder that cannot be created gives ControlPlaneTempDirError, nothing started", async () => {
  const assets = await ensureControlPlaneAssets();
  const file = await Deno.makeTempFile();
  try {
    for (const parent of ["/nonexistent-staircase-parent", file]) {
      await assert.rejects(
        startControlPlane({ assets, tempDir: parent }),
        (err) =>
          err instanceof ControlPlaneTempDirError && err.parent === parent &&
          err.message.includes("tempDir"),
      );
    }
  } finally {
    await Deno.remove(file);
  }
});

Deno.test("a malformed STAIRCASE_CONTROL_PLANE_START_TIMEOUT is refused, not ignored", async () => {
  for (const value of ["abc", "-5", "0"]) {
    await withEnv({ STAIRCASE_CONTROL_PLANE_START_TIMEOUT: value }, () =>
      assert.rejects(
        startControlPlane({ assets: { etcd: "/nonexistent", kubeApiServer: "/nonexistent" } }),
        (err) =>
          err instanceof TypeError && err.message.includes("STAIRCASE_CONTROL_PLANE_START_TIMEOUT"),
      ));
  }
});

Deno.test("a startTimeoutMs that is NaN or not positive is refused before anything starts", async () => {
  for (const startTimeoutMs of [Number.NaN, 0, -1]) {
    await assert.rejects(
      startControlPlane({
        startTimeoutMs,
        assets: { etcd: "/nonexistent", kubeApiServer: "/nonexistent" },
      }),
      (err) =>
        err instanceof RangeError && /startTimeoutMs must be a number of ms > 0/.test(err.message),
    );
  }
});

Deno.test("a picked port taken before etcd binds it: started again on new ports", async () => {
  const assets = await ensureControlPlaneAssets();
  const bin = await Deno.makeTempDir();
  try {
    // The first etcd fails the way a lost port race does; later ones are the real etcd.
    const count = join(bin, "count");
    const etcd = await script(
      bin,
      "etcd",
      `if [ ! -e "${count}" ]; then
  touch "${count}"
  echo "listen tcp 127.0.0.1:1: bind: address already in use" >&2
  exit 1
fi
exec "${assets.etcd}" "$@"`,
    );
    const started = performance.now();
    await using cp = await startControlPlane({
      assets: { etcd, kubeApiServer: assets.kubeApiServer },
    });
    console.log(`ready after one lost port race in ${Math.round(performance.now() - started)} ms`);
    const cluster = await clusterFromKubeconfig(cp.kubeconfig.path);
    assert.equal((await cluster.request("GET", "/readyz")).status, 200);
  } finally {
    await Deno.remove(bin, { recursive: true });
  }
});

Deno.test("a kube-controller-manager that exits early gives ControlPlaneStartError with its log, nothing left", async () => {
  const assets = await ensureControlPlaneAssets();
  await withTempDirs(async (dir, bin) => {
    const fake = await script(bin, "kube-controller-manager", 'echo "fake kcm: boom" >&2; exit 4');
    await assert.rejects(
      startControlPlane({
        assets: { ...assets, kubeControllerManager: fake },
        controllerManager: true,
        tempDir: dir,
      }),
      (err) =>
        err instanceof ControlPlaneStartError &&
        /kube-controller-manager exited early with code 4/.test(err.message) &&
        err.controllerManagerLog?.includes("fake kcm: boom") === true,
    );
    assert.ok(await isEmptyDir(dir), "temp folder left behind");
    assert.equal(await eventually(async () => !(await anyProcessMentions(dir)), 5000), true);
  });
});

Deno.test("controllerManager: true without its binary in the given assets is ControlPlaneAssetsError", async () => {
  const assets = await ensureControlPlaneAssets();
  await assert.rejects(
    startControlPlane({
      assets: { kubeApiServer: assets.kubeApiServer, etcd: assets.etcd },
      controllerManager: true,
    }),
    (err) => err instanceof ControlPlaneAssetsError && err.component === "kube-controller-manager",
  );
});
