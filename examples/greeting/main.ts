/**
 * The Greeting operator's entry point.
 *
 * ```sh
 * deno run --allow-net --allow-read --allow-env=... examples/greeting/main.ts [--once]
 * ```
 *
 * It connects with auto-detected credentials (in-cluster service account, then the kubeconfig;
 * `--kubeconfig FILE` uses that file only), watches Greetings and their ConfigMaps in every
 * namespace (or in `--namespace`) and runs a Run whenever one changes (the staircase controller
 * runtime: caches, work queue, read-your-own-writes). With `--leader-elect` replicas elect a
 * leader on a Lease; `--health-port` serves `/healthz` and `/readyz`; `--metrics-port` serves
 * Prometheus metrics and `--traces` exports spans (see `telemetry.ts`). SIGINT/SIGTERM stop it
 * cleanly (a second one exits at once). With `--once` it exits 0 when every Greeting is in
 * sync, 1 otherwise.
 *
 * The permission flags it needs are listed once, in `tools/compile.ts`.
 *
 * @module
 */

import { parseArgs } from "node:util";
import {
  ansiColorFormatter,
  configure,
  defaultTextFormatter,
  getConsoleSink,
  getLogger,
  type LogLevel,
} from "@logtape/logtape";
import {
  autoDetectClient,
  type HttpRestClient,
  isNotFound,
  kubeConfigClient,
  ResourceClient,
} from "@staircase/staircase/client";
import {
  type ControllerRun,
  handleShutdownSignals,
  HealthServer,
} from "@staircase/staircase/controller";
import { readableEnv } from "./env.ts";
import { describeAction, describeEnd, describeStatusWrites } from "./format.ts";
import { greetingOperator } from "./operator.ts";
import { Greetings } from "./api/demo.staircase.dev/v1/mod.ts";
import { setupTelemetry, type TelemetrySetup, type TraceExport } from "./telemetry.ts";

/** The command-line help. */
export const USAGE: string = `Usage: greeting-operator [options]

Reconciles Greeting resources (demo.staircase.dev/v1): for each Greeting it keeps a ConfigMap
greeting-<name> whose data.message is the Greeting's spec.message.

Options:
  -n, --namespace NS        Only Greetings in namespace NS (default: all namespaces).
      --kubeconfig FILE     Use this kubeconfig (default: in-cluster, then KUBECONFIG or
                            ~/.kube/config).
      --context NAME        The kubeconfig context to use (default: current-context).
      --once                Exit when every Greeting is in sync (0) or cannot be (1).
      --resync-interval S   Also re-run every Greeting every S seconds (default: never;
                            watches catch every change).
      --concurrency N       Reconcile at most N Greetings at once (default 16).
      --leader-elect        Elect a leader on the Lease greeting-operator, so that replicas
                            can run side by side (only the leader reconciles).
      --lease-namespace NS  The Lease's namespace (default: --namespace, else POD_NAMESPACE,
                            else default).
      --health-port P       Serve /healthz and /readyz on port P (default: off).
      --metrics-port P      Serve Prometheus metrics at /metrics on port P (default: off);
                            also records Run and step metrics.
      --traces EXPORT       Export a span per Run, step and request: none, console, or
                            otlp (OTLP over HTTP to OTEL_EXPORTER_OTLP_ENDPOINT, default
                            http://localhost:4318) (default: none).
      --log-level LEVEL     trace, debug, info, warning, error (default info).
  -h, --help                Show this text.`;

/** Parsed command-line options. */
interface Options {
  namespace?: string;
  kubeconfig?: string;
  context?: string;
  once: boolean;
  resyncAfterMs?: number;
  concurrency?: number;
  leaderElect: boolean;
  leaseNamespace?: string;
  healthPort?: number;
  metricsPort?: number;
  traces: TraceExport;
  logLevel: LogLevel;
}

/**
 * Bad command-line arguments.
 *
 * @example
 * ```ts
 * import { UsageError } from "./main.ts";
 *
 * console.log(new UsageError("--resync-interval must be a positive number").message);
 * ```
 */
export class UsageError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

const LEVELS: readonly LogLevel[] = ["trace", "debug", "info", "warning", "error", "fatal"];

/** With `--once`: a Greeting whose Runs failed this many times in a row counts as failed. */
const ONCE_MAX_FAILURES = 5;

