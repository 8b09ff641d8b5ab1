// Copyright 2026 the staircase authors. Apache-2.0 license.
/**
 * The processes of a persistent cluster: found by their command line (which names the
 * cluster's folder), stopped by PID from any process (they are detached from the one that
 * started them).
 *
 * @module
 */

/**
 * Whether `pid` is a live (not zombie) process whose command line mentions `dir`: every
 * process of a cluster names its folder in a flag, so a PID reused after a reboot by something
 * else does not count.
 *
 * @example
 * ```ts ignore
 * import { isClusterProcess } from "./processes.ts";
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

/** Sends SIGTERM to `pid`, waits up to `graceMs` for it to go, then SIGKILL and waits again. */
async function stopPid(pid: number, dir: string, graceMs: number): Promise<void> {
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

/**
 * PIDs of every process whose command line names the cluster's folder.
 *
 * @example
 * ```ts ignore
 * import { clusterProcesses } from "./processes.ts";
 * await clusterProcesses("/root/.cache/staircase/clusters/dev");
 * ```
 */
export async function clusterProcesses(dir: string): Promise<number[]> {
  const pids: number[] = [];
  for await (const entry of Deno.readDir("/proc")) {
    const pid = Number(entry.name);
    if (!Number.isInteger(pid) || pid === Deno.pid) continue;
    if (await isClusterProcess(pid, dir)) pids.push(pid);
  }
  return pids;
}

/**
 * Stops every process of the cluster, the newest first (controller-manager, API server, etcd).
 *
 * @example
 * ```ts ignore
 * import { stopProcesses } from "./processes.ts";
 * await stopProcesses("/root/.cache/staircase/clusters/dev", 10_000);
 * ```
 */
export async function stopProcesses(dir: string, graceMs: number): Promise<void> {
  const pids = (await clusterProcesses(dir)).sort((a, b) => b - a);
  for (const pid of pids) await stopPid(pid, dir, graceMs);
}
