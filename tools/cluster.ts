// Copyright 2026 the staircase authors. Apache-2.0 license.
/**
 * `deno task cluster`: persistent local clusters (etcd + kube-apiserver +
 * kube-controller-manager) for developing an operator by hand, with no Docker.
 *
 * ```
 * deno task cluster up [NAME] [--fresh] [--port PORT] [--no-controller-manager]
 * deno task cluster status [NAME]     (every cluster when NAME is left out)
 * deno task cluster kubeconfig [NAME] (prints the admin kubeconfig path)
 * deno task cluster stop [NAME]       (stops it, keeps its data)
 * deno task cluster down [NAME]       (stops it and removes its data)
 * ```
 *
 * NAME defaults to "default" (also `--name NAME`). Data lives in
 * `~/.cache/staircase/clusters/NAME`. Exit codes: 0 done, 1 failed (and `status` when a cluster
 * is not running), 2 bad usage.
 *
 * @module
 */
import {
  clusterDown,
  type ClusterStatus,
  clusterStatus,
  clusterStop,
  clusterUp,
  DEFAULT_CLUSTER_NAME,
  listClusters,
} from "../lib/testing/cluster/cluster.ts";

const USAGE = `usage: deno task cluster <command> [NAME] [options]

commands:
  up [NAME]          start cluster NAME in the background (or report it running)
      --fresh                  remove its data first and start empty
      --port PORT              API server port of a new cluster (default: first free from 16443)
      --no-controller-manager  no garbage collection, namespace deletion or service accounts
  status [NAME]      how NAME (or every cluster) is doing
  kubeconfig [NAME]  print the path of its admin kubeconfig
  stop [NAME]        stop it, keep its data (up starts it again)
  down [NAME]        stop it and remove its data

NAME defaults to "${DEFAULT_CLUSTER_NAME}"; data lives in ~/.cache/staircase/clusters/NAME.`;

class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

interface Parsed {
  command: string;
  name?: string;
  fresh: boolean;
  port?: number;
  controllerManager: boolean;
}

function parse(args: string[]): Parsed {
  const [command, ...rest] = args;
  if (!command || command === "help" || command === "--help" || command === "-h") {
    throw new UsageError("");
  }
  const parsed: Parsed = { command, fresh: false, controllerManager: true };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const value = (): string => {
      const v = rest[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    if (arg === "--fresh" && command === "up") parsed.fresh = true;
    else if (arg === "--no-controller-manager" && command === "up") {
      parsed.controllerManager = false;
    } else if (arg === "--port" && command === "up") {
      const port = Number(value());
      if (!Number.isInteger(port) || port < 1 || port > 65535) {
        throw new UsageError(`--port must be a port number, got "${rest[i]}"`);
      }
      parsed.port = port;
    } else if (arg === "--name") parsed.name = value();
    else if (!arg.startsWith("-") && parsed.name === undefined) parsed.name = arg;
    else throw new UsageError(`unknown argument "${arg}" for "${command}"`);
  }
  return parsed;
}

function describe(status: ClusterStatus): string {
  const pids = Object.entries(status.pids).map(([c, pid]) => `${c} ${pid}`).join(", ");
  const lines = [
    `cluster "${status.name}": ${status.phase}${
      status.url ? (status.phase === "running" ? ` at ${status.url}` : ` (${status.url})`) : ""
    }`,
    `  kube-controller-manager: ${status.controllerManager ? "on" : "off"}`,
    `  data: ${status.dir}`,
  ];
  if (pids) lines.push(`  processes: ${pids}`);
  for (const problem of status.problems) lines.push(`  problem: ${problem}`);
  return lines.join("\n");
}

function kubeconfigLines(status: ClusterStatus): string {
  return `kubeconfig: ${status.kubeconfigPath}\n\nexport KUBECONFIG=${status.kubeconfigPath}`;
}

async function main(args: string[]): Promise<number> {
  const parsed = parse(args);
  const name = parsed.name ?? DEFAULT_CLUSTER_NAME;
  switch (parsed.command) {
    case "up": {
      const started = performance.now();
      const result = await clusterUp({
        name,
        fresh: parsed.fresh,
        apiServerPort: parsed.port,
        controllerManager: parsed.controllerManager,
      });
      const secs = ((performance.now() - started) / 1000).toFixed(1);
      if (result.outcome === "already-running") {
        console.log(`cluster "${name}" is already running at ${result.url}`);
      } else {
        const how = result.outcome === "created" ? "started" : "started again with its data";
        console.log(`cluster "${name}" ${how} at ${result.url} in ${secs}s`);
      }
      if (result.cleanedUp.length > 0) {
        console.log(`(cleaned up a stale instance first: ${result.cleanedUp.join("; ")})`);
      }
      console.log(kubeconfigLines(result));
      return 0;
    }
    case "status": {
      const statuses = parsed.name === undefined
        ? await listClusters()
        : [await clusterStatus(name)];
      if (statuses.length === 0) console.log("no clusters; start one with `deno task cluster up`");
      for (const status of statuses) console.log(describe(status));
      return statuses.every((s) => s.phase === "running") ? 0 : 1;
    }
    case "kubeconfig": {
      const status = await clusterStatus(name);
      if (status.phase !== "running") {
        console.error(`cluster "${name}" is ${status.phase}; \`deno task cluster up ${name}\``);
      }
      console.log(status.kubeconfigPath);
      return 0;
    }
    case "stop":
    case "down": {
      const existed = parsed.command === "down" ? await clusterDown(name) : await clusterStop(name);
      const done = parsed.command === "down" ? "stopped and removed" : "stopped (data kept)";
      console.log(existed ? `cluster "${name}" ${done}` : `no cluster named "${name}"`);
      return 0;
    }
    default:
      throw new UsageError(`unknown command "${parsed.command}"`);
  }
}

try {
  Deno.exit(await main(Deno.args));
} catch (err) {
  if (err instanceof UsageError) {
    if (err.message) console.error(`error: ${err.message}\n`);
    console.error(USAGE);
    Deno.exit(2);
  }
  console.error(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
  Deno.exit(1);
}
