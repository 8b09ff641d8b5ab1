// Copyright 2026 the staircase authors. Apache-2.0 license.
/**
 * Persistent, named local clusters (etcd + kube-apiserver + kube-controller-manager) that run
 * in the background for development by hand: the library side of `deno task cluster`.
 *
 * Each cluster lives in `~/.cache/staircase/clusters/<name>` (data, certificates, logs,
 * `admin.kubeconfig`, `state.json`) and keeps its ports, so `up` after a reboot or a `stop`
 * starts it again with the same data and the same kubeconfig. The processes run in their own
 * session and outlive the command that started them. A lock per cluster serialises `up`,
 * `stop` and `down`.
 *
 * @module
 */
import { join } from "node:path";
import { ensureControlPlaneAssets } from "../assets/ensure.ts";
import type { ProgressReporter } from "../assets/go_build.ts";
import { acquireLock, type HeldLock } from "../assets/lock.ts";
import { pathExists } from "../assets/path_exists.ts";
import { startTimeout } from "../control_plane.ts";
import { readKubeconfigTls } from "../kubeconfig.ts";
import {
  type ControlPlaneComponent,
  type ControlPlanePorts,
  launchControlPlane,
} from "../launch.ts";
import { type LoggedProcess, terminate } from "../processes.ts";
import { ClusterNotFoundError, ClusterRunningError } from "./errors.ts";
import { keptPorts, pickPorts } from "./ports.ts";
import { clusterProcesses, isClusterProcess, stopProcesses } from "./processes.ts";
import {
  checkClusterName,
  type ClusterRecord,
  clustersRoot,
  readState,
  writeState,
} from "./state.ts";

/** The name used when none is given. */
export const DEFAULT_CLUSTER_NAME = "default";

/** How a cluster is doing. */
export type ClusterPhase =
  /** All processes run and the API server is ready. */
  | "running"
  /** All processes run but the API server does not answer `/readyz`. */
  | "unhealthy"
  /** Some processes died (killed, crashed): the next `up` cleans up and starts again. */
  | "stale"
  /** No process runs (after `stop` or a reboot): `up` starts it with its data. */
  | "stopped";

/** A cluster as found on disk and in the process table. */
export interface ClusterStatus {
  /** Its name. */
  name: string;
  /** How it is doing. */
  phase: ClusterPhase;
  /** Its folder. */
  dir: string;
  /** The API server URL (known once it was started). */
  url?: string;
  /** The admin kubeconfig (user "admin" in group system:masters). */
  kubeconfigPath: string;
  /** Its ports. */
  ports?: ControlPlanePorts;
  /** Whether kube-controller-manager is part of it. */
  controllerManager: boolean;
  /** The live processes. */
  pids: Partial<Record<ControlPlaneComponent, number>>;
  /** What is wrong, for `stale` and `unhealthy` (empty otherwise). */
  problems: string[];
}

/** Options of {@linkcode clusterUp}. */
export interface ClusterUpOptions {
  /** The cluster's name. @default {"default"} */
  name?: string;
  /** Remove its data first and start empty (on new ports). @default {false} */
  fresh?: boolean;
  /** The API server port of a new (or fresh) cluster. @default {the first free from 16443} */
  apiServerPort?: number;
  /** Run kube-controller-manager. @default {true} */
  controllerManager?: boolean;
  /** Progress lines (binary builds, stale instances cleaned up). @default {stderr} */
  onProgress?: ProgressReporter;
  /**
   * How long to wait for each component, in ms.
   * @default {60 s, or env STAIRCASE_CONTROL_PLANE_START_TIMEOUT in seconds}
   */
  startTimeoutMs?: number;
}

/** What {@linkcode clusterUp} did. */
export interface ClusterUpResult extends ClusterStatus {
  /** Started new, started again from its data, or found running. */
  outcome: "created" | "restarted" | "already-running";
  /** Problems of a stale instance that was cleaned up first. */
  cleanedUp: string[];
}

/**
 * The folder of cluster `name`.
 *
 * @example
 * ```ts
 * import { clusterDir } from "@staircase/staircase/testing";
 * console.log(clusterDir("dev")); // ~/.cache/staircase/clusters/dev
 * ```
 */
export function clusterDir(name: string = DEFAULT_CLUSTER_NAME): string {
  checkClusterName(name);
  return join(clustersRoot(), name);
}

