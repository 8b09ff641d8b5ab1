// Copyright 2026 the staircase authors. Apache-2.0 license.
/**
 * Launching etcd, kube-apiserver and (optionally) kube-controller-manager in one folder, on
 * given ports, until all are ready. Shared by the throwaway test control plane (a temp folder,
 * cleaned up with the process) and the persistent `cluster` command (a folder kept across
 * restarts, processes detached from the launcher).
 *
 * Internal: not part of the public testing surface.
 *
 * @module
 */
import { join } from "node:path";
import type { CertificateAuthority } from "./certs.ts";
import {
  CONTROLLER_MANAGER_USER,
  controllerManagerArgs,
  waitControllerManagerReady,
} from "./controller_manager.ts";
import { buildKubeconfig, type KubeconfigFile, writeKubeconfig } from "./kubeconfig.ts";
import { preparePki } from "./pki.ts";
import { type LoggedProcess, spawnLogged } from "./processes.ts";
import { waitReady } from "./ready.ts";

/** The binaries a launch needs. */
export interface LaunchAssets {
  /** kube-apiserver. */
  kubeApiServer: string;
  /** etcd. */
  etcd: string;
  /** kube-controller-manager (needed when the launch runs it). */
  kubeControllerManager?: string;
}

/** Loopback ports of one control plane. */
export interface ControlPlanePorts {
  /** kube-apiserver's secure port. */
  apiServer: number;
  /** etcd's client port. */
  etcd: number;
  /** etcd's peer port. */
  etcdPeer: number;
  /** kube-controller-manager's `/healthz` port (when it runs). */
  controllerManager?: number;
}

/** Inputs of {@linkcode launchControlPlane}. */
export interface LaunchInput {
  /** The binaries. */
  assets: LaunchAssets;
  /** The folder for data, certificates, logs and kubeconfigs (existing files are reused). */
  dir: string;
  /** The ports. */
  ports: ControlPlanePorts;
  /** Run kube-controller-manager. */
  controllerManager: boolean;
  /** Let etcd fsync (a persistent cluster); off for throwaway data. */
  fsync: boolean;
  /** Start the processes in their own session so they outlive the launcher. */
  detached: boolean;
  /** Extra kube-apiserver flags. */
  extraApiServerArgs?: string[];
  /** The cluster name in the admin kubeconfig (default "staircase-test"). */
  kubeconfigClusterName?: string;
  /** How long to wait for each component to be ready, in ms. */
  timeoutMs: number;
  /** Receives every process as soon as it is spawned (to stop it on failure, to record it). */
  onSpawn(name: ControlPlaneComponent, process: LoggedProcess): Promise<void> | void;
}

/** The processes of a control plane. */
export type ControlPlaneComponent = "etcd" | "kube-apiserver" | "kube-controller-manager";

/** A control plane whose processes are all ready. */
export interface Launched {
  /** The API server URL. */
  url: string;
  /** PEM of the CA of the API server's serving certificate. */
  serverCaPem: string;
  /** The admin kubeconfig. */
  kubeconfig: KubeconfigFile;
  /** The admin client certificate and key. */
  admin: { certPem: string; keyPem: string };
  /** The client CA, to issue more users. */
  ca: CertificateAuthority;
  /** Log paths. */
  logs: { etcd: string; apiServer: string; controllerManager?: string };
}

/**
 * Starts the processes in order (etcd, kube-apiserver, then kube-controller-manager once the
 * API server is ready) and waits for each. On failure the caller stops what `onSpawn` handed
 * it.
 *
 * @example
 * ```ts ignore
 * import { launchControlPlane } from "./launch.ts";
 * const launched = await launchControlPlane({ assets, dir, ports, controllerManager: true,
 *   fsync: false, detached: false, timeoutMs: 60_000, onSpawn: (_, p) => processes.push(p) });
 * ```
 */
