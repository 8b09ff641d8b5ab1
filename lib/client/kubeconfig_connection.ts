/**
 * Turning a kubeconfig context into a {@linkcode ClusterConnection}.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import type { ClusterConnection } from "./connection.ts";
import { hideKey, StaticCredentials } from "./credentials.ts";
import { ClientConfigError } from "./errors.ts";
import { ExecCredentials } from "./exec_plugin.ts";
import type { KubeConfig } from "./kubeconfig_types.ts";
import { explainPermissionError } from "./permissions.ts";
import { TokenFileCredentials } from "./token_file.ts";

/**
 * Options for {@linkcode connectionFromKubeConfig}.
 *
 * @example
 * ```ts
 * import { type ClusterConnection, connectionFromKubeConfig, loadKubeConfig } from "@staircase/staircase/client";
 *
 * // The "staging" context, whatever the current one is; exec plugins get 2 minutes.
 * async function staging(): Promise<ClusterConnection> {
 *   return await connectionFromKubeConfig(await loadKubeConfig(), {
 *     context: "staging",
 *     execTimeoutMs: 120_000,
 *   });
 * }
 * ```
 */
export interface KubeConfigConnectionOptions {
  /** The context to use instead of `current-context`. */
  context?: string;
  /**
   * How often a `tokenFile` is checked for changes, in milliseconds.
   *
   * @default {10000}
   */
  tokenFileCheckIntervalMs?: number;
  /**
   * How long an exec credential plugin may run, in milliseconds (kubeconfig has no field
   * for it).
   *
   * @default {60000}
   */
  execTimeoutMs?: number;
}

function decodeBase64(data: string, what: string, source: string): string {
  try {
    const binary = atob(data.replace(/\s+/g, ""));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    return new TextDecoder().decode(bytes);
  } catch {
    throw new ClientConfigError(`${what} is not valid base64`, { source });
  }
}

async function readPem(path: string, what: string, source: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (err) {
    const explained = explainPermissionError(err, `reading ${what}`, "read", path);
    if (explained !== err) throw explained;
    throw new ClientConfigError(`cannot read ${what} ${path}: ${(err as Error).name}`, {
      source,
      cause: err,
    });
  }
}

/**
 * Builds the connection for a context of a (merged) kubeconfig.
 *
 * @example
 * ```ts
 * import { connectionFromKubeConfig, parseKubeConfig } from "@staircase/staircase/client";
 *
 * const config = parseKubeConfig(JSON.stringify({
 *   "current-context": "dev",
 *   contexts: [{ name: "dev", context: { cluster: "c", user: "u", namespace: "team" } }],
 *   clusters: [{ name: "c", cluster: { server: "https://127.0.0.1:6443" } }],
 *   users: [{ name: "u", user: { token: "secret" } }],
 * }));
 * const connection = await connectionFromKubeConfig(config);
 * console.log(connection.server, connection.namespace); // https://127.0.0.1:6443 team
 * ```
 */
export async function connectionFromKubeConfig(
  config: KubeConfig,
  options: KubeConfigConnectionOptions = {},
): Promise<ClusterConnection> {
  const source = (config.sources ?? []).join(", ") || "kubeconfig";
  const contextName = options.context ?? config["current-context"];
  if (!contextName) {
    throw new ClientConfigError("no current-context is set and no context was named", { source });
  }
  const context = config.contexts.find((c) => c.name === contextName)?.context;
  if (!context) {
    const known = config.contexts.map((c) => c.name).join(", ") || "none";
    throw new ClientConfigError(`context "${contextName}" not found (known: ${known})`, { source });
  }
  const cluster = config.clusters.find((c) => c.name === context.cluster)?.cluster;
  if (!cluster) {
    throw new ClientConfigError(
      `context "${contextName}" names cluster "${context.cluster}", which is not defined`,
      { source },
    );
  }
  if (typeof cluster.server !== "string" || cluster.server === "") {
    throw new ClientConfigError(`cluster "${context.cluster}" has no server`, { source });
  }
  let url: URL;
  try {
    url = new URL(cluster.server);
  } catch {
    throw new ClientConfigError(
      `cluster "${context.cluster}" has an invalid server URL "${cluster.server}"`,
      { source },
    );
  }
  const user = context.user ? config.users.find((u) => u.name === context.user)?.user : undefined;
  if (context.user && !user) {
    throw new ClientConfigError(
      `context "${contextName}" names user "${context.user}", which is not defined`,
      { source },
    );
  }

  const connection: ClusterConnection = {
    server: cluster.server.replace(/\/+$/, ""),
    namespace: context.namespace || undefined,
    description: `kubeconfig ${source}, context "${contextName}"`,
  };
  if (cluster["certificate-authority-data"]) {
    connection.caCerts = [
      decodeBase64(cluster["certificate-authority-data"], "certificate-authority-data", source),
    ];
  } else if (cluster["certificate-authority"]) {
    connection.caCerts = [
      await readPem(cluster["certificate-authority"], "certificate-authority", source),
    ];
  }
  if (cluster["insecure-skip-tls-verify"] === true) {
    connection.insecureSkipTlsVerify = true;
    getLogger(["staircase", "client"]).warn(
      "Cluster {cluster} sets insecure-skip-tls-verify: the server's identity is not checked " +
        "only if Deno runs with --unsafely-ignore-certificate-errors={host}; Deno has no " +
        "per-client switch, so otherwise the certificate is still verified.",
      { cluster: context.cluster, host: url.hostname },
    );
  }
  if (cluster["tls-server-name"]) connection.tlsServerName = cluster["tls-server-name"];
  if (cluster["proxy-url"]) connection.proxyUrl = cluster["proxy-url"];

  if (user) {
    const cert = user["client-certificate-data"] !== undefined
      ? decodeBase64(user["client-certificate-data"], "client-certificate-data", source)
      : user["client-certificate"]
      ? await readPem(user["client-certificate"], "client-certificate", source)
      : undefined;
    const key = user["client-key-data"] !== undefined
      ? decodeBase64(user["client-key-data"], "client-key-data", source)
      : user["client-key"]
      ? await readPem(user["client-key"], "client-key", source)
      : undefined;
    if (cert !== undefined || key !== undefined) {
      if (cert === undefined || key === undefined) {
        throw new ClientConfigError(
          `user "${context.user}" has a client certificate without a key, or a key without a certificate`,
          { source },
        );
      }
      connection.clientCertificate = hideKey({ cert, key });
    }
    if (user.token) {
      connection.credentials = StaticCredentials.bearer(user.token);
    } else if (user.tokenFile) {
      connection.credentials = new TokenFileCredentials(user.tokenFile, {
        checkIntervalMs: options.tokenFileCheckIntervalMs,
      });
    } else if (user.exec) {
      connection.credentials = new ExecCredentials(user.exec, {
        cluster,
        timeoutMs: options.execTimeoutMs,
      });
    } else if (user.username !== undefined && user.password !== undefined) {
      connection.credentials = StaticCredentials.basic(user.username, user.password);
    } else if (user["auth-provider"]) {
      throw new ClientConfigError(
        `user "${context.user}" uses auth-provider "${
          user["auth-provider"].name
        }", which is not supported; use an exec credential plugin`,
        { source },
      );
    }
  }
  return connection;
}
