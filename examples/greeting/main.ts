/**
 * The Greeting operator's entry point.
 *
 * ```sh
 * deno run --allow-net --allow-read --allow-env=... examples/greeting/main.ts [--once]
 * ```
 *
 * It connects with auto-detected credentials (in-cluster service account, then the kubeconfig;
 * `--kubeconfig FILE` uses that file only), lists Greetings in every namespace (or in
 * `--namespace`), and runs one Run at a time, following each RunResult's action. Every
 * `--relist-interval` seconds it relists and re-runs every Greeting, which is also what repairs
 * drift in the child ConfigMaps. SIGINT/SIGTERM stop it cleanly (a second one exits at once).
 * With `--once` it exits 0 when every Greeting is in sync, 1 otherwise.
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
} from "../../lib/client/mod.ts";
import { RunExecutor } from "../../lib/steps/mod.ts";
import { MergePatchStatusWriter } from "../../lib/status/mod.ts";
import { describeAction, describeEnd, describeStatusWrites } from "./format.ts";
import { runOperatorLoop } from "./loop.ts";
import { Greetings } from "./greetings.ts";
import { greetingReconciler } from "./reconciler.ts";
import { greetingSource } from "./source.ts";

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
      --relist-interval S   Relist and re-run every Greeting every S seconds (default 30).
      --log-level LEVEL     trace, debug, info, warning, error (default info).
  -h, --help                Show this text.`;

/** Parsed command-line options. */
interface Options {
  namespace?: string;
  kubeconfig?: string;
  context?: string;
  once: boolean;
  relistIntervalMs: number;
  logLevel: LogLevel;
}

/**
 * Bad command-line arguments.
 *
 * @example
 * ```ts
 * import { UsageError } from "./main.ts";
 *
 * console.log(new UsageError("--relist-interval must be a positive number").message);
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
        "relist-interval": { type: "string", default: "30" },
        "log-level": { type: "string", default: "info" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const v = parsed.values;
  if (v.help) return "help";
  const seconds = Number(v["relist-interval"]);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new UsageError(`--relist-interval must be a positive number of seconds`);
  }
  const level = v["log-level"] as LogLevel;
  if (!LEVELS.includes(level)) {
    throw new UsageError(`--log-level must be one of ${LEVELS.join(", ")}`);
  }
  if (v.namespace === "") throw new UsageError("--namespace must not be empty");
  return {
    namespace: v.namespace,
    kubeconfig: v.kubeconfig,
    context: v.context,
    once: v.once,
    relistIntervalMs: seconds * 1000,
    logLevel: level,
  };
}

async function connect(options: Options): Promise<HttpRestClient> {
  if (options.kubeconfig !== undefined) {
    return await kubeConfigClient({ paths: [options.kubeconfig], context: options.context });
  }
  return await autoDetectClient({ kubeconfig: { context: options.context } });
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

  const controller = new AbortController();
  let signals = 0;
  const onSignal = () => {
    if (++signals > 1) Deno.exit(130);
    logger.info("shutting down (send the signal again to exit at once)");
    controller.abort(new Error("shutdown requested"));
  };
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);

  let client: HttpRestClient | undefined;
  try {
    client = await connect(options);
    const where = options.namespace ? `namespace ${options.namespace}` : "all namespaces";
    logger.info(`connected to ${client.connection.server}; reconciling Greetings in ${where}`);
    const executor = new RunExecutor({
      resourceType: Greetings,
      client,
      statusWriter: new MergePatchStatusWriter(client, Greetings),
      signal: controller.signal,
      stepTimeoutMs: 30_000,
    });
    const summary = await runOperatorLoop({
      source: greetingSource(client, options.namespace),
      reconciler: greetingReconciler,
      executor,
      once: options.once,
      relistIntervalMs: options.relistIntervalMs,
      signal: controller.signal,
      logger,
      onRun: (key, result) => {
        // Resync Runs that find nothing to do are routine: debug, not info.
        const level = result.end === "failed" || result.end === "timed-out"
          ? "warn"
          : result.end === "in-sync" && result.statusWrites.length === 0
          ? "debug"
          : "info";
        const writes = describeStatusWrites(result);
        const line = `${key.namespace}/${key.name}: ${describeEnd(result)}` +
          `${writes ? `; ${writes}` : ""} ⇒ ${describeAction(result.action)}`;
        // The line is plain text, not a LogTape template: escape its braces.
        logger[level](line.replaceAll("{", "{{").replaceAll("}", "}}"), {
          runId: result.runId,
          durationMs: result.durationMs,
        });
      },
    });
    if (controller.signal.aborted) return 0;
    logger.info(
      `${summary.runs} Runs; in sync: ${summary.inSync.length}, ` +
        `waiting: ${summary.waiting.length}, failed: ${summary.failed.length}`,
    );
    return summary.waiting.length + summary.failed.length === 0 ? 0 : 1;
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
    Deno.removeSignalListener("SIGINT", onSignal);
    Deno.removeSignalListener("SIGTERM", onSignal);
    client?.close();
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
