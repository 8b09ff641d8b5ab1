/**
 * The example Greeting operator on the controller runtime: watch events, not relists, drive
 * its Runs (create, drift repaired, spec change), and its steps read from the cache.
 *
 * @module
 */
import assert from "node:assert/strict";
import { ResourceClient } from "../../lib/client/mod.ts";
import type { ControllerRun } from "../../lib/controller/mod.ts";
import { withNamespace } from "../../lib/testing/mod.ts";
import { leaseHolder, operatorCommand } from "../delivery/_greeting.ts";
import { greetingOperator } from "../../examples/greeting/operator.ts";
import { Greetings } from "../../examples/greeting/api/demo.staircase.dev/v1/mod.ts";
import { ConfigMaps } from "@staircase/staircase/apis/core/v1";
import { adminClient, countingClient, greetingCluster, waitFor } from "./_operator.ts";

const cluster = await greetingCluster();
const admin = await adminClient(cluster);

Deno.test("the Greeting operator reacts to watch events and reads through its cache", () =>
  withNamespace(async (ns) => {
    const { client, counts } = countingClient(admin);
    const runs: ControllerRun[] = [];
    const { operator, controller } = greetingOperator({
      client,
      namespace: ns,
      onRun: (run) => runs.push(run),
    });
    const stop = new AbortController();
    const done = operator.run(stop.signal);
    const greetings = new ResourceClient(admin, Greetings).namespace(ns);
    const maps = new ResourceClient(admin, ConfigMaps).namespace(ns);
    const message = async () => {
      try {
        return (await maps.get("greeting-hello")).data?.message;
      } catch {
        return undefined;
      }
    };
    try {
      await waitFor(() => controller.active, "the controller starts");
      await greetings.create({
        apiVersion: "demo.staircase.dev/v1",
        kind: "Greeting",
        metadata: { name: "hello" },
        spec: { message: "Hello" },
      });
      await waitFor(async () => (await greetings.get("hello")).status?.ready === true, "ready");
      assert.equal(await message(), "Hello");

      // Drift: the owned ConfigMap's change is a watch event for its owner.
      await maps.patch("greeting-hello", { data: { message: "Hacked!" } }, { type: "merge" });
      await waitFor(async () => (await message()) === "Hello", "drift repaired");

      await greetings.patch("hello", { spec: { message: "Bonjour" } }, { type: "merge" });
      await waitFor(async () => (await message()) === "Bonjour", "spec change synced");
      await waitFor(
        async () => (await greetings.get("hello")).status?.observedGeneration === 2,
        "observedGeneration follows",
      );
      assert.equal(counts.get("GET") ?? 0, 0, "steps read from the cache, never a GET");
      assert.equal(runs.filter((run) => run.result.end === "failed").length, 0);
      assert.equal(runs.filter((run) => run.oneChangeViolation).length, 0);
    } finally {
      stop.abort();
      await done;
    }
  }, { prefix: "greeting-op" }));

Deno.test("the operator process reconciles until SIGTERM, then exits 0 and releases its Lease", () =>
  withNamespace(async (ns) => {
    const child = operatorCommand([
      "--leader-elect",
      "--namespace",
      ns,
      "--kubeconfig",
      cluster.kubeconfigPath,
    ]).spawn();
    let log = "";
    // LogTape's console sink writes info to stdout and warnings to stderr: read both.
    const read = async (stream: ReadableStream<Uint8Array>) => {
      for await (const chunk of stream.pipeThrough(new TextDecoderStream())) log += chunk;
    };
    const reading = Promise.all([read(child.stdout), read(child.stderr)]);
    try {
      await waitFor(() => /became the leader/.test(log), `the operator leads:\n${log}`);
      await new ResourceClient(admin, Greetings).namespace(ns).create({
        apiVersion: "demo.staircase.dev/v1",
        kind: "Greeting",
        metadata: { name: "signalled" },
        spec: { message: "Hi" },
      });
      const maps = new ResourceClient(admin, ConfigMaps).namespace(ns);
      await waitFor(
        async () =>
          (await maps.list()).items.some((cm) => cm.metadata?.name === "greeting-signalled"),
        "the child is created",
      );
      child.kill("SIGTERM");
      const status = await child.status;
      await reading;
      assert.equal(status.code, 0, log);
      assert.match(log, /SIGTERM: shutting down/);
      assert.equal(await leaseHolder(admin, ns), undefined, "the Lease was released");
    } finally {
      try {
        child.kill("SIGKILL");
      } catch {
        // already exited
      }
      await child.status;
    }
  }, { prefix: "greeting-sigterm" }));
