/**
 * The main job, `deno task demo`, end to end against the test control plane (through
 * `KUBECONFIG`, as against any cluster), with the task's own permission flags.
 *
 * @module
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { greetingCluster } from "./_operator.ts";

const cluster = await greetingCluster();
const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The demo task's `deno run` arguments, from deno.json. */
async function demoArgs(): Promise<string[]> {
  const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", `file://${ROOT}`)));
  const task: string = config.tasks.demo;
  const args = task.split(/\s+/);
  assert.equal(args[0], "deno");
  return args.slice(1);
}

Deno.test("deno task demo tours create, drift, spec change and a leader hand-over, then exits 0", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: await demoArgs(),
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", KUBECONFIG: cluster.kubeconfigPath },
  }).output();
  const out = new TextDecoder().decode(output.stdout);
  const err = new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 0, out + err);
  assert.match(out, /using the cluster of KUBECONFIG/);
  assert.match(out, /replica-1 holds Lease/);
  assert.match(out, /replica-2 is ready as a follower/);
  assert.match(out, /created ConfigMap greeting-hello/);
  assert.match(out, /repaired: data.message = "Hello, world"/);
  assert.match(out, /ConfigMap data.message = "Bonjour, le monde"/);
  assert.match(out, /replica-2 leads now/);
  assert.match(out, /replica-2 Run .*sync-message ✎/);
  assert.match(out, /ConfigMap data.message = "Hallo, Welt"/);
  assert.match(out, /⟵ watch: modified ConfigMap greeting-hello/);
  // The last act: the operator's metrics (Prometheus text) and the Events its steps recorded.
  assert.match(out, /run_count_total\{[^}]*controller="greeting"[^}]*\} \d+/);
  assert.match(out, /queue_wait_duration_count\{controller="greeting"[^}]*\} \d+/);
  assert.match(out, /run_active\{controller="greeting"[^}]*\} 0/);
  // Two replicas in one process: each caches the one Greeting.
  assert.match(out, /cache_objects\{kind="Greeting"[^}]*\} 2/);
  assert.match(out, /Event Normal ConfigMapCreated about Greeting hello/);
  assert.doesNotMatch(out + err, /failed|Uncaught|NotCapable/);
  // Every Run prints its duration, and operator logs record it: never "NaN ms".
  assert.match(out, /\(\d+\.\d ms[;)]/);
  assert.doesNotMatch(out + err, /NaN/);
});
