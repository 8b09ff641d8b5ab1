/**
 * Building a client from wherever the configuration is: in-cluster first, then kubeconfig.
 *
 * @module
 */

import type { ClusterConnection } from "./connection.ts";
import { ClientConfigError } from "./errors.ts";
import { HttpRestClient, type HttpRestClientOptions } from "./http_client.ts";
import { inClusterConnection, type InClusterOptions } from "./in_cluster.ts";
import { loadKubeConfig, type LoadKubeConfigOptions } from "./kubeconfig.ts";
import {
  connectionFromKubeConfig,
  type KubeConfigConnectionOptions,
} from "./kubeconfig_connection.ts";
import { explainPermissionError } from "./permissions.ts";

/**
 * Options of {@linkcode autoDetectClient}.
 *
 * @example
 * ```ts
 * import { autoDetectClient, type HttpRestClient } from "@staircase/staircase/client";
 *
 * // Outside a cluster only: the "dev" context of the kubeconfig, with a 30 s request timeout.
 * async function devClient(): Promise<HttpRestClient> {
 *   return await autoDetectClient({ inCluster: false, kubeconfig: { context: "dev" }, requestTimeoutMs: 30_000 });
 * }
 * ```
 */
export interface AutoDetectOptions extends HttpRestClientOptions {
  /** In-cluster settings, or `false` to skip in-cluster detection. */
  inCluster?: InClusterOptions | false;
  /** Kubeconfig settings, or `false` to skip kubeconfig. */
  kubeconfig?: (LoadKubeConfigOptions & KubeConfigConnectionOptions) | false;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Finds the cluster configuration: in-cluster (when `KUBERNETES_SERVICE_HOST` is set), then
 * kubeconfig. When nothing works, the error lists every attempt and, for Deno permission
 * refusals, the exact `--allow-*` flag to add.
 *
 * @example
 * ```ts
 * import { autoDetectConnection, HttpRestClient } from "@staircase/staircase/client";
 *
 * async function connect(): Promise<HttpRestClient> {
 *   const connection = await autoDetectConnection();
 *   console.log(`using ${connection.description}`);
 *   return new HttpRestClient(connection, { userAgent: "my-operator/1.0" });
 * }
 * ```
 */
export async function autoDetectConnection(
  options: Omit<AutoDetectOptions, keyof HttpRestClientOptions> = {},
): Promise<ClusterConnection> {
  const attempts: string[] = [];
  if (options.inCluster !== false) {
    try {
      const host = options.inCluster?.host ?? Deno.env.get("KUBERNETES_SERVICE_HOST");
      if (host) return await inClusterConnection(options.inCluster || {});
      attempts.push("in-cluster: KUBERNETES_SERVICE_HOST is not set");
    } catch (err) {
      const explained = explainPermissionError(
        err,
        "reading KUBERNETES_SERVICE_HOST",
        "env",
        "KUBERNETES_SERVICE_HOST,KUBERNETES_SERVICE_PORT",
      );
      attempts.push(`in-cluster: ${describe(explained)}`);
    }
  }
  if (options.kubeconfig !== false) {
    try {
      const kc = options.kubeconfig || {};
      const config = await loadKubeConfig(kc);
      return await connectionFromKubeConfig(config, kc);
    } catch (err) {
      attempts.push(`kubeconfig: ${describe(err)}`);
    }
  }
  throw new ClientConfigError("no Kubernetes configuration could be used; tried:", { attempts });
}

/**
 * An {@linkcode HttpRestClient} for the automatically detected configuration.
 *
 * @example
 * ```ts
 * import { autoDetectClient, ResourceClient } from "@staircase/staircase/client";
 * import { ConfigMaps } from "@staircase/staircase/apis/core/v1";
 *
 * async function countConfigMaps(): Promise<number> {
 *   const client = await autoDetectClient();
 *   const configMaps = new ResourceClient(client, ConfigMaps, client.defaultNamespace ?? "default");
 *   return (await configMaps.list()).items.length;
 * }
 * ```
 */
export async function autoDetectClient(options: AutoDetectOptions = {}): Promise<HttpRestClient> {
  const { inCluster, kubeconfig, ...clientOptions } = options;
  const connection = await autoDetectConnection({ inCluster, kubeconfig });
  return new HttpRestClient(connection, clientOptions);
}

/**
 * An {@linkcode HttpRestClient} for a kubeconfig (`KUBECONFIG`, `~/.kube/config`, or the
 * given files), using its current context or `options.context`.
 *
 * @example
 * ```ts
 * import { type HttpRestClient, kubeConfigClient } from "@staircase/staircase/client";
 *
 * async function adminClient(): Promise<HttpRestClient> {
 *   return await kubeConfigClient({ paths: ["./admin.kubeconfig"], context: "admin" });
 * }
 * ```
 */
export async function kubeConfigClient(
  options: LoadKubeConfigOptions & KubeConfigConnectionOptions & HttpRestClientOptions = {},
): Promise<HttpRestClient> {
  const {
    paths,
    kubeconfigEnv,
    context,
    tokenFileCheckIntervalMs,
    execTimeoutMs,
    ...clientOptions
  } = options;
  const config = await loadKubeConfig({ paths, kubeconfigEnv });
  const connection = await connectionFromKubeConfig(config, {
    context,
    tokenFileCheckIntervalMs,
    execTimeoutMs,
  });
  return new HttpRestClient(connection, clientOptions);
}

/**
 * A client for a given connection, or for the automatically detected one when none is given.
 *
 * @example
 * ```ts
 * import { type ClusterConnection, createClient, type HttpRestClient } from "@staircase/staircase/client";
 *
 * // The given connection (e.g. a test control plane's), else whatever is configured.
 * async function clientFor(connection?: ClusterConnection): Promise<HttpRestClient> {
 *   return await createClient(connection);
 * }
 * ```
 */
export async function createClient(
  connection?: ClusterConnection,
  options: HttpRestClientOptions = {},
): Promise<HttpRestClient> {
  if (connection) return new HttpRestClient(connection, options);
  return await autoDetectClient(options);
}
