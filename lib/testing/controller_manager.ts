// Copyright 2026 the staircase authors. Apache-2.0 license.
/**
 * kube-controller-manager for the local control plane: which controllers run (and why the
 * others do not), its flags, and waiting for it to serve `/healthz`.
 *
 * @module
 */
import { join } from "node:path";
import { ControlPlaneStartError, PortInUseError } from "./errors.ts";
import { type LoggedProcess, logTail } from "./processes.ts";
import { pollHealth } from "./ready.ts";

/**
 * The kube-controller-manager controllers the local control plane runs: the ones that only act
 * on API objects, so they work without nodes, pods that run, a cloud or storage.
 *
 * - `garbage-collector-controller`: follows owner references (background, foreground and
 *   orphan propagation).
 * - `namespace-controller`: empties a deleted namespace and removes it (honouring finalizers).
 * - `serviceaccount-controller`: the `default` ServiceAccount in every namespace.
 * - `serviceaccount-token-controller`: token Secrets for `kubernetes.io/service-account-token`
 *   Secrets that name a ServiceAccount.
 * - `clusterrole-aggregation-controller`: fills the aggregated ClusterRoles (`admin`, `edit`,
 *   `view`) so RBAC tests can bind them.
 * - `resourcequota-controller`: computes quota usage; without it a namespace with a
 *   ResourceQuota refuses every create.
 *
 * Off on purpose: everything that makes or watches pods (deployment, replicaset, statefulset,
 * daemonset, job, cronjob, ttl-after-finished, disruption, horizontal-pod-autoscaler,
 * endpoints, endpointslice, pod-garbage-collector, ephemeral-volume): with no scheduler or
 * kubelet their pods stay `Pending` for ever and a Deployment never becomes available, which
 * misleads more than it helps. Node, cloud and volume controllers (node-ipam, node-lifecycle,
 * taint-eviction, persistentvolume-*, attach-detach, service-cidr): there are no nodes, cloud or
 * storage. Certificate signing and bootstrap tokens: need a signing CA and are not used by
 * operators under test. `root-ca-certificate-publisher-controller`: it adds a
 * `kube-root-ca.crt` ConfigMap to every namespace, which tests counting the ConfigMaps of a
 * fresh namespace do not expect, and nothing runs pods that would read it.
 */
export const CONTROLLER_MANAGER_CONTROLLERS: readonly string[] = [
  "garbage-collector-controller",
  "namespace-controller",
  "serviceaccount-controller",
  "serviceaccount-token-controller",
  "clusterrole-aggregation-controller",
  "resourcequota-controller",
];

/** The user kube-controller-manager authenticates as (bound by the API server's bootstrap RBAC). */
export const CONTROLLER_MANAGER_USER = "system:kube-controller-manager";

/** Inputs of {@linkcode controllerManagerArgs}. */
export interface ControllerManagerArgsInput {
  /** Its kubeconfig (user {@linkcode CONTROLLER_MANAGER_USER}). */
  kubeconfigPath: string;
  /** Its `/healthz` port on 127.0.0.1. */
  port: number;
  /** Folder for its self-signed serving certificate. */
  certDir: string;
  /** The service-account signing key (the API server's `--service-account-signing-key-file`). */
  serviceAccountKeyPath: string;
}

/**
 * The kube-controller-manager command line for the local control plane.
 *
 * @example
 * ```ts ignore
 * import { controllerManagerArgs } from "./controller_manager.ts";
 * const args = controllerManagerArgs({
 *   kubeconfigPath: "/tmp/cm.kubeconfig",
 *   port: 10257,
 *   certDir: "/tmp/cm",
 *   serviceAccountKeyPath: "/tmp/sa.key",
 * });
 * ```
 */
export function controllerManagerArgs(input: ControllerManagerArgsInput): string[] {
  return [
    // No --authentication-kubeconfig / --authorization-kubeconfig: only /healthz is used, which
    // is always allowed, and delegated auth would log errors about the request-header CA that
    // this API server does not have.
    `--kubeconfig=${input.kubeconfigPath}`,
    "--bind-address=127.0.0.1",
    `--secure-port=${input.port}`,
    `--cert-dir=${input.certDir}`,
    // One instance per control plane: no Lease to renew every 2 s.
    "--leader-elect=false",
    // Each controller acts as its own service account (kube-system), as in a real cluster.
    "--use-service-account-credentials=true",
    `--service-account-private-key-file=${input.serviceAccountKeyPath}`,
    `--controllers=${CONTROLLER_MANAGER_CONTROLLERS.join(",")}`,
    "--cluster-name=staircase",
    "--v=1",
  ];
}

/** What {@linkcode waitControllerManagerReady} watches. */
export interface ControllerManagerReadyInput {
  /** The `/healthz` port. */
  port: number;
  /** Its `--cert-dir` (holds the self-signed serving certificate). */
  certDir: string;
  /** The process. */
  process: LoggedProcess;
  /** How long to wait in ms. */
  timeoutMs: number;
  /** Logs of the other two processes, for the error. */
  logs: { etcd: string; apiServer: string };
}

/**
 * Polls kube-controller-manager's `/healthz` until it passes. Throws
 * {@linkcode PortInUseError} when it exited because its port was taken, else
 * {@linkcode ControlPlaneStartError} on an early exit or at the deadline.
 *
 * @example
 * ```ts ignore
 * import { waitControllerManagerReady } from "./controller_manager.ts";
 * await waitControllerManagerReady(input);
 * ```
 */
export async function waitControllerManagerReady(
  input: ControllerManagerReadyInput,
): Promise<void> {
  let exitCode: number | undefined;
  input.process.exited.then((s) => exitCode = s.code);
  const polled = await pollHealth({
    url: `https://127.0.0.1:${input.port}/healthz`,
    caPath: join(input.certDir, "kube-controller-manager.crt"),
    timeoutMs: input.timeoutMs,
    stopped: () => exitCode !== undefined,
  });
  if (polled.ok) return;
  const lastProblem = polled.problem;
  await new Promise((resolve) => setTimeout(resolve, 100));
  const log = await logTail(input.process.logPath);
  const etcdLog = await logTail(input.logs.etcd);
  const apiLog = await logTail(input.logs.apiServer);
  const code = exitCode as number | undefined;
  if (code !== undefined && /address already in use/i.test(log)) {
    throw new PortInUseError(input.port, "kube-controller-manager");
  }
  const reason = code !== undefined
    ? `kube-controller-manager exited early with code ${code}`
    : `kube-controller-manager not healthy after ${
      Math.round(input.timeoutMs / 1000)
    } s (${lastProblem})`;
  throw new ControlPlaneStartError(reason, etcdLog, apiLog, { controllerManagerLog: log });
}