/**
 * Starts cluster `name` in the background and returns once it is ready; reports a running
 * one instead of starting another. A stale instance (some of its processes killed) is stopped
 * first. Throws {@linkcode ClusterRunningError} for `fresh` on a running cluster,
 * {@linkcode ClusterPortInUseError} when a port it keeps is taken, `GoNotFoundError` when the
 * binaries must be built and Go is missing.
 *
 * @example
 * ```ts
 * import { clusterUp } from "@staircase/staircase/testing";
 *
 * async function up(): Promise<void> {
 *   const cluster = await clusterUp({ name: "dev" });
 *   console.log(`export KUBECONFIG=${cluster.kubeconfigPath}`);
 * }
 * ```
 */
export async function clusterUp(options: ClusterUpOptions = {}): Promise<ClusterUpResult> {
  const name = options.name ?? DEFAULT_CLUSTER_NAME;
  const dir = clusterDir(name);
  const progress = options.onProgress ?? reportToStderr;
  const timeoutMs = startTimeout(options);
  await Deno.mkdir(clustersRoot(), { recursive: true });
  const lock = await lockCluster(name, progress);
  try {
    let record = await readState(dir);
    const cleanedUp: string[] = [];
    if (await pathExists(dir)) {
      const status = await statusOf(name, dir, record);
      if (status.phase === "running") {
        if (options.fresh) throw new ClusterRunningError(name, status.url ?? "");
        return { ...status, outcome: "already-running", cleanedUp };
      }
      if (status.phase !== "stopped") {
        cleanedUp.push(...status.problems);
        progress(
          `cluster "${name}" was left ${status.phase} (${status.problems.join("; ")}); ` +
            "stopping what is left of it",
        );
        await stopProcesses(dir, 0);
      }
    }
    if (options.fresh) {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
      record = undefined;
    }
    try {
      await startIn(dir, name, record, options, progress, timeoutMs);
    } catch (err) {
      // A cluster whose first start failed has nothing worth keeping (the error holds the log
      // tails); one that ran before keeps its data.
      if (!record) await Deno.remove(dir, { recursive: true }).catch(() => {});
      throw err;
    }
    const outcome = record ? "restarted" : "created";
    return { ...(await statusOf(name, dir, await readState(dir))), outcome, cleanedUp };
  } finally {
    await lock.release();
  }
}

const reportToStderr: ProgressReporter = (line) => console.error(`[cluster] ${line}`);

/** The lock that serialises `up`, `stop` and `down` of one cluster. */
function lockCluster(name: string, progress: ProgressReporter): Promise<HeldLock> {
  return acquireLock(
    join(clustersRoot(), `${name}.lock`),
    progress,
    `starting or stopping cluster "${name}"`,
  );
}

async function startIn(
  dir: string,
  name: string,
  record: ClusterRecord | undefined,
  options: ClusterUpOptions,
  progress: ProgressReporter,
  timeoutMs: number,
): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  const controllerManager = options.controllerManager ?? true;
  const assets = await ensureControlPlaneAssets({
    controllerManager,
    ignoreEnv: false,
    onProgress: progress,
  });
  const ports = record
    ? await keptPorts(name, record.ports, controllerManager)
    : await pickPorts(name, options.apiServerPort, controllerManager);
  const current: ClusterRecord = {
    name,
    ports,
    controllerManager,
    pids: {},
    createdAt: record?.createdAt ?? new Date().toISOString(),
  };
  await writeState(dir, current);
  progress(
    `starting cluster "${name}" (${
      controllerManager ? "etcd, kube-apiserver, kube-controller-manager" : "etcd, kube-apiserver"
    }) in ${dir}`,
  );
  const processes: LoggedProcess[] = [];
  try {
    await launchControlPlane({
      assets,
      dir,
      ports,
      controllerManager,
      fsync: true,
      detached: true,
      kubeconfigClusterName: `staircase-${name}`,
      timeoutMs,
      onSpawn: async (component, process) => {
        processes.push(process);
        current.pids[component] = process.child.pid;
        await writeState(dir, current);
      },
    });
  } catch (err) {
    for (const p of processes.reverse()) await terminate(p, 5_000);
    current.pids = {};
    await writeState(dir, current);
    throw err;
  }
  current.startedAt = new Date().toISOString();
  await writeState(dir, current);
}

/**
 * How cluster `name` is doing. Throws {@linkcode ClusterNotFoundError} when it does not exist.
 *
 * @example
 * ```ts
 * import { clusterStatus } from "@staircase/staircase/testing";
 *
 * async function kubeconfigIfRunning(): Promise<string | undefined> {
 *   const status = await clusterStatus("dev");
 *   return status.phase === "running" ? status.kubeconfigPath : undefined;
 * }
 * ```
 */
export async function clusterStatus(name: string = DEFAULT_CLUSTER_NAME): Promise<ClusterStatus> {
  const dir = clusterDir(name);
  if (!(await pathExists(dir))) throw new ClusterNotFoundError(name);
  return await statusOf(name, dir, await readState(dir));
}

