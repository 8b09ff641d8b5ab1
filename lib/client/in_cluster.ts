/**
 * The in-cluster configuration: the pod's service-account token, CA and namespace, and the
 * `KUBERNETES_SERVICE_HOST`/`_PORT` variables.
 *
 * @module
 */

import type { ClusterConnection } from "./connection.ts";
import { ClientConfigError } from "./errors.ts";
import { explainPermissionError } from "./permissions.ts";
import { TokenFileCredentials } from "./token_file.ts";

/**
 * The standard folder of the mounted service-account files.
 *
 * @example
 * ```ts
 * import { SERVICE_ACCOUNT_DIR } from "@staircase/staircase/client";
 * console.log(`${SERVICE_ACCOUNT_DIR}/token`);
 * // /var/run/secrets/kubernetes.io/serviceaccount/token
 * ```
 */
export const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

/**
 * Options for {@linkcode inClusterConnection}.
 *
 * @example
 * ```ts
 * import { type ClusterConnection, inClusterConnection } from "@staircase/staircase/client";
 *
 * // Service-account files copied out of a pod, against a forwarded API server port.
 * async function likeInCluster(): Promise<ClusterConnection> {
 *   return await inClusterConnection({ serviceAccountDir: "./sa", host: "127.0.0.1", port: 6443 });
 * }
 * ```
 */
export interface InClusterOptions {
  /**
   * The folder holding `token`, `ca.crt` and `namespace`.
   *
   * @default {"/var/run/secrets/kubernetes.io/serviceaccount"}
   */
  serviceAccountDir?: string;
  /** The API server host, instead of `KUBERNETES_SERVICE_HOST`. */
  host?: string;
  /** The API server port, instead of `KUBERNETES_SERVICE_PORT`. */
  port?: string | number;
  /**
   * How often the token file is checked for changes, in milliseconds.
   *
   * @default {60000}
   */
  tokenCheckIntervalMs?: number;
}

function env(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch (err) {
    throw explainPermissionError(
      err,
      "reading the in-cluster configuration",
      "env",
      "KUBERNETES_SERVICE_HOST,KUBERNETES_SERVICE_PORT",
    );
  }
}

async function readFile(path: string, optional: boolean): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (err) {
    if (optional && err instanceof Deno.errors.NotFound) return undefined;
    const explained = explainPermissionError(err, "reading the service account", "read", path);
    if (explained !== err) throw explained;
    throw new ClientConfigError(`cannot read ${path}: ${(err as Error).name}`, { cause: err });
  }
}

/**
 * Builds the connection a pod uses to reach its own cluster. The token is re-read from its
 * file periodically and after every `401`, because bound service-account tokens rotate.
 *
 * @example
 * ```ts
 * import { HttpRestClient, inClusterConnection } from "@staircase/staircase/client";
 *
 * async function podClient(): Promise<HttpRestClient> {
 *   const connection = await inClusterConnection();
 *   console.log(`running in namespace ${connection.namespace}`);
 *   return new HttpRestClient(connection);
 * }
 * ```
 */
export async function inClusterConnection(
  options: InClusterOptions = {},
): Promise<ClusterConnection> {
  const host = options.host ?? env("KUBERNETES_SERVICE_HOST");
  const port = options.port ?? env("KUBERNETES_SERVICE_PORT");
  if (!host || !port) {
    throw new ClientConfigError(
      "not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set",
    );
  }
  const dir = options.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
  const tokenPath = `${dir}/token`;
  // Fail early and clearly when the token is missing, instead of at the first request.
  await readFile(tokenPath, false);
  const ca = await readFile(`${dir}/ca.crt`, true);
  const namespace = (await readFile(`${dir}/namespace`, true))?.trim();
  const hostPart = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
  return {
    server: `https://${hostPart}:${port}`,
    caCerts: ca ? [ca] : undefined,
    credentials: new TokenFileCredentials(tokenPath, {
      checkIntervalMs: options.tokenCheckIntervalMs ?? 60_000,
    }),
    namespace: namespace || undefined,
    description: `in-cluster service account (${dir})`,
  };
}
