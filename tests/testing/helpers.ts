// Copyright 2026 the staircase authors. Apache-2.0 license.
// Shared assertions for the control plane tests.

/** True while a process with this PID exists and is not a zombie. */
export async function processAlive(pid: number): Promise<boolean> {
  try {
    const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
    return stat.split(") ")[1]?.[0] !== "Z";
  } catch {
    return false;
  }
}

/** True while the path exists. */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** Polls `check` until it returns true or `timeoutMs` passes; returns the last result. */
export async function eventually(
  check: () => Promise<boolean>,
  timeoutMs = 20_000,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return await check();
}

/** The PIDs recorded by a control plane in its folder. */
export async function controlPlanePids(dir: string): Promise<number[]> {
  return (await Deno.readTextFile(`${dir}/pids`)).trim().split(/\s+/).map(Number);
}