function positive(value: string | undefined, flag: string, integer = false): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0 || (integer && !Number.isInteger(number))) {
    throw new UsageError(`${flag} must be a positive ${integer ? "integer" : "number"}`);
  }
  return number;
}

const TRACE_EXPORTS: readonly TraceExport[] = ["none", "console", "otlp"];

function portNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (value.trim() === "" || !(Number.isInteger(port) && port >= 0 && port <= 65535)) {
    throw new UsageError(`${flag} must be a port number (0-65535)`);
  }
  return port;
}

function parse(args: string[]): Options | "help" {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        namespace: { type: "string", short: "n" },
        kubeconfig: { type: "string" },
        context: { type: "string" },
        once: { type: "boolean", default: false },
        "resync-interval": { type: "string" },
        concurrency: { type: "string" },
        "leader-elect": { type: "boolean", default: false },
        "lease-namespace": { type: "string" },
        "health-port": { type: "string" },
        "metrics-port": { type: "string" },
        traces: { type: "string", default: "none" },
        "log-level": { type: "string", default: "info" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const v = parsed.values;
  if (v.help) return "help";
  const resync = positive(v["resync-interval"], "--resync-interval");
  const level = v["log-level"] as LogLevel;
  if (!LEVELS.includes(level)) {
    throw new UsageError(`--log-level must be one of ${LEVELS.join(", ")}`);
  }
  if (v.namespace === "") throw new UsageError("--namespace must not be empty");
  const port = portNumber(v["health-port"], "--health-port");
  const metricsPort = portNumber(v["metrics-port"], "--metrics-port");
  const traces = v.traces as TraceExport;
  if (!TRACE_EXPORTS.includes(traces)) {
    throw new UsageError(`--traces must be one of ${TRACE_EXPORTS.join(", ")}`);
  }
  return {
    namespace: v.namespace,
    kubeconfig: v.kubeconfig,
    context: v.context,
    once: v.once,
    resyncAfterMs: resync === undefined ? undefined : resync * 1000,
    concurrency: positive(v.concurrency, "--concurrency", true),
    leaderElect: v["leader-elect"],
    leaseNamespace: v["lease-namespace"],
    healthPort: port,
    metricsPort,
    traces,
    logLevel: level,
  };
}

async function connect(options: Options): Promise<HttpRestClient> {
  if (options.kubeconfig !== undefined) {
    return await kubeConfigClient({ paths: [options.kubeconfig], context: options.context });
  }
  return await autoDetectClient({ kubeconfig: { context: options.context } });
}

/** The pod's name (`HOSTNAME`, allowed by the compile flags), for the Events' instance. */
function podName(): string | undefined {
  return readableEnv("HOSTNAME");
}

function leaseNamespace(options: Options): string {
  if (options.leaseNamespace) return options.leaseNamespace;
  if (options.namespace) return options.namespace;
  return readableEnv("POD_NAMESPACE") ?? "default";
}

/** What `--once` tracks per Greeting. */
interface Last {
  reason: string;
  failures: number;
}

/**
 * Runs the operator with command-line arguments and returns the exit code. Errors are printed
 * as one clear message (no stack trace).
 *
 * @param args The arguments, e.g. `Deno.args`.
 * @returns 0 on success (or clean shutdown), 1 on failure, 2 on bad usage.
 *
 * @example
 * ```ts ignore
 * import { main } from "./main.ts";
 *
 * Deno.exit(await main(["--once", "--namespace", "default"]));
 * ```
 */
export async function main(args: string[]): Promise<number> {
  let options: Options;
  try {
    const parsed = parse(args);
    if (parsed === "help") {
      console.log(USAGE);
      return 0;
    }
    options = parsed;
  } catch (error) {
    console.error(`greeting-operator: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }

  await configure({
    sinks: {
      console: getConsoleSink({
        formatter: Deno.stderr.isTerminal() ? ansiColorFormatter : defaultTextFormatter,
      }),
    },
    loggers: [
      { category: ["greeting-operator"], lowestLevel: options.logLevel, sinks: ["console"] },
      { category: ["staircase"], lowestLevel: options.logLevel, sinks: ["console"] },
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["console"] },
    ],
  });
  const logger = getLogger(["greeting-operator"]);

  // The first SIGINT/SIGTERM stops gracefully; a second one exits at once.
  using signals = handleShutdownSignals({
    onShutdown: (signal) => logger.info(`${signal}: shutting down (send it again to exit at once)`),
  });
  const stop = new AbortController();
  signals.signal.addEventListener("abort", () => stop.abort(signals.signal.reason), {
    once: true,
  });

  let client: HttpRestClient | undefined;
  const last = new Map<string, Last>();
  const onRun = (run: ControllerRun) => {
    const { key, result } = run;
    const before = last.get(key);
    last.set(key, {
      reason: result.end,
      failures: result.end === "failed" || result.end === "timed-out"
        ? (before?.failures ?? 0) + 1
        : 0,
    });
    const level = result.end === "failed" || result.end === "timed-out"
      ? "warn"
      : result.end === "in-sync" && result.statusWrites.length === 0
      ? "debug"
      : "info";
    const writes = describeStatusWrites(result);
    const line = `${key}: ${describeEnd(result)}` +
      `${writes ? `; ${writes}` : ""} ⇒ ${describeAction(run.action)}`;
    // The line is plain text, not a LogTape template: escape its braces.
    logger[level](line.replaceAll("{", "{{").replaceAll("}", "}}"), {
      runId: result.runId,
      durationMs: result.durationMs,
    });
  };
  let health: HealthServer | undefined;
  let telemetry: TelemetrySetup | undefined;
  try {
    if (options.metricsPort !== undefined || options.traces !== "none") {
      // Before the operator is built: its instruments come from the global providers.
      telemetry = setupTelemetry({ metricsPort: options.metricsPort, traces: options.traces });
      if (telemetry.metricsUrl) logger.info(`serving metrics at ${telemetry.metricsUrl}`);
    }
    client = await connect(options);
    const where = options.namespace ? `namespace ${options.namespace}` : "all namespaces";
    // One request up front turns a missing CRD or a denied list into a clear message now,
    // instead of a watch that retries in the background.
    const greetings = new ResourceClient(client, Greetings);
    await (options.namespace ? greetings.namespace(options.namespace) : greetings).list({
      limit: 1,
      abortSignal: stop.signal,
    });
    if (options.healthPort !== undefined) {
      health = new HealthServer({ port: options.healthPort });
    }
    const { operator, controller, elector } = greetingOperator({
      client,
      namespace: options.namespace,
      resyncAfterMs: options.resyncAfterMs,
      concurrency: options.concurrency,
      leaderElection: options.leaderElect ? { namespace: leaseNamespace(options) } : undefined,
      health,
      onRun,
      telemetry: telemetry !== undefined,
      reportingInstance: podName(),
    });
    logger.info(
      `connected to ${client.connection.server}; reconciling Greetings in ${where}` +
        (elector ? ` (as ${elector.identity}, once elected)` : ""),
    );
    const running = operator.run(stop.signal);
    if (options.once) {
      // Done when every cached Greeting has had a Run and nothing is queued but the
      // Greetings given up on.
      while (!stop.signal.aborted) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        if (!controller.active) continue;
        const keys = controller.cache.list(Greetings).map((g) =>
          `${g.metadata?.namespace}/${g.metadata?.name}`
        );
        const givenUp = keys.filter((key) => (last.get(key)?.failures ?? 0) >= ONCE_MAX_FAILURES);
        if (keys.every((key) => last.has(key)) && controller.queueLength <= givenUp.length) {
          break;
        }
      }
      const interrupted = stop.signal.aborted;
      stop.abort(new Error("--once: done"));
      await running;
      if (interrupted) return 0;
      const counts = { inSync: 0, waiting: 0, failed: 0 };
      for (const { reason } of last.values()) {
        if (reason === "in-sync") counts.inSync++;
        else if (reason === "failed" || reason === "timed-out") counts.failed++;
        else counts.waiting++;
      }
      logger.info(
        `in sync: ${counts.inSync}, waiting: ${counts.waiting}, failed: ${counts.failed}`,
      );
      return counts.waiting + counts.failed === 0 ? 0 : 1;
    }
    await running;
    return 0;
  } catch (error) {
    if (isNotFound(error)) {
      console.error(
        "greeting-operator: the Greeting API is not served: is the CustomResourceDefinition " +
          "installed? (kubectl apply -f examples/greeting/crd.yaml)",
      );
    } else {
      console.error(`greeting-operator: ${(error as Error)?.message ?? String(error)}`);
    }
    return 1;
  } finally {
    await health?.close();
    await telemetry?.shutdown();
    client?.close();
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
