// Copyright 2026 the staircase authors. Apache-2.0 license.
/**
 * Testing against a real Kubernetes API server: a local control plane (etcd, kube-apiserver
 * and kube-controller-manager, like controller-runtime's envtest plus garbage collection and
 * namespace deletion), built from the Go module proxy on first use; helpers to share one across
 * a test run with a fresh namespace per test; and persistent named clusters for development by
 * hand (`deno task cluster`).
 *
 * kube-controller-manager runs the controllers of {@linkcode CONTROLLER_MANAGER_CONTROLLERS}:
 * owner references are followed, deleted namespaces go away, every namespace gets a `default`
 * ServiceAccount. There is no scheduler or kubelet: no pods run.
 *
 * Binaries: `KUBEBUILDER_ASSETS` (a folder with `kube-apiserver`, `etcd` and optionally
 * `kube-controller-manager`) or `TEST_ASSET_KUBE_APISERVER` / `TEST_ASSET_ETCD` /
 * `TEST_ASSET_KUBE_CONTROLLER_MANAGER` override the build, which otherwise goes to
 * `$XDG_CACHE_HOME/staircase/control-plane/<version>-etcd<version>/` (minutes, once).
 *
 * @example Start a control plane for one test file
 * ```ts
 * import { startControlPlane } from "@staircase/staircase/testing";
 *
 * async function withOwnControlPlane(): Promise<void> {
 *   await using cp = await startControlPlane();
 *   using client = cp.client(); // admin, system:masters
 *   const viewer = await cp.createUser("viewer", ["viewers"]);
 *   console.log(cp.url, cp.kubeconfig.path, viewer.path, client.defaultNamespace);
 * }
 * ```
 *
 * @example One shared control plane per test run, a fresh namespace per test
 * ```ts
 * import { withNamespace } from "@staircase/staircase/testing";
 *
 * // A test body; register it with `Deno.test("creates a ConfigMap", createsConfigMap)`.
 * async function createsConfigMap(): Promise<void> {
 *   await withNamespace(async (ns, cluster) => {
 *     await cluster.request("POST", `/api/v1/namespaces/${ns}/configmaps`, {
 *       metadata: { name: "a" },
 *     });
 *   });
 * }
 * ```
 *
 * @module
 */
export { type ControlPlane, type ControlPlaneOptions, startControlPlane } from "./control_plane.ts";
export {
  clusterFromKubeconfig,
  createTestNamespace,
  type NamespaceOptions,
  TEST_KUBECONFIG_ENV,
  type TestCluster,
  testKubeconfig,
  TestRequestError,
  type TestRequestOptions,
  type TestResponse,
  useTestControlPlane,
  withNamespace,
} from "./shared.ts";
export type { KubeconfigFile, TestKubeconfig } from "./kubeconfig.ts";
export type { ControlPlaneComponent, ControlPlanePorts } from "./launch.ts";
export { CONTROLLER_MANAGER_CONTROLLERS } from "./controller_manager.ts";
export { ControlPlaneStartError, ControlPlaneTempDirError, PortInUseError } from "./errors.ts";
export {
  type ControlPlaneAssets,
  DEFAULT_ETCD_VERSION,
  DEFAULT_KUBERNETES_VERSION,
  type EnsureAssetsOptions,
  ensureControlPlaneAssets,
} from "./assets/ensure.ts";
export {
  ControlPlaneAssetsError,
  ControlPlaneBuildError,
  GoNotFoundError,
} from "./assets/errors.ts";
export type { ProgressReporter } from "./assets/go_build.ts";
export {
  clusterDir,
  clusterDown,
  type ClusterPhase,
  type ClusterStatus,
  clusterStatus,
  clusterStop,
  clusterUp,
  type ClusterUpOptions,
  type ClusterUpResult,
  DEFAULT_CLUSTER_NAME,
  listClusters,
} from "./cluster/cluster.ts";
export {
  ClusterNotFoundError,
  ClusterPortInUseError,
  ClusterRunningError,
} from "./cluster/errors.ts";
