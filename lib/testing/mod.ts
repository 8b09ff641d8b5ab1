// Copyright 2026 the staircase authors. Apache-2.0 license.
/**
 * Testing against a real Kubernetes API server: a local control plane (etcd +
 * kube-apiserver, like controller-runtime's envtest), built from the Go module proxy on first
 * use, and helpers to share one across a test run with a fresh namespace per test.
 *
 * No controller-manager runs: no garbage collection, deleted namespaces stay `Terminating`,
 * no default service accounts, no pods run.
 *
 * Binaries: `KUBEBUILDER_ASSETS` (a folder with `kube-apiserver` and `etcd`) or
 * `TEST_ASSET_KUBE_APISERVER` / `TEST_ASSET_ETCD` override the build, which otherwise goes to
 * `$XDG_CACHE_HOME/staircase/control-plane/<version>-etcd<version>/` (~15 min cold on 2 cores).
 *
 * @example Start a control plane for one test file
 * ```ts ignore
 * import { startControlPlane } from "@staircase/staircase/testing";
 * await using cp = await startControlPlane();
 * console.log(cp.url, cp.kubeconfig.path);
 * const viewer = await cp.createUser("viewer", ["viewers"]);
 * ```
 *
 * @module
 */
export * from "./control_plane.ts";
export * from "./shared.ts";
export * from "./kubeconfig.ts";
export * from "./errors.ts";
export * from "./certs.ts";
export * from "./assets/ensure.ts";
export * from "./assets/errors.ts";
export type { ProgressReporter } from "./assets/go_build.ts";
