// Copyright 2026 the staircase authors. Apache-2.0 license.
/**
 * Where a persistent local cluster keeps its data, the state file that records its ports and
 * processes, and telling a live process of the cluster from a dead one (or a reused PID).
 *
 * @module
 */
import { homedir } from "node:os";
import { join } from "node:path";
import type { ControlPlaneComponent, ControlPlanePorts } from "../launch.ts";

/** What `state.json` in a cluster's folder records. */
export interface ClusterRecord {
  /** The cluster's name. */
  name: string;
  /** Its ports, kept across restarts so the kubeconfig stays valid. */
  ports: ControlPlanePorts;
  /** Whether kube-controller-manager runs. */
  controllerManager: boolean;
  /** PIDs of the last start, recorded as each process is spawned. */
  pids: Partial<Record<ControlPlaneComponent, number>>;
  /** When the cluster was first created (ISO 8601). */
  createdAt: string;
  /** When it was last started (ISO 8601). */
  startedAt?: string;
}

/**
 * The folder holding every cluster: env `STAIRCASE_CLUSTERS_DIR`, else
 * `$XDG_CACHE_HOME/staircase/clusters`, else `~/.cache/staircase/clusters`.
 *
 * @example
 * ```ts ignore
 * import { clustersRoot } from "./state.ts";
 * console.log(clustersRoot());
 * ```
 */
export function clustersRoot(): string {
  const own = Deno.env.get("STAIRCASE_CLUSTERS_DIR");
  if (own && own.length > 0) return own;
  const xdg = Deno.env.get("XDG_CACHE_HOME");
  return join(xdg && xdg.length > 0 ? xdg : join(homedir(), ".cache"), "staircase", "clusters");
}

/**
 * Throws a `TypeError` unless `name` can name a cluster (and its folder): lower-case letters,
 * digits and dashes, at most 40 characters.
 *
 * @example
 * ```ts ignore
 * import { checkClusterName } from "./state.ts";
 * checkClusterName("dev");
 * ```
 */
export function checkClusterName(name: string): void {
  if (!/^[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?$/.test(name)) {
    throw new TypeError(
      `Cluster name "${name}" must be lower-case letters, digits and dashes (at most 40)`,
    );
  }
}

/**
 * Reads a cluster's state file; undefined when there is none.
 *
 * @example
 * ```ts ignore
 * import { readState } from "./state.ts";
 * const state = await readState("/root/.cache/staircase/clusters/dev");
 * ```
 */
export async function readState(dir: string): Promise<ClusterRecord | undefined> {
  let text: string;
  try {
    text = await Deno.readTextFile(join(dir, "state.json"));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
  return JSON.parse(text) as ClusterRecord;
}

/**
 * Writes a cluster's state file atomically (write then rename), so a killed writer never
 * leaves half a file.
 *
 * @example
 * ```ts ignore
 * import { writeState } from "./state.ts";
 * await writeState("/tmp/dev", state);
 * ```
 */
export async function writeState(dir: string, state: ClusterRecord): Promise<void> {
  const tmp = join(dir, `.state.json.${Deno.pid}`);
  await Deno.writeTextFile(tmp, JSON.stringify(state, null, 2) + "\n");
  await Deno.rename(tmp, join(dir, "state.json"));
}

/**
 * Whether `pid` is a live (not zombie) process whose command line mentions `dir`: every
 * process of a cluster names its folder in a flag, so a PID reused after a reboot by something
 * else does not count.
 *
 * @example
 * ```ts ignore
 * import { isClusterProcess } from "./state.ts";
 * await isClusterProcess(1234, "/root/.cache/staircase/clusters/dev");
 * ```
 */
export async function isClusterProcess(pid: number, dir: string): Promise<boolean> {
  try {
    const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
    if (stat.slice(stat.lastIndexOf(")") + 2)[0] === "Z") return false;
    const cmdline = await Deno.readTextFile(`/proc/${pid}/cmdline`);
    // With the separator, so cluster "dev" does not claim the processes of "dev2".
    return cmdline.includes(`${dir}/`);
  } catch {
    return false;
  }
}

/**
 * Sends SIGTERM to `pid`, waits up to `graceMs` for it to go, then SIGKILL and waits again.
 *
 * @example
 * ```ts ignore
 * import { stopPid } from "./state.ts";
 * await stopPid(1234, "/root/.cache/staircase/clusters/dev");
 * ```
 */
export async function stopPid(pid: number, dir: string, graceMs = 10_000): Promise<void> {
  for (const [signal, waitMs] of [["SIGTERM", graceMs], ["SIGKILL", 5_000]] as const) {
    if (!(await isClusterProcess(pid, dir))) return;
    try {
      Deno.kill(pid, signal);
    } catch {
      return; // Gone in between.
    }
    const deadline = Date.now() + waitMs;
    while (Date.now() < deadline && await isClusterProcess(pid, dir)) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
