// Copyright 2026 the staircase authors. Apache-2.0 license.
/**
 * Ports of persistent clusters: picked once below the ephemeral range, then kept so the
 * kubeconfig stays valid across restarts.
 *
 * @module
 */
import { join } from "node:path";
import type { ControlPlanePorts } from "../launch.ts";
import { assertPortFree } from "../ports.ts";
import { ClusterPortInUseError } from "./errors.ts";
import { clustersRoot, readState } from "./state.ts";

/**
 * The ports a cluster keeps across restarts (plus a controller-manager port when it had none);
 * throws {@linkcode ClusterPortInUseError} when another process listens on one.
 *
 * @example
 * ```ts ignore
 * import { keptPorts } from "./ports.ts";
 * const ports = await keptPorts("dev", record.ports, true);
 * ```
 */
export async function keptPorts(
  name: string,
  ports: ControlPlanePorts,
  controllerManager: boolean,
): Promise<ControlPlanePorts> {
  const kept = { ...ports };
  if (controllerManager && kept.controllerManager === undefined) {
    kept.controllerManager = pickPort(20257, await reservedPorts(name));
  }
  const entries: [string, number | undefined][] = [
    ["kube-apiserver", kept.apiServer],
    ["etcd", kept.etcd],
    ["etcd (peer)", kept.etcdPeer],
    ["kube-controller-manager", controllerManager ? kept.controllerManager : undefined],
  ];
  for (const [component, port] of entries) {
    if (port !== undefined && await somethingListens(port)) {
      throw new ClusterPortInUseError(name, port, component);
    }
  }
  return kept;
}

/**
 * Picks ports for a new cluster below the ephemeral range, skipping other clusters' ports.
 *
 * @example
 * ```ts ignore
 * import { pickPorts } from "./ports.ts";
 * const ports = await pickPorts("dev", undefined, true);
 * ```
 */
export async function pickPorts(
  name: string,
  apiServerPort: number | undefined,
  controllerManager: boolean,
): Promise<ControlPlanePorts> {
  const reserved = await reservedPorts(name);
  if (apiServerPort !== undefined) {
    assertPortFree(apiServerPort, "kube-apiserver");
    reserved.add(apiServerPort);
  }
  // Below the ephemeral range (32768+), so outgoing connections do not take them between
  // restarts; other clusters' ports are skipped even while those clusters are stopped.
  const apiServer = apiServerPort ?? pickPort(16443, reserved);
  const etcd = pickPort(22379, reserved);
  const etcdPeer = pickPort(22380, reserved);
  const cm = controllerManager ? pickPort(20257, reserved) : undefined;
  return { apiServer, etcd, etcdPeer, controllerManager: cm };
}

function pickPort(from: number, reserved: Set<number>): number {
  for (let port = from; port < from + 2000; port++) {
    if (reserved.has(port) || !portFree(port)) continue;
    reserved.add(port);
    return port;
  }
  throw new Error(`No free port on 127.0.0.1 between ${from} and ${from + 1999}`);
}

/**
 * Whether a process listens on `port`. A bind test would also fail on connections of the
 * cluster's previous processes that linger in TIME_WAIT, which the binaries (Go sets
 * SO_REUSEADDR) bind over without trouble.
 */
async function somethingListens(port: number): Promise<boolean> {
  // A killed multi-threaded process shows as a zombie a moment before its last thread has
  // closed its sockets: give a port just freed by the cleanup a few seconds.
  const deadline = Date.now() + 5_000;
  while (true) {
    try {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      conn.close();
    } catch {
      return false;
    }
    if (Date.now() > deadline) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function portFree(port: number): boolean {
  try {
    Deno.listen({ hostname: "127.0.0.1", port }).close();
    return true;
  } catch {
    return false;
  }
}

async function reservedPorts(except: string): Promise<Set<number>> {
  const reserved = new Set<number>();
  try {
    for await (const entry of Deno.readDir(clustersRoot())) {
      if (!entry.isDirectory || entry.name === except) continue;
      const record = await readState(join(clustersRoot(), entry.name)).catch(() => undefined);
      for (const port of Object.values(record?.ports ?? {})) {
        if (typeof port === "number") reserved.add(port);
      }
    }
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  return reserved;
}
