// Copyright 2026 the staircase authors. Apache-2.0 license.
/**
 * Child processes of the control plane: spawning with logs to files, stopping, and a
 * watchdog ("reaper") that cleans up when the Deno process dies without running its handlers.
 *
 * @module
 */

/** A spawned binary whose stdout and stderr go to `logPath`. */
export interface LoggedProcess {
  /** The child (the binary itself: the shell wrapper `exec`s it). */
  child: Deno.ChildProcess;
  /** Log file path. */
  logPath: string;
  /** Resolves when the process has exited. */
  exited: Promise<Deno.CommandStatus>;
}

/**
 * Starts `binary args...` with its output appended to `logPath`, through `sh -c exec` so no
 * Deno stream has to be pumped and the PID is the binary's own. A `detached` process runs in
 * its own session and does not keep this process alive: it outlives it.
 *
 * @example
 * ```ts ignore
 * import { spawnLogged } from "./processes.ts";
 * const p = spawnLogged("/bin/sleep", ["1"], "/tmp/sleep.log");
 * await p.exited;
 * ```
 */
export function spawnLogged(
  binary: string,
  args: string[],
  logPath: string,
  detached = false,
): LoggedProcess {
  const child = new Deno.Command("sh", {
    args: ["-c", 'log="$1"; shift; exec "$@" >>"$log" 2>&1', "sh", logPath, binary, ...args],
    stdin: "null",
    stdout: "null",
    stderr: "null",
    detached,
  }).spawn();
  if (detached) child.unref();
  return { child, logPath, exited: child.status };
}

/**
 * Sends SIGTERM, waits up to `graceMs`, then SIGKILL; resolves once the process is gone.
 *
 * @example
 * ```ts ignore
 * import { spawnLogged, terminate } from "./processes.ts";
 * await terminate(spawnLogged("/bin/sleep", ["60"], "/tmp/sleep.log"));
 * ```
 */
export async function terminate(process: LoggedProcess, graceMs = 10_000): Promise<void> {
  try {
    process.child.kill("SIGTERM");
  } catch {
    // Already exited.
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), graceMs);
  });
  const done = await Promise.race([process.exited.then(() => false), timedOut]);
  clearTimeout(timer);
  if (done) {
    try {
      process.child.kill("SIGKILL");
    } catch {
      // Exited in between.
    }
    await process.exited;
  }
}

/**
 * Returns the last `lines` lines of a log file ("" when missing).
 *
 * @example
 * ```ts ignore
 * import { logTail } from "./processes.ts";
 * console.log(await logTail("/tmp/etcd.log"));
 * ```
 */
export async function logTail(path: string, lines = 40): Promise<string> {
  try {
    const text = await Deno.readTextFile(path);
    return text.trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

// Waits until its parent (the Deno process) is gone, then kills the PIDs listed in the pid
// file (SIGKILL: the data is throwaway, and a graceful API server shutdown can take seconds)
// and removes the folder. The parent check reads our own PPID from /proc: reparenting
// happens at the parent's exit, even while the parent is still an unreaped zombie.
const REAPER_SCRIPT = `
parent="$1"; dir="$2"; pidfile="$3"
alive() {
  if [ -r /proc/$$/stat ]; then
    [ "$(cut -d' ' -f4 /proc/$$/stat)" = "$parent" ]
  else
    kill -0 "$parent" 2>/dev/null
  fi
}
trap 'exit 0' TERM
# Ctrl-C in a terminal signals the whole process group: outlive it to clean up after Deno.
trap '' INT HUP QUIT
while alive; do sleep 0.5; done
pids=$(cat "$pidfile" 2>/dev/null)
for p in $pids; do kill -KILL "$p" 2>/dev/null; done
i=0
while [ $i -lt 40 ]; do
  left=0
  for p in $pids; do kill -0 "$p" 2>/dev/null && left=1; done
  [ $left = 0 ] && break
  sleep 0.25; i=$((i+1))
done
rm -rf "$dir"
`;

/**
 * Starts the watchdog for `dir`: when this Deno process dies (even by SIGKILL), it terminates
 * every PID written (space separated) to `pidFile` and removes `dir`.
 *
 * @example
 * ```ts ignore
 * import { startReaper } from "./processes.ts";
 * const reaper = startReaper("/tmp/cp", "/tmp/cp/pids");
 * ```
 */
export function startReaper(dir: string, pidFile: string): Deno.ChildProcess {
  return new Deno.Command("sh", {
    args: ["-c", REAPER_SCRIPT, "reaper", String(Deno.pid), dir, pidFile],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
}
