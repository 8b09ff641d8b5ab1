// Copyright 2026 the staircase authors. Apache-2.0 license.
/**
 * Measures start-to-ready of the test control plane with and without kube-controller-manager,
 * interleaved, and prints the medians and ranges.
 *
 * Usage: `deno run -A tools/control-plane/measure_start.ts [rounds=5]`. Binaries must be built
 * (`deno run -A tools/control-plane/build.ts`) so no build is timed.
 *
 * @module
 */
import { startControlPlane } from "../../lib/testing/control_plane.ts";
import { ensureControlPlaneAssets } from "../../lib/testing/assets/ensure.ts";

const rounds = Number(Deno.args[0] ?? "5");
const assets = await ensureControlPlaneAssets({ controllerManager: true });
const times: Record<"without" | "with", number[]> = { without: [], with: [] };
for (let i = 0; i < rounds; i++) {
  for (const controllerManager of [false, true]) {
    const started = performance.now();
    const cp = await startControlPlane({ assets, controllerManager });
    const ready = performance.now() - started;
    const stopStarted = performance.now();
    await cp.stop();
    const stopped = performance.now() - stopStarted;
    times[controllerManager ? "with" : "without"].push(ready);
    console.error(
      `round ${i + 1} controllerManager=${controllerManager}: ready ${
        (ready / 1000).toFixed(2)
      }s, ` +
        `stop ${(stopped / 1000).toFixed(2)}s`,
    );
  }
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const secs = (ms: number): string => (ms / 1000).toFixed(2);
for (const [name, xs] of Object.entries(times)) {
  console.log(
    `${name} kube-controller-manager: median ${secs(median(xs))} s ` +
      `(range ${secs(Math.min(...xs))}-${secs(Math.max(...xs))} s, ${xs.length} runs)`,
  );
}
console.log(`ratio of medians: ${(median(times.with) / median(times.without)).toFixed(2)}x`);
