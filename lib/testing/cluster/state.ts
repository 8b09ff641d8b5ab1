// Copyright 2026 the staircase authors. Apache-2.0 license.
/**
 * Where a persistent local cluster keeps its data, and the state file that records its ports and
 * the PIDs of its last start.
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
