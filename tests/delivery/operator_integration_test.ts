/**
 * Delivery: the operator's entry point run as a user would run it, with exactly the permission
 * flags `tools/compile.ts` bakes into the binary, against the shared test control plane.
 *
 * @module
 */
import assert from "node:assert/strict";
import { stringify as toYaml } from "yaml";
import { withNamespace } from "../../lib/testing/mod.ts";
import {
  createGreeting,
  getConfigMap,
  getGreeting,
  greetingCluster,
  operatorCommand,
} from "./_greeting.ts";
import { kubeConfigClient, ResourceClient } from "../../lib/client/mod.ts";
import { Events } from "../../lib/apis/events.k8s.io/v1/mod.ts";

const cluster = await greetingCluster();

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `deno run <the compile flags> examples/greeting/main.ts ...args`. */
async function runOperator(args: string[]): Promise<Outcome> {
  const output = await operatorCommand(args).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

function noStackTrace(text: string): void {
  assert.doesNotMatch(text, /^\s+at /m, `a stack trace was printed:\n${text}`);
  assert.doesNotMatch(text, /Uncaught/, `an uncaught error was printed:\n${text}`);
}

/**
 * Runs the operator `--once` in `namespace` with `args`, against the test kubeconfig rewritten
 * as YAML, as real kubeconfigs are (the YAML parser needs env).
 */
async function runOnceWithYamlKubeconfig(namespace: string, args: string[] = []): Promise<Outcome> {
  const dir = await Deno.makeTempDir();
  try {
    const kubeconfig = `${dir}/kubeconfig.yaml`;
    const config = JSON.parse(await Deno.readTextFile(cluster.kubeconfigPath));
    await Deno.writeTextFile(kubeconfig, toYaml(config));
    return await runOperator([
      "--once",
      "--kubeconfig",
      kubeconfig,
      "--namespace",
      namespace,
      ...args,
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("--once brings a Greeting in sync with only the compile flags, then exits 0", () =>
  withNamespace(async (ns) => {
    await createGreeting(cluster, ns, "hello", "Hello from the delivery test");
    const result = await runOnceWithYamlKubeconfig(ns);
    const all = result.stdout + result.stderr;
    assert.equal(result.code, 0, all);
    const cm = await getConfigMap(cluster, ns, "greeting-hello");
    assert.equal(cm?.data?.message, "Hello from the delivery test");
    assert.equal(cm?.metadata?.ownerReferences?.[0]?.name, "hello");
    assert.equal((await getGreeting(cluster, ns, "hello")).status?.ready, true);
    assert.match(all, /ensure-configmap → modified: created ConfigMap greeting-hello/);
    assert.match(all, new RegExp(`${ns}/hello: in sync`));
    assert.doesNotMatch(all, /needs a Deno permission|NotCapable|PermissionDenied/);
  }, { prefix: "delivery" }));

Deno.test("--metrics-port and --traces console work with only the compile flags; steps' Events reach the server", () =>
  withNamespace(async (ns) => {
    await createGreeting(cluster, ns, "hello", "Hello with telemetry");
    const result = await runOnceWithYamlKubeconfig(ns, [
      "--metrics-port",
      "0",
      "--traces",
      "console",
    ]);
    const all = result.stdout + result.stderr;
    assert.equal(result.code, 0, all);
    assert.doesNotMatch(all, /needs a Deno permission|NotCapable|PermissionDenied|Requires/);
    assert.match(all, /serving metrics at http:\/\/127\.0\.0\.1:\d+\/metrics/);
    // The console exporter prints each span: the Runs and their steps.
    assert.match(result.stdout, /name: ["']run greeting["']/);
    assert.match(result.stdout, /name: ["']step ensure-configmap["']/);
    // The step that created the ConfigMap recorded an Event about the Greeting.
    const client = await kubeConfigClient({ paths: [cluster.kubeconfigPath] });
    try {
      const events = await new ResourceClient(client, Events).namespace(ns).list();
      const created = events.items.find((event) => event.reason === "ConfigMapCreated");
      assert.ok(created, JSON.stringify(events.items.map((event) => event.reason)));
      assert.equal(created.regarding?.kind, "Greeting");
      assert.equal(created.regarding?.name, "hello");
      assert.equal(created.reportingController, "greeting");
      assert.equal(created.note, "created ConfigMap greeting-hello");
    } finally {
      client.close();
    }
  }, { prefix: "delivery" }));

Deno.test("a nonexistent kubeconfig gives a clear message and exit 1, not a stack trace", async () => {
  const dir = await Deno.makeTempDir();
  const result = await runOperator(["--once", "--kubeconfig", `${dir}/no-such-kubeconfig`]);
  await Deno.remove(dir);
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, /^greeting-operator: .*kubeconfig.*no-such-kubeconfig/m);
  noStackTrace(result.stderr + result.stdout);
});

Deno.test("bad arguments give the usage and exit 2", async () => {
  const result = await runOperator(["--resync-interval", "soon"]);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /--resync-interval must be a positive number/);
  assert.match(result.stderr, /Usage: greeting-operator/);
  noStackTrace(result.stderr);
  for (const args of [["--metrics-port", "http"], ["--traces", "jaeger"]]) {
    const bad = await runOperator(args);
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, new RegExp(`${args[0]} must be`));
  }
});