/**
 * Every cluster under the clusters folder, by name.
 *
 * @example
 * ```ts
 * import { listClusters } from "@staircase/staircase/testing";
 *
 * async function printClusters(): Promise<void> {
 *   for (const c of await listClusters()) console.log(c.name, c.phase);
 * }
 * ```
 */
export async function listClusters(): Promise<ClusterStatus[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(clustersRoot())) {
      if (entry.isDirectory) names.push(entry.name);
    }
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw err;
  }
  const statuses: ClusterStatus[] = [];
  for (const name of names.sort()) {
    const dir = join(clustersRoot(), name);
    statuses.push(await statusOf(name, dir, await readState(dir)));
  }
  return statuses;
}

/**
 * Stops cluster `name` and keeps its data (`up` starts it again). Returns false when it does
 * not exist.
 *
 * @example
 * ```ts
 * import { clusterStop } from "@staircase/staircase/testing";
 *
 * async function stop(): Promise<void> {
 *   if (!(await clusterStop("dev"))) console.log("dev was not running");
 * }
 * ```
 */
export function clusterStop(name: string = DEFAULT_CLUSTER_NAME): Promise<boolean> {
  return stopOrDown(name, false);
}

/**
 * Stops cluster `name` and removes its folder. Returns false when it did not exist.
 *
 * @example
 * ```ts
 * import { clusterDown } from "@staircase/staircase/testing";
 *
 * async function remove(): Promise<void> {
 *   await clusterDown("dev");
 * }
 * ```
 */
export function clusterDown(name: string = DEFAULT_CLUSTER_NAME): Promise<boolean> {
  return stopOrDown(name, true);
}

async function stopOrDown(name: string, remove: boolean): Promise<boolean> {
  const dir = clusterDir(name);
  if (!(await pathExists(dir))) return false;
  const lock = await lockCluster(name, reportToStderr);
  try {
    await stopProcesses(dir, 10_000);
    if (remove) {
      await Deno.remove(dir, { recursive: true });
    } else {
      const record = await readState(dir);
      if (record) await writeState(dir, { ...record, pids: {} });
    }
    return true;
  } finally {
    await lock.release();
  }
}

const COMPONENTS: readonly ControlPlaneComponent[] = [
  "etcd",
  "kube-apiserver",
  "kube-controller-manager",
];

async function statusOf(
  name: string,
  dir: string,
  record: ClusterRecord | undefined,
): Promise<ClusterStatus> {
  const controllerManager = record?.controllerManager ?? false;
  const expected = COMPONENTS.filter((c) => c !== "kube-controller-manager" || controllerManager);
  const pids: ClusterStatus["pids"] = {};
  const problems: string[] = [];
  for (const component of expected) {
    const pid = record?.pids[component];
    if (pid !== undefined && await isClusterProcess(pid, dir)) pids[component] = pid;
    else {problems.push(
        pid === undefined ? `${component} is not running` : `${component} (pid ${pid}) is gone`,
      );}
  }
  const stray = (await clusterProcesses(dir)).filter((p) => !Object.values(pids).includes(p));
  if (stray.length > 0) problems.push(`unrecorded processes ${stray.join(", ")} still run`);
  const url = record ? `https://127.0.0.1:${record.ports.apiServer}` : undefined;
  const kubeconfigPath = join(dir, "admin.kubeconfig");
  const base = { name, dir, url, kubeconfigPath, ports: record?.ports, controllerManager, pids };
  if (Object.keys(pids).length === 0 && stray.length === 0) {
    return { ...base, phase: "stopped", problems: [] };
  }
  if (problems.length > 0) return { ...base, phase: "stale", problems };
  const ready = await readyz(kubeconfigPath);
  if (ready === true) return { ...base, phase: "running", problems: [] };
  return { ...base, phase: "unhealthy", problems: [ready] };
}

async function readyz(kubeconfigPath: string): Promise<true | string> {
  let client: Deno.HttpClient | undefined;
  try {
    const tls = await readKubeconfigTls(kubeconfigPath);
    client = Deno.createHttpClient({ caCerts: [tls.caPem], cert: tls.certPem, key: tls.keyPem });
    // A busy machine can take a few seconds to answer; a hung server never does.
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        const res = await fetch(`${tls.server}/readyz`, {
          client,
          signal: AbortSignal.timeout(5_000),
        });
        await res.body?.cancel();
        if (res.ok) return true;
      } catch {
        // Try again.
      }
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    return "the API server does not answer /readyz";
  } catch (err) {
    return `cannot read ${kubeconfigPath}: ${err instanceof Error ? err.message : err}`;
  } finally {
    client?.close();
  }
}
