/**
 * The main job: a tour of a step-based operator against a real, local Kubernetes control plane.
 *
 * ```sh
 * deno task demo
 * ```
 *
 * It starts etcd + kube-apiserver (building them with Go on first use), installs the Greeting
 * CRD, runs the Greeting operator (`examples/greeting/`) in the background, and prints every
 * Run while it creates a Greeting, edits the child ConfigMap by hand (drift) and changes the
 * Greeting's message. Then it stops the operator and the control plane and exits 0.
 *
 * @module
 */

import { configure, defaultTextFormatter, getConsoleSink } from "@logtape/logtape";
import { parse as parseYaml } from "yaml";
import { type HttpRestClient, kubeConfigClient } from "../lib/client/mod.ts";
import { CoreV1Api } from "../lib/apis/core/v1/mod.ts";
import { type CrdManifest, installCrd } from "../lib/crds/mod.ts";
import {
  type ResourceOf,
  RunExecutor,
  type RunResource,
  type RunResult,
  type StatusOf,
  type StatusPatch,
} from "../lib/steps/mod.ts";
import {
  MergePatchStatusWriter,
  type StatusWriteOptions,
  type StatusWriter,
} from "../lib/status/mod.ts";
import {
  type ControlPlane,
  ensureControlPlaneAssets,
  startControlPlane,
} from "../lib/testing/mod.ts";
import { DemoStaircaseDevV1Api, type Greeting } from "./greeting/api/demo.staircase.dev/v1/mod.ts";
import { describeAction } from "./greeting/format.ts";
import { runOperatorLoop } from "./greeting/loop.ts";
import { Greetings } from "./greeting/greetings.ts";
import { greetingReconciler } from "./greeting/reconciler.ts";
import { greetingSource } from "./greeting/source.ts";

const color = Deno.stdout.isTerminal() && !Deno.noColor;
const style = (code: string) => (text: string) => color ? `\x1b[${code}m${text}\x1b[0m` : text;
const bold = style("1");
const dim = style("2");
const green = style("32");
const yellow = style("33");
const cyan = style("36");
const red = style("31");

const started = performance.now();
const elapsed = (from = started) => `${((performance.now() - from) / 1000).toFixed(1)} s`;
const say = (line = "") => console.log(line);
let act = 0;
const heading = (text: string) => say(`\n${bold(`[${++act}/5]`)} ${bold(text)}`);

/** The statuses written per Run id, so the demo can show them. */
const writtenStatuses = new Map<string, object[]>();

/** A status writer that records what it writes, then writes it with a merge patch. */
type GreetingResource = ResourceOf<typeof Greetings>;
class RecordingStatusWriter implements StatusWriter<GreetingResource> {
  readonly #inner: MergePatchStatusWriter<Greeting, true>;
  constructor(client: HttpRestClient) {
    this.#inner = new MergePatchStatusWriter(client, Greetings);
  }
  write(
    resource: RunResource<GreetingResource>,
    status: StatusPatch<StatusOf<Greeting>>,
    options: StatusWriteOptions,
  ): Promise<void> {
    writtenStatuses.set(options.runId, [...writtenStatuses.get(options.runId) ?? [], status]);
    return this.#inner.write(resource, status, options);
  }
}

const MARKS: Record<string, string> = {
  "no-modification": green("✓"),
  modified: yellow("✎"),
  blocked: yellow("⏸ blocked"),
  failed: red("✗ failed"),
  "timed-out": red("✗ timed out"),
  aborted: dim("aborted"),
};

/** Prints one Run: the chain of steps it went through, why it ended, and what comes next. */
function printRun(number: number, result: RunResult): void {
  const chain = result.steps.map((step) => `${step.name} ${MARKS[step.kind]}`);
  say(`  ${cyan(`Run ${String(number).padStart(2)}`)}  ${chain.join(dim(" → "))}`);
  const why = result.end === "in-sync"
    ? green("in sync")
    : result.message ?? result.error?.message ?? result.end;
  say(
    `          ${why} ${dim("⇒")} ${describeAction(result.action)} ` +
      dim(`(${result.durationMs.toFixed(1)} ms)`),
  );
  const statuses = writtenStatuses.get(result.runId) ?? [];
  result.statusWrites.forEach((write, i) => {
    const what = JSON.stringify(statuses[i] ?? {}).replaceAll('"', "").replaceAll(",", ", ");
    say(dim(`          status ← ${what}${write.ok ? "" : " (write failed; tolerated)"}`));
  });
}

/** Waits for a Run that modified something and then one in sync, printing Runs meanwhile. */
class RunWatcher {
  runs = 0;
  quiet = 0;
  #modifiedSeen = false;
  #resolve: (() => void) | undefined;

  onRun = (_key: unknown, result: RunResult): void => {
    this.runs++;
    const quiet = result.end === "in-sync" && result.statusWrites.length === 0;
    // Periodic resync Runs that find nothing to do are counted, not printed.
    if (quiet) this.quiet++;
    else printRun(this.runs, result);
    if (result.end === "modified") this.#modifiedSeen = true;
    if (result.end === "in-sync" && this.#modifiedSeen && this.#resolve) {
      this.#resolve();
      this.#resolve = undefined;
    }
  };

