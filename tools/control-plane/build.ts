// Copyright 2026 the staircase authors. Apache-2.0 license.
/**
 * Builds (or finds) kube-apiserver, etcd and kube-controller-manager and prints the folder
 * holding them.
 *
 * Usage: `deno run -A tools/control-plane/build.ts [--kubernetes-version v1.37.2]
 * [--etcd-version v3.6.16] [--no-controller-manager] [--ignore-env]`. Progress goes to stderr,
 * the folder to stdout (usable as `KUBEBUILDER_ASSETS=$(deno run -A tools/control-plane/build.ts)`).
 *
 * @module
 */
import { dirname } from "node:path";
import { ensureControlPlaneAssets } from "../../lib/testing/assets/ensure.ts";

function flag(name: string): string | undefined {
  const i = Deno.args.indexOf(name);
  return i >= 0 ? Deno.args[i + 1] : undefined;
}

const started = performance.now();
try {
  const assets = await ensureControlPlaneAssets({
    kubernetesVersion: flag("--kubernetes-version"),
    etcdVersion: flag("--etcd-version"),
    ignoreEnv: Deno.args.includes("--ignore-env"),
    controllerManager: !Deno.args.includes("--no-controller-manager"),
  });
  const secs = ((performance.now() - started) / 1000).toFixed(1);
  console.error(
    `[control-plane] ${assets.source}: kube-apiserver ${
      assets.kubernetesVersion ?? "(env)"
    }, etcd ${assets.etcdVersion ?? "(env)"}${
      assets.kubeControllerManager ? ", kube-controller-manager" : ""
    } in ${secs}s`,
  );
  console.log(dirname(assets.kubeApiServer));
} catch (err) {
  console.error(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
  Deno.exit(1);
}
