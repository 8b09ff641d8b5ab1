/**
 * The main job: a tour of a step-based operator on staircase's controller runtime.
 *
 * ```sh
 * deno task demo                 # tour, then exit
 * deno task demo --keep-running  # stay up afterwards (Ctrl-C stops)
 * ```
 *
 * It runs against `KUBECONFIG`'s cluster when that variable names a kubeconfig (in a fresh
 * namespace it deletes afterwards), else against a local control plane (etcd + kube-apiserver,
 * built with Go on first use). It installs the Greeting CRD and starts **two replicas** of the
 * Greeting operator (`examples/greeting/`) that elect a leader on a Lease. Then it shows the
 * leader's Runs and Steps as watch events arrive: a Greeting created, its ConfigMap edited by
 * hand (drift repaired), its spec changed; then the leader stops and the follower takes over.
 *
 * @module
 */

import { configure, defaultTextFormatter, getConsoleSink } from "@logtape/logtape";
import { parse as parseYaml } from "yaml";
import { type HttpRestClient, kubeConfigClient, ResourceClient } from "@staircase/staircase/client";
import type { ControllerRun } from "@staircase/staircase/controller";
import type { CustomResourceDefinition } from "@staircase/staircase/apis/apiextensions.k8s.io/v1";
import { installCrd, type RunResult } from "@staircase/staircase";
import {
  type ControlPlane,
  ensureControlPlaneAssets,
  startControlPlane,
} from "@staircase/staircase/testing";
import { describeAction } from "./greeting/format.ts";
import { type GreetingOperator, greetingOperator } from "./greeting/operator.ts";
import { Greetings } from "./greeting/api/demo.staircase.dev/v1/mod.ts";
import { ConfigMaps } from "@staircase/staircase/apis/core/v1";
import { setupTelemetry } from "./greeting/telemetry.ts";
import { Events } from "@staircase/staircase/apis/events.k8s.io/v1";

const color = Deno.stdout.isTerminal() && !Deno.noColor;
const style = (code: string) => (text: string) => color ? `\x1b[${code}m${text}\x1b[0m` : text;
const bold = style("1");
const dim = style("2");
const green = style("32");
const yellow = style("33");
const cyan = style("36");
const magenta = style("35");
const red = style("31");

const started = performance.now();
const elapsed = (from = started) => `${((performance.now() - from) / 1000).toFixed(1)} s`;
const say = (line = "") => console.log(line);
const ACTS = 8;
let act = 0;
const heading = (text: string) => say(`\n${bold(`[${++act}/${ACTS}]`)} ${bold(text)}`);

const MARKS: Record<string, string> = {
  "no-modification": green("✓"),
  modified: yellow("✎"),
  blocked: yellow("⏸ blocked"),
  failed: red("✗ failed"),
  "timed-out": red("✗ timed out"),
  aborted: dim("aborted"),
};

/** Prints one Run: the chain of steps it went through, why it ended, and what comes next. */
function printRun(replica: string, number: number, run: ControllerRun): void {
  const result: RunResult = run.result;
  const chain = result.steps.map((step) => `${step.name} ${MARKS[step.kind]}`);
  say(`  ${cyan(`${replica} Run ${String(number).padStart(2)}`)}  ${chain.join(dim(" → "))}`);
  const why = result.end === "in-sync"
    ? green("in sync")
    : result.message ?? result.error?.message ?? result.end;
  const writes = run.writes.map((w) =>
    `${w.method} ${w.kind ?? "?"}${w.purpose === "status" ? "/status" : ""}`
  );
  say(
    `                  ${why} ${dim("⇒")} ${describeAction(run.action)} ` +
      dim(
        `(${result.durationMs.toFixed(1)} ms${
          writes.length ? `; wrote ${writes.join(", ")}` : ""
        })`,
      ),
  );
}

/** Counts Runs and resolves when the operator has repaired what the caller just changed. */
class RunWatcher {
  runs = 0;
  #modifiedSeen = false;
  #resolve: (() => void) | undefined;

  onRun = (replica: string) => (run: ControllerRun): void => {
    this.runs++;
    printRun(replica, this.runs, run);
    if (run.result.end === "modified") this.#modifiedSeen = true;
    if (run.result.end === "in-sync" && this.#modifiedSeen && this.#resolve) {
      this.#resolve();
      this.#resolve = undefined;
    }
  };