  /** Resolves once the operator has repaired what the caller just changed. */
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

async function run(): Promise<void> {
  say(bold("staircase demo: a step-based operator for Greeting resources"));
  say(dim("Each Run reads one Greeting and walks its steps in order; the first step that changes"));
  say(dim("something ends the Run and requeues it, so every Run makes at most one change."));

  heading("Start a local Kubernetes control plane (etcd + kube-apiserver)");
  const assets = await ensureControlPlaneAssets({ onProgress: (line) => say(dim(`  ${line}`)) });
  const version = assets.kubernetesVersion ? ` ${assets.kubernetesVersion}` : "";
  say(`  binaries: ${assets.source === "build" ? "built" : "found"}${version}`);
  const cpStart = performance.now();
  const cp: ControlPlane = await startControlPlane({ assets });
  let client: HttpRestClient | undefined;
  const controller = new AbortController();
  let loop: Promise<unknown> | undefined;
  try {
    say(`  ${green("✓")} API server ready at ${cp.url} (${elapsed(cpStart)})`);
    client = await kubeConfigClient({ paths: [cp.kubeconfig.path] });

    heading("Install the Greeting CustomResourceDefinition");
    const crdText = await Deno.readTextFile(new URL("./greeting/crd.yaml", import.meta.url));
    const crdStart = performance.now();
    const crd = await installCrd(client, parseYaml(crdText) as CrdManifest);
    say(`  ${green("✓")} ${crd.name} ${crd.action}, established (${elapsed(crdStart)})`);

    heading("Create Greeting default/hello and start the operator");
    const greetings = new DemoStaircaseDevV1Api(client).namespace("default");
    await greetings.createGreeting({
      apiVersion: "demo.staircase.dev/v1",
      kind: "Greeting",
      metadata: { name: "hello" },
      spec: { message: "Hello, world" },
    });
    say(`  created Greeting hello: spec.message = "Hello, world"`);
    say(dim("  operator: relists every second (there are no watches yet), one Run at a time"));
    const watcher = new RunWatcher();
    const executor = new RunExecutor({
      resourceType: Greetings,
      client,
      statusWriter: new RecordingStatusWriter(client),
      signal: controller.signal,
    });
    let settled = watcher.settled();
    loop = runOperatorLoop({
      source: greetingSource(client),
      reconciler: greetingReconciler,
      executor,
      relistIntervalMs: 1_000,
      signal: controller.signal,
      onRun: watcher.onRun,
    });
    await settled;
    const configMaps = new CoreV1Api(client).namespace("default");
    const cm = await configMaps.getConfigMap("greeting-hello");
    const owner = cm.metadata?.ownerReferences?.[0];
    say(
      `  ${green("✓")} ConfigMap greeting-hello: data.message = ${
        JSON.stringify(cm.data?.message)
      }, owned by ${owner?.kind}/${owner?.name}`,
    );

    heading("Drift: someone edits the ConfigMap by hand");
    settled = watcher.settled();
    await configMaps.patchConfigMap("greeting-hello", { data: { message: "Hacked!" } }, {
      type: "merge",
    });
    say(`  someone sets data.message = "Hacked!" (a merge patch, as kubectl edit would)`);
    await settled;
    const repaired = await configMaps.getConfigMap("greeting-hello");
    say(`  ${green("✓")} repaired: data.message = ${JSON.stringify(repaired.data?.message)}`);

    heading("Change the Greeting's spec");
    settled = watcher.settled();
    await greetings.patchGreeting("hello", { spec: { message: "Bonjour, le monde" } }, {
      type: "merge",
    });
    say(`  the user sets spec.message = "Bonjour, le monde"`);
    await settled;
    const greeting = await greetings.getGreeting("hello");
    const synced = await configMaps.getConfigMap("greeting-hello");
    say(
      `  ${green("✓")} ConfigMap data.message = ${JSON.stringify(synced.data?.message)}; ` +
        `Greeting status: ready=${greeting.status?.ready}, ` +
        `observedGeneration=${greeting.status?.observedGeneration} ` +
        `(generation ${greeting.metadata?.generation})`,
    );

    controller.abort(new Error("demo finished"));
    await loop;
    say(
      `\n${watcher.runs} Runs, ${watcher.quiet} of them periodic resyncs that found nothing ` +
        "to do; operator stopped.",
    );
  } finally {
    controller.abort();
    await loop?.catch(() => {});
    client?.close();
    await cp.stop();
  }
  say(`${bold("Done")} in ${elapsed()}; control plane stopped.`);
}

if (import.meta.main) {
  await configure({
    sinks: { console: getConsoleSink({ formatter: defaultTextFormatter }) },
    loggers: [
      { category: ["staircase"], lowestLevel: "warning", sinks: ["console"] },
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["console"] },
    ],
  });
  try {
    await run();
  } catch (error) {
    console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
    Deno.exit(1);
  }
}
