// Copyright 2026 the staircase authors. Apache-2.0 license.
/**
 * A lock file that serialises builders of one cache folder across processes.
 *
 * The holder writes its PID and touches the file every {@linkcode LOCK_HEARTBEAT_MS}; a waiter
 * breaks the lock when the holder's PID is gone (Linux, through /proc) or when the file has not
 * been touched for {@linkcode LOCK_STALE_MS}, which also covers a reused PID, a holder in
 * another PID namespace and systems without /proc. A lock is never waited on forever.
 *
 * @module
 */
import type { ProgressReporter } from "./go_build.ts";
import { pathExists } from "./path_exists.ts";

/** How often the holder refreshes the lock file's modification time. */
export const LOCK_HEARTBEAT_MS = 10_000;
/** A lock untouched for this long is stale. */
export const LOCK_STALE_MS = 60_000;

/** A held lock; `release()` stops the heartbeat and removes the file. */
export interface HeldLock {
  /** Releases the lock. Idempotent. */
  release(): Promise<void>;
}

/**
 * Creates `path` exclusively, waiting while a live holder has it and breaking stale locks.
 *
 * @example
 * ```ts ignore
 * import { acquireLock } from "./lock.ts";
 * const lock = await acquireLock("/tmp/build.lock", console.error);
 * try {
 *   // build
 * } finally {
 *   await lock.release();
 * }
 * ```
 */
export async function acquireLock(
  path: string,
  progress: ProgressReporter,
  holderDoing = "building the control plane",
): Promise<HeldLock> {
  let announced = false;
  while (true) {
    try {
      const file = await Deno.open(path, { write: true, createNew: true });
      await file.write(new TextEncoder().encode(String(Deno.pid)));
      file.close();
      return hold(path);
    } catch (err) {
      if (!(err instanceof Deno.errors.AlreadyExists)) throw err;
    }
    const holder = Number((await Deno.readTextFile(path).catch(() => "")).trim());
    if (await isStale(path, holder)) {
      progress(`breaking the stale lock ${path} (holder pid ${holder || "?"} is gone)`);
      await Deno.remove(path).catch(() => {});
      continue;
    }
    if (!announced) {
      progress(`waiting for another process (pid ${holder}) ${holderDoing}`);
      announced = true;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

function hold(path: string): HeldLock {
  const timer = setInterval(() => {
    const now = new Date();
    Deno.utime(path, now, now).catch(() => {});
  }, LOCK_HEARTBEAT_MS);
  let released: Promise<void> | undefined;
  return {
    release(): Promise<void> {
      released ??= (async () => {
        clearInterval(timer);
        await Deno.remove(path).catch(() => {});
      })();
      return released;
    },
  };
}

async function isStale(path: string, holder: number): Promise<boolean> {
  let mtime: Date | null;
  try {
    mtime = (await Deno.stat(path)).mtime;
  } catch {
    return false; // Released meanwhile: the next createNew decides.
  }
  if (mtime && Date.now() - mtime.getTime() > LOCK_STALE_MS) return true;
  if (!Number.isInteger(holder) || holder <= 0) return false; // PID not written yet.
  const canCheck = await pathExists("/proc/self");
  return canCheck && !(await pathExists(`/proc/${holder}`));
}