export async function launchControlPlane(input: LaunchInput): Promise<Launched> {
  const { dir, ports } = input;
  const pki = await preparePki(join(dir, "pki"));
  const logs: Launched["logs"] = {
    etcd: join(dir, "etcd.log"),
    apiServer: join(dir, "kube-apiserver.log"),
  };
  const etcdUrl = `http://127.0.0.1:${ports.etcd}`;
  const peerUrl = `http://127.0.0.1:${ports.etcdPeer}`;
  const etcd = spawnLogged(
    input.assets.etcd,
    [
      `--data-dir=${join(dir, "etcd-data")}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=default=${peerUrl}`,
      `--unsafe-no-fsync=${!input.fsync}`,
      "--log-level=warn",
    ],
    logs.etcd,
    input.detached,
  );
  await input.onSpawn("etcd", etcd);

  const certDir = join(dir, "serving-certs");
  const url = `https://127.0.0.1:${ports.apiServer}`;
  const apiServer = spawnLogged(
    input.assets.kubeApiServer,
    [
      `--etcd-servers=${etcdUrl}`,
      `--cert-dir=${certDir}`,
      `--secure-port=${ports.apiServer}`,
      "--bind-address=127.0.0.1",
      "--advertise-address=127.0.0.1",
      // A loopback advertise address is refused by the default endpoint reconciler.
      "--endpoint-reconciler-type=none",
      "--service-cluster-ip-range=10.0.0.0/24",
      "--allow-privileged=true",
      "--disable-admission-plugins=ServiceAccount",
      "--authorization-mode=RBAC",
      `--client-ca-file=${pki.clientCaPath}`,
      "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
      `--service-account-key-file=${pki.serviceAccountPublicKeyPath}`,
      `--service-account-signing-key-file=${pki.serviceAccountKeyPath}`,
      ...(input.extraApiServerArgs ?? []),
    ],
    logs.apiServer,
    input.detached,
  );
  await input.onSpawn("kube-apiserver", apiServer);

  const serverCaPem = await waitReady({
    url,
    certDir,
    clientCertPem: pki.admin.certPem,
    clientKeyPem: pki.admin.keyPem,
    etcd,
    apiServer,
    logs,
    ports: { etcd: ports.etcd, apiServer: ports.apiServer },
    timeoutMs: input.timeoutMs,
  });
  const kubeconfig = await writeKubeconfig(
    join(dir, "admin.kubeconfig"),
    buildKubeconfig({
      server: url,
      caPem: serverCaPem,
      certPem: pki.admin.certPem,
      keyPem: pki.admin.keyPem,
      userName: "admin",
      clusterName: input.kubeconfigClusterName,
    }),
  );

  if (input.controllerManager) {
    const binary = input.assets.kubeControllerManager;
    const port = ports.controllerManager;
    if (binary === undefined || port === undefined) {
      throw new TypeError("kube-controller-manager needs its binary and a port");
    }
    const cmKubeconfig = await writeKubeconfig(
      join(dir, "controller-manager.kubeconfig"),
      buildKubeconfig({
        server: url,
        caPem: serverCaPem,
        certPem: pki.controllerManager.certPem,
        keyPem: pki.controllerManager.keyPem,
        userName: CONTROLLER_MANAGER_USER,
      }),
    );
    logs.controllerManager = join(dir, "kube-controller-manager.log");
    const cmCertDir = join(dir, "controller-manager-certs");
    const cm = spawnLogged(
      binary,
      controllerManagerArgs({
        kubeconfigPath: cmKubeconfig.path,
        port,
        certDir: cmCertDir,
        serviceAccountKeyPath: pki.serviceAccountKeyPath,
      }),
      logs.controllerManager,
      input.detached,
    );
    await input.onSpawn("kube-controller-manager", cm);
    await waitControllerManagerReady({
      port,
      certDir: cmCertDir,
      process: cm,
      timeoutMs: input.timeoutMs,
      logs,
    });
  }
  return { url, serverCaPem, kubeconfig, admin: pki.admin, ca: pki.ca, logs };
}
