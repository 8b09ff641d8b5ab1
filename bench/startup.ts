/**
 * Process start to first Run with `deno run` (the operator's own permission flags), beside a
 * bare Deno script's first write after its LIST. Not a timed test: it prints figures.
 *
 * ```sh
 * deno run -A bench/startup.ts [--runs 7]
 * ```
 *
 * Both children connect with a kubeconfig to a local control plane holding one Greeting; the
 * parent reads the clock before spawning and the child prints it when its first Run starts
 * (or its first write is sent). Runs interleave; medians are printed.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { kubeConfigClient, ResourceClient } from "../lib/client/mod.ts";
import { installGreetingCrd } from "../tests/delivery/_greeting.ts";
import { ensureControlPlaneAssets, startControlPlane } from "../lib/testing/mod.ts";
import { OPERATOR_PERMISSION_FLAGS } from "../tools/compile.ts";
import { Greetings } from "../tests/controller/_three_steps.ts";
import { median } from "./_stats.ts";

const RUNS = Number(
  parseArgs({ args: Deno.args, options: { runs: { type: "string", default: "7" } } }).values.runs,
);
const CHILD = new URL("./_startup_child.ts", import.meta.url).pathname;

async function measure(mode: "operator" | "bare", kubeconfig: string): Promise<number> {
  const start = Date.now();
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...OPERATOR_PERMISSION_FLAGS, CHILD, mode, kubeconfig, "default"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const printed = Number(new TextDecoder().decode(output.stdout).trim().split("\n")[0]);
  if (!output.success || !Number.isFinite(printed)) {
    throw new Error(`${mode} child failed: ${new TextDecoder().decode(output.stderr)}`);
  }
  return printed - start;
}

const cp = await startControlPlane({ assets: await ensureControlPlaneAssets() });
const admin = await kubeConfigClient({ paths: [cp.kubeconfig.path] });
try {
  await installGreetingCrd(admin);
  await new ResourceClient(admin, Greetings).namespace("default").create({
    apiVersion: "demo.staircase.dev/v1",
    kind: "Greeting",
    metadata: { name: "hello" },
    spec: { message: "hi" },
  });
  // One warm-up each: module graph and npm packages cached, as in a deployed image.
  await measure("bare", cp.kubeconfig.path);
  await measure("operator", cp.kubeconfig.path);
  const bare: number[] = [];
  const operator: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    bare.push(await measure("bare", cp.kubeconfig.path));
    operator.push(await measure("operator", cp.kubeconfig.path));
  }
  const b = median(bare);
  const o = median(operator);
  console.log(`process start → first Run with deno run (medians of ${RUNS}; target ≤ 100 ms)`);
  console.log(`| | ms | × bare |`);
  console.log(`|---|---|---|`);
  console.log(`| bare Deno script: first write after its LIST | ${b} | 1.00 |`);
  console.log(`| staircase operator: first Run | ${o} | ${(o / b).toFixed(2)} |`);
} finally {
  admin.close();
  await cp.stop();
}
