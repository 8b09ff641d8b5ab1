// Copyright 2026 the staircase authors. Apache-2.0 license.
// Shared assertions and stand-ins for the control plane tests.
import { join } from "node:path";

/** True while a process with this PID exists and is not a zombie. */
export async function processAlive(pid: number): Promise<boolean> {
  try {
    const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
    return stat.split(") ")[1]?.[0] !== "Z";
  } catch {
    return false;
  }
}

export { pathExists } from "../../lib/testing/assets/path_exists.ts";

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

/**
 * A stand-in for `go` that logs each build to `log` (one line per build), its arguments and
 * CGO_ENABLED to `<log>.<binary>.args`, copies the scratch go.mod to `<log>.<binary>.go.mod`,
 * and produces the binaries slowly.
 */
export function fakeGo(dir: string, log: string): string {
  const upstream = join(dir, "upstream.go.mod");
  Deno.writeTextFileSync(
    upstream,
    "module k8s.io/kubernetes\n\ngo 1.25.0\n\nreplace k8s.io/api => ./staging/src/k8s.io/api\n",
  );
  const path = join(dir, "go");
  Deno.writeTextFileSync(
    path,
    `#!/bin/sh
case "$1" in
  mod) echo '{"GoMod": "${upstream}"}' ;;
  build)
    all="$*"
    while [ "$1" != "-o" ]; do shift; done
    out="$2"
    echo "build $out" >> "${log}"
    name=$(basename "$out")
    echo "CGO_ENABLED=$CGO_ENABLED $all" > "${log}.$name.args"
    cp go.mod "${log}.$name.go.mod"
    sleep 2
    printf '#!/bin/sh\\necho fake\\n' > "$out"
    chmod +x "$out" ;;
  *) echo "unexpected: $*" >&2; exit 1 ;;
esac
`,
    { mode: 0o755 },
  );
  return path;
}