  settled(timeoutMs = 30_000): Promise<void> {
    this.#modifiedSeen = false;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the operator did not settle within ${timeoutMs / 1000} s`)),
        timeoutMs,
      );
      this.#resolve = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

/** One replica of the operator, with its own client, running in the background. */
interface Replica {
  readonly name: string;
  readonly parts: GreetingOperator;
  readonly client: HttpRestClient;
  readonly stop: () => Promise<void>;
}

async function startReplica(
  name: string,
  kubeconfig: string,
  namespace: string,
  watcher: RunWatcher,
): Promise<Replica> {
  const client = await kubeConfigClient({ paths: [kubeconfig] });
  const parts = greetingOperator({
    client,
    namespace,
    onRun: watcher.onRun(name),
    telemetry: true, // Run and step metrics and spans, through the SDK the demo registered
    // Short terms so the hand-over is quick to watch (defaults: 15 s / 10 s / 2 s).
    leaderElection: {
      namespace,
      identity: name,
      leaseDurationMs: 4_000,
      renewDeadlineMs: 3_000,
      retryPeriodMs: 500,
    },
  });
  const stop = new AbortController();
  let printedEvents = false;
  const done = parts.operator.run(stop.signal);
  // Show the watch events that reach the leader's controller.
  const show = setInterval(() => {
    if (printedEvents || !parts.controller.active) return;
    printedEvents = true;
    for (const informer of parts.controller.informers) {
      informer.subscribe((event) => {
        if (!parts.controller.active) return;
        const meta = (event.object as { metadata?: { name?: string; resourceVersion?: string } })
          .metadata;
        say(dim(
          `  ${name} ⟵ watch: ${event.type} ${informer.resource.kind} ${meta?.name} ` +
            `(resourceVersion ${meta?.resourceVersion})`,
        ));
      });
    }
  }, 20);
  return {
    name,
    parts,
    client,
    stop: async () => {
      clearInterval(show);
      stop.abort(new Error(`${name} stopped`));
      await done;
      client.close();
    },
  };
}

async function waitUntil(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The cluster to use: KUBECONFIG's, or a local control plane. */
async function cluster(): Promise<{ kubeconfig: string; cp?: ControlPlane; where: string }> {
  const configured = Deno.env.get("KUBECONFIG");
  if (configured) {
    const path = configured.split(":").find((p) => p !== "");
    if (path) return { kubeconfig: path, where: `the cluster of KUBECONFIG (${path})` };
  }
  const assets = await ensureControlPlaneAssets({ onProgress: (line) => say(dim(`  ${line}`)) });
  const version = assets.kubernetesVersion ? ` ${assets.kubernetesVersion}` : "";
  say(`  binaries: ${assets.source === "build" ? "built" : "found"}${version}`);
  const cpStart = performance.now();
  const cp = await startControlPlane({ assets });
  say(`  ${green("✓")} API server ready at ${cp.url} (${elapsed(cpStart)})`);
  return { kubeconfig: cp.kubeconfig.path, cp, where: "a local control plane" };
}

async function run(keepRunning: boolean): Promise<void> {
  say(bold("staircase demo: a step-based operator for Greeting resources"));
  say(
    dim("Each Run reads one Greeting from the cache and walks its steps in order; the first step"),
  );
  say(
    dim("that changes something ends the Run, so every Run makes at most one change. Watch events"),
  );
  say(dim("start Runs; the next Run waits until the cache has seen the previous Run's writes."));

  heading("Connect to a cluster");
  const { kubeconfig, cp, where } = await cluster();
  say(`  using ${where}`);
  const admin = await kubeConfigClient({ paths: [kubeconfig] });
  // The OpenTelemetry SDK with a Prometheus reader (no port: the demo scrapes it itself).
  const telemetry = setupTelemetry();
  const replicas: Replica[] = [];
  let namespace = "default";
  let ownNamespace = false;
  try {
    heading("Install the Greeting CustomResourceDefinition");
    const crdText = await Deno.readTextFile(new URL("./greeting/crd.yaml", import.meta.url));
    const crdStart = performance.now();
    const crd = await installCrd(admin, parseYaml(crdText) as CustomResourceDefinition);
    say(`  ${green("✓")} ${crd.name} ${crd.action}, established (${elapsed(crdStart)})`);
    if (cp === undefined) {
      namespace = `staircase-demo-${crypto.randomUUID().slice(0, 8)}`;
      await admin.performRequest({
        method: "POST",
        path: "/api/v1/namespaces",
        bodyJson: { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } },
        expectJson: true,
      });
      ownNamespace = true;
      say(`  created namespace ${namespace} for the demo`);
    }

    heading("Start two replicas of the operator; they elect a leader on a Lease");
    const watcher = new RunWatcher();
    replicas.push(await startReplica("replica-1", kubeconfig, namespace, watcher));
    await waitUntil(() => replicas[0].parts.operator.leader, "replica-1 leads");
    say(`  ${green("✓")} replica-1 holds Lease ${namespace}/greeting-operator: it runs the Runs`);
    replicas.push(await startReplica("replica-2", kubeconfig, namespace, watcher));
    await waitUntil(() => replicas[1].parts.operator.ready, "replica-2 is ready");
    say(`  ${green("✓")} replica-2 is ready as a follower: its caches are warm, it runs nothing`);

    heading("Create Greeting hello");
    const greetings = new ResourceClient(admin, Greetings).namespace(namespace);
    const configMaps = new ResourceClient(admin, ConfigMaps).namespace(namespace);
    let settled = watcher.settled();
    await greetings.create({
      apiVersion: "demo.staircase.dev/v1",
      kind: "Greeting",
      metadata: { name: "hello" },
      spec: { message: "Hello, world" },
    });
    say(`  created Greeting hello: spec.message = "Hello, world"`);
    await settled;
    const cm = await configMaps.get("greeting-hello");
    const owner = cm.metadata?.ownerReferences?.[0];
    say(
      `  ${green("✓")} ConfigMap greeting-hello: data.message = ${
        JSON.stringify(cm.data?.message)
      }, owned by ${owner?.kind}/${owner?.name}`,
    );

    heading("Drift: someone edits the ConfigMap by hand");
    settled = watcher.settled();
    await configMaps.patch("greeting-hello", { data: { message: "Hacked!" } }, { type: "merge" });
    say(`  someone sets data.message = "Hacked!" (a merge patch, as kubectl edit would)`);
    await settled;
    const repaired = await configMaps.get("greeting-hello");
    say(`  ${green("✓")} repaired: data.message = ${JSON.stringify(repaired.data?.message)}`);

    heading("Change the Greeting's spec");
    settled = watcher.settled();
    await greetings.patch("hello", { spec: { message: "Bonjour, le monde" } }, { type: "merge" });
    say(`  the user sets spec.message = "Bonjour, le monde"`);
    await settled;
    const greeting = await greetings.get("hello");
    say(
      `  ${green("✓")} ConfigMap data.message = ${
        JSON.stringify((await configMaps.get("greeting-hello")).data?.message)
      }; Greeting status: ready=${greeting.status?.ready}, ` +
        `observedGeneration=${greeting.status?.observedGeneration} ` +
        `(generation ${greeting.metadata?.generation})`,
    );

    heading("The leader stops; the follower takes over");
    const stopAt = performance.now();
    await replicas[0].stop();
    replicas.shift();
    say(`  replica-1 stopped and released the Lease`);
    await waitUntil(() => replicas[0].parts.operator.leader, "replica-2 leads");
    say(`  ${magenta("★")} replica-2 leads now (${elapsed(stopAt)} after the stop)`);
    settled = watcher.settled();
    await greetings.patch("hello", { spec: { message: "Hallo, Welt" } }, { type: "merge" });
    say(`  the user sets spec.message = "Hallo, Welt"`);
    await settled;
    say(
      `  ${green("✓")} ConfigMap data.message = ${
        JSON.stringify((await configMaps.get("greeting-hello")).data?.message)
      }`,
    );

    if (keepRunning) {
      say(
        `\n${bold("Still running")} (--keep-running): edit Greetings in namespace ` +
          `${namespace} and watch the Runs; Ctrl-C stops.`,
      );
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      Deno.addSignalListener("SIGINT", onSignal);
      await new Promise((resolve) => stop.signal.addEventListener("abort", resolve));
      Deno.removeSignalListener("SIGINT", onSignal);
    }
    heading("What the operator recorded: metrics and Events");
    await showMetrics(await telemetry.scrape());
    const events = await new ResourceClient(admin, Events).namespace(namespace).list();
    for (const event of events.items) {
      if (event.regarding?.kind !== "Greeting") continue;
      const count = event.series?.count ?? 1;
      say(
        `  Event ${event.type} ${event.reason} about Greeting ${event.regarding.name}: ` +
          `${event.note}${count > 1 ? ` (×${count})` : ""}`,
      );
    }
    say(`\n${watcher.runs} Runs in all; stopping.`);
  } finally {
    for (const replica of replicas) await replica.stop();
    await telemetry.shutdown();
    if (ownNamespace) {
      await admin.performRequest({
        method: "DELETE",
        path: `/api/v1/namespaces/${namespace}`,
        expectJson: true,
      }).catch(() => {});
    }
    admin.close();
    await cp?.stop();
  }
  say(`${bold("Done")} in ${elapsed()}${cp ? "; control plane stopped" : ""}.`);
}

/** Prints a few of the Prometheus lines: Runs by outcome, queue waits, restarts, caches. */
function showMetrics(text: string): void {
  const shown =
    /^(run_count|queue_wait_duration_count|queue_retry|run_active|watch_restart|cache_objects)/;
  for (const line of text.split("\n")) {
    if (shown.test(line)) say(dim(`  ${line}`));
  }
}

if (import.meta.main) {
  const unknown = Deno.args.filter((arg) => arg !== "--keep-running");
  if (unknown.length > 0) {
    console.error(`demo: unknown arguments: ${unknown.join(" ")}\nusage: demo [--keep-running]`);
    Deno.exit(2);
  }
  await configure({
    sinks: { console: getConsoleSink({ formatter: defaultTextFormatter }) },
    loggers: [
      { category: ["staircase"], lowestLevel: "warning", sinks: ["console"] },
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["console"] },
    ],
  });
  try {
    await run(Deno.args.includes("--keep-running"));
  } catch (error) {
    console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
    Deno.exit(1);
  }
}
