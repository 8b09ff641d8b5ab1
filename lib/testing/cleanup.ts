// Copyright 2026 the staircase authors. Apache-2.0 license.
/**
 * Process-wide registry of running control planes, so they are killed at process exit even
 * when a test forgot to (or could not) call `stop()`.
 *
 * No signal listener is installed on purpose: in Deno a listener replaces the default "exit on
 * SIGINT/SIGTERM", so one here would override the host program's own shutdown. When a signal
 * ends the process, the watchdog started with each control plane (see `processes.ts`) kills
 * its processes and removes its folder.
 *
 * @module
 */
import type { LoggedProcess } from "./processes.ts";

/** What the registry needs to clean up one control plane. */
export interface TrackedControlPlane {
  /** Its temp folder. */
  dir: string;
  /** Its processes. */
  processes: LoggedProcess[];
}

const live = new Set<TrackedControlPlane>();
let installed = false;

function onUnload(): void {
  // Synchronous last resort; the watchdog process removes folders that are still busy.
  for (const cp of live) {
    for (const p of cp.processes) {
      try {
        p.child.kill("SIGKILL");
      } catch {
        // Already gone.
      }
    }
    try {
      Deno.removeSync(cp.dir, { recursive: true });
    } catch {
      // The watchdog retries once the processes are gone.
    }
  }
  live.clear();
}

/**
 * Registers a running control plane; installs the unload handler on first use.
 *
 * @example
 * ```ts ignore
 * import { track, untrack } from "./cleanup.ts";
 * const entry = { dir: "/tmp/x", processes: [] };
 * track(entry);
 * untrack(entry);
 * ```
 */
export function track(cp: TrackedControlPlane): void {
  live.add(cp);
  if (!installed) {
    installed = true;
    globalThis.addEventListener("unload", onUnload);
  }
}

/**
 * Forgets a stopped control plane; removes the unload handler when none is left.
 *
 * @example
 * ```ts ignore
 * import { untrack } from "./cleanup.ts";
 * untrack({ dir: "/tmp/x", processes: [] });
 * ```
 */
export function untrack(cp: TrackedControlPlane): void {
  live.delete(cp);
  if (installed && live.size === 0) {
    installed = false;
    globalThis.removeEventListener("unload", onUnload);
  }
}
