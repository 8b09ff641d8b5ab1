/**
 * The shape of a kubeconfig as staircase reads it: clusters, users (with exec plugins),
 * contexts, and the config they form.
 *
 * @module
 */

/**
 * A cluster entry.
 *
 * @example
 * ```ts
 * import { type ClusterConnection, connectionFromKubeConfig, type KubeConfigCluster } from "@staircase/staircase/client";
 *
 * // A kubeconfig built in code: one cluster, one user, one context.
 * async function connect(cluster: KubeConfigCluster, token: string): Promise<ClusterConnection> {
 *   return await connectionFromKubeConfig({
 *     clusters: [{ name: "c", cluster }],
 *     users: [{ name: "u", user: { token } }],
 *     contexts: [{ name: "ctx", context: { cluster: "c", user: "u" } }],
 *     "current-context": "ctx",
 *   });
 * }
 * const connection = await connect({ server: "https://127.0.0.1:6443" }, "t0k3n");
 * console.log(connection.server); // https://127.0.0.1:6443
 * ```
 */
export interface KubeConfigCluster {
  /** The API server URL. */
  server: string;
  /** Path of a PEM file with the certificate authority (resolved to an absolute path). */
  "certificate-authority"?: string;
  /** Base64 of the PEM certificate authority. */
  "certificate-authority-data"?: string;
  /** Skip server certificate checks (see the client docs for Deno's limits). */
  "insecure-skip-tls-verify"?: boolean;
  /** The name to check the server certificate against. */
  "tls-server-name"?: string;
  /** A proxy URL for requests to this cluster. */
  "proxy-url"?: string;
}

/**
 * An exec credential plugin.
 *
 * @example
 * ```ts
 * import { ExecCredentials, type KubeConfigExec } from "@staircase/staircase/client";
 *
 * const exec: KubeConfigExec = {
 *   apiVersion: "client.authentication.k8s.io/v1",
 *   command: "aws",
 *   args: ["eks", "get-token", "--cluster-name", "prod"],
 * };
 * const credentials = new ExecCredentials(exec); // runs `aws` on the first request only
 * ```
 */
export interface KubeConfigExec {
  /** The command (resolved against the kubeconfig's folder when it is a relative path). */
  command: string;
  /** Its arguments. */
  args?: string[];
  /** Extra environment variables. */
  env?: { name: string; value: string }[];
  /** `client.authentication.k8s.io/v1` or `client.authentication.k8s.io/v1beta1`. */
  apiVersion: string;
  /** Shown when the command is missing. */
  installHint?: string;
  /** Pass the cluster's details in `KUBERNETES_EXEC_INFO`. */
  provideClusterInfo?: boolean;
  /** `Never`, `IfAvailable` or `Always`; staircase never has a terminal to offer. */
  interactiveMode?: string;
}

/**
 * A user (credentials) entry.
 *
 * @example
 * ```ts
 * import { type ClusterConnection, connectionFromKubeConfig, type KubeConfigUser } from "@staircase/staircase/client";
 *
 * // A projected token that rotates: the connection re-reads the file.
 * async function withTokenFile(server: string): Promise<ClusterConnection> {
 *   const user: KubeConfigUser = { tokenFile: "/var/run/secrets/tokens/api-token" };
 *   return await connectionFromKubeConfig({
 *     clusters: [{ name: "c", cluster: { server } }],
 *     users: [{ name: "u", user }],
 *     contexts: [{ name: "ctx", context: { cluster: "c", user: "u" } }],
 *     "current-context": "ctx",
 *   });
 * }
 * ```
 */
export interface KubeConfigUser {
  /** A bearer token. */
  token?: string;
  /** Path of a file holding a bearer token (re-read when it changes). */
  tokenFile?: string;
  /** Path of a PEM client certificate. */
  "client-certificate"?: string;
  /** Base64 of the PEM client certificate. */
  "client-certificate-data"?: string;
  /** Path of a PEM client key. */
  "client-key"?: string;
  /** Base64 of the PEM client key. */
  "client-key-data"?: string;
  /** Basic-auth user name. */
  username?: string;
  /** Basic-auth password. */
  password?: string;
  /** An exec credential plugin. */
  exec?: KubeConfigExec;
  /** A legacy auth provider (not supported: use an exec plugin). */
  "auth-provider"?: { name: string; config?: Record<string, string> };
}

/**
 * A context entry.
 *
 * @example
 * ```ts
 * import { connectionFromKubeConfig, type KubeConfigContext } from "@staircase/staircase/client";
 *
 * const context: KubeConfigContext = { cluster: "dev", user: "me", namespace: "team" };
 * const connection = await connectionFromKubeConfig({
 *   clusters: [{ name: "dev", cluster: { server: "https://127.0.0.1:6443" } }],
 *   users: [{ name: "me", user: { token: "t0k3n" } }],
 *   contexts: [{ name: "dev", context }],
 *   "current-context": "dev",
 * });
 * console.log(connection.namespace); // team
 * ```
 */
export interface KubeConfigContext {
  /** The cluster's name. */
  cluster: string;
  /** The user's name. */
  user: string;
  /** The default namespace. */
  namespace?: string;
}

/**
 * A kubeconfig, after merging: each list holds every name once.
 *
 * @example
 * ```ts
 * import { parseKubeConfig } from "@staircase/staircase/client";
 * const config = parseKubeConfig('{"clusters":[{"name":"c","cluster":{"server":"https://k:6443"}}]}');
 * console.log(config.clusters[0].cluster.server); // https://k:6443
 * ```
 */
export interface KubeConfig {
  /** Clusters by name. */
  clusters: { name: string; cluster: KubeConfigCluster }[];
  /** Users by name. */
  users: { name: string; user: KubeConfigUser }[];
  /** Contexts by name. */
  contexts: { name: string; context: KubeConfigContext }[];
  /** The context used when none is named. */
  "current-context"?: string;
  /** The files the config was read from, in merge order. */
  sources?: string[];
}
