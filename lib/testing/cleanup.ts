// Copyright 2026 the staircase authors. Apache-2.0 license.
/**
 * Process-wide registry of running control planes, so they are stopped on SIGINT/SIGTERM and
 * on process exit even when a test forgot to (or could not) call `stop()`.
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
  /** The graceful stop. */
  stop(): Promise<void>;
}

const live = new Set<TrackedControlPlane>();
const SIGNALS: Deno.Signal[] = ["SIGINT", "SIGTERM"];
let installed = false;

function onSignal(signal: Deno.Signal): () => void {
  return () => {
    // Stop everything, then exit the way the signal would have (128 + signal number).
    const code = signal === "SIGINT" ? 130 : 143;
    const all = [...live].map((cp) => cp.stop().catch(() => {}));
    const cap = new Promise((resolve) => setTimeout(resolve, 15_000));
    Promise.race([Promise.all(all), cap]).finally(() => Deno.exit(code));
  };
}

const handlers = new Map(SIGNALS.map((s) => [s, onSignal(s)]));

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
 * Registers a running control plane; installs the signal and unload handlers on first use.
 *
 * @example
 * ```ts ignore
 * import { track, untrack } from "./cleanup.ts";
 * const entry = { dir: "/tmp/x", processes: [], stop: async () => {} };
 * track(entry);
 * untrack(entry);
 * ```
 */
export function track(cp: TrackedControlPlane): void {
  live.add(cp);
  if (!installed) {
    installed = true;
    for (const [signal, handler] of handlers) Deno.addSignalListener(signal, handler);
    globalThis.addEventListener("unload", onUnload);
  }
}

/**
 * Forgets a stopped control plane; removes the handlers when none is left, so an idle process
 * keeps its default signal behaviour.
 *
 * @example
 * ```ts ignore
 * import { untrack } from "./cleanup.ts";
 * untrack({ dir: "/tmp/x", processes: [], stop: async () => {} });
 * ```
 */
export function untrack(cp: TrackedControlPlane): void {
  live.delete(cp);
  if (installed && live.size === 0) {
    installed = false;
    for (const [signal, handler] of handlers) Deno.removeSignalListener(signal, handler);
    globalThis.removeEventListener("unload", onUnload);
  }
}
