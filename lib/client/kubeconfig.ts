/**
 * Reading kubeconfig files: parsing, `null` stripping, relative path resolution and merging
 * several files the way client-go does.
 *
 * @module
 */

import { parseDocument } from "yaml";
import { ClientConfigError, MissingPermissionError } from "./errors.ts";
import { explainPermissionError, isPermissionError } from "./permissions.ts";

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

/** Path-valued fields that are resolved against the kubeconfig's folder. */
const CLUSTER_PATHS = ["certificate-authority"] as const;
const USER_PATHS = ["client-certificate", "client-key", "tokenFile"] as const;

function isAbsolute(path: string): boolean {
  return path.startsWith("/") || /^[A-Za-z]:[\\/]/.test(path) || path.startsWith("\\\\");
}

function dirname(path: string): string {
  const i = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  return i <= 0 ? (i === 0 ? "/" : ".") : path.slice(0, i);
}

function resolvePath(base: string, path: string): string {
  if (path === "" || isAbsolute(path)) return path;
  return `${base.replace(/[\\/]$/, "")}/${path}`;
}

/** Deeper than any real kubeconfig; deeper input would only serve to exhaust the stack. */
const MAX_DEPTH = 64;

/** Removes `null` everywhere, as client-go treats it as "not set" (GKE writes `args: null`). */
function stripNulls(value: unknown, source: string, depth = 0): unknown {
  if (depth > MAX_DEPTH) {
    throw new ClientConfigError(`nested more than ${MAX_DEPTH} levels deep`, { source });
  }
  if (Array.isArray(value)) {
    return value.filter((v) => v !== null).map((v) => stripNulls(v, source, depth + 1));
  }
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v !== null) out[k] = stripNulls(v, source, depth + 1);
    }
    return out;
  }
  return value;
}

/** Where a YAML problem is, without its text (yaml quotes the line, which may hold a token). */
function yamlPlace(error: { code?: string; linePos?: { line: number; col: number }[] }): string {
  const pos = error.linePos?.[0];
  return `${error.code ?? "error"}${pos ? ` at line ${pos.line}, column ${pos.col}` : ""}`;
}

function parseText(text: string, source: string): unknown {
  const trimmed = text.trimStart();
  if (trimmed.startsWith("{")) {
    try {
      return JSON.parse(text);
    } catch {
      // Not JSON after all; YAML is a superset, let its parser report the problem.
    }
  }
  try {
    // Warnings are collected, not printed: yaml's printer quotes the offending line.
    const doc = parseDocument(text, { logLevel: "silent", prettyErrors: true });
    if (doc.errors.length > 0) {
      throw new ClientConfigError(`not valid YAML: ${yamlPlace(doc.errors[0])}`, { source });
    }
    return doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    if (err instanceof ClientConfigError) throw err;
    if (isPermissionError(err)) {
      throw new MissingPermissionError(
        "parsing YAML (the yaml package reads two variables)",
        "--allow-env=LOG_TOKENS,LOG_STREAM",
        { cause: err },
      );
    }
    // Never the message: an unresolved alias error quotes the alias, which may be a token.
    const kind = err instanceof RangeError
      ? "nested too deeply"
      : err instanceof ReferenceError
      ? "an alias that is not defined, or too many aliases"
      : (err as Error)?.name ?? "error";
    throw new ClientConfigError(`not valid YAML: ${kind}`, { source });
  }
}

function namedList<T>(
  raw: Record<string, unknown>,
  key: string,
  inner: string,
  source: string,
): { name: string; value: T }[] {
  const list = raw[key];
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new ClientConfigError(`"${key}" must be a list`, { source });
  return list.map((entry, i) => {
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
      throw new ClientConfigError(`${key}[${i}] must be a mapping`, { source });
    }
    const { name, [inner]: value } = entry as Record<string, unknown>;
    if (typeof name !== "string" || name === "") {
      throw new ClientConfigError(`${key}[${i}] has no name`, { source });
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw new ClientConfigError(`${key}[${i}] ("${name}") has no "${inner}" mapping`, { source });
    }
    return { name, value: value as T };
  });
}

/**
 * Parses one kubeconfig document (YAML or JSON). Relative paths are resolved against
 * `baseDir` (default: the folder of `source`, or the current folder).
 *
 * @example
 * ```ts
 * import { parseKubeConfig } from "@staircase/staircase/client";
 *
 * const config = parseKubeConfig(
 *   '{"users":[{"name":"me","user":{"tokenFile":"token.txt"}}]}',
 *   "/etc/kube/config",
 * );
 * console.log(config.users[0].user.tokenFile); // "/etc/kube/token.txt"
 * ```
 */
export function parseKubeConfig(text: string, source?: string, baseDir?: string): KubeConfig {
  const where = source ?? "kubeconfig";
  const raw = stripNulls(parseText(text, where), where) ?? {};
  if (typeof raw !== "object" || Array.isArray(raw)) {
    throw new ClientConfigError("a kubeconfig must be a mapping", { source: where });
  }
  const doc = raw as Record<string, unknown>;
  const base = baseDir ?? (source ? dirname(source) : ".");
  const clusters = namedList<KubeConfigCluster>(doc, "clusters", "cluster", where).map((c) => {
    const cluster = { ...c.value };
    for (const key of CLUSTER_PATHS) {
      const v = cluster[key];
      if (typeof v === "string") cluster[key] = resolvePath(base, v);
    }
    return { name: c.name, cluster };
  });
  const users = namedList<KubeConfigUser>(doc, "users", "user", where).map((u) => {
    const user = { ...u.value };
    for (const key of USER_PATHS) {
      const v = user[key];
      if (typeof v === "string") user[key] = resolvePath(base, v);
    }
    // Like client-go: only a command that names a path ("./bin/x") is resolved; a bare
    // name is looked up in PATH.
    if (user.exec && typeof user.exec.command === "string" && /[\\/]/.test(user.exec.command)) {
      user.exec = { ...user.exec, command: resolvePath(base, user.exec.command) };
    }
    return { name: u.name, user };
  });
  const contexts = namedList<KubeConfigContext>(doc, "contexts", "context", where).map((c) => ({
    name: c.name,
    context: c.value,
  }));
  const current = doc["current-context"];
  return {
    clusters,
    users,
    contexts,
    "current-context": typeof current === "string" && current !== "" ? current : undefined,
    sources: source ? [source] : [],
  };
}

/**
 * Merges kubeconfigs like client-go: for each name, the first file defining it wins; the first
 * non-empty `current-context` wins.
 *
 * @example
 * ```ts
 * import { mergeKubeConfigs, parseKubeConfig } from "@staircase/staircase/client";
 * const a = parseKubeConfig('{"current-context":"a"}');
 * const b = parseKubeConfig('{"current-context":"b"}');
 * console.log(mergeKubeConfigs([a, b])["current-context"]); // "a"
 * ```
 */
export function mergeKubeConfigs(configs: KubeConfig[]): KubeConfig {
  const merged: KubeConfig = { clusters: [], users: [], contexts: [], sources: [] };
  const seen = {
    clusters: new Set<string>(),
    users: new Set<string>(),
    contexts: new Set<string>(),
  };
  for (const config of configs) {
    for (const key of ["clusters", "users", "contexts"] as const) {
      for (const entry of config[key]) {
        if (seen[key].has(entry.name)) continue;
        seen[key].add(entry.name);
        (merged[key] as { name: string }[]).push(entry);
      }
    }
    merged["current-context"] ??= config["current-context"];
    merged.sources!.push(...(config.sources ?? []));
  }
  return merged;
}

/**
 * Where to read kubeconfigs from.
 *
 * @example
 * ```ts
 * import { type KubeConfig, loadKubeConfig } from "@staircase/staircase/client";
 *
 * // Two files merged in order (the first one naming an entry wins); KUBECONFIG is not read.
 * async function loadBoth(): Promise<KubeConfig> {
 *   return await loadKubeConfig({ paths: ["./a.kubeconfig", "./b.kubeconfig"] });
 * }
 * ```
 */
export interface LoadKubeConfigOptions {
  /** Explicit files (merged in order); when set, `KUBECONFIG` is not read. */
  paths?: string[];
  /** The `KUBECONFIG` value to use instead of reading the environment. */
  kubeconfigEnv?: string;
}

function defaultPaths(): { paths: string[]; explicit: boolean } {
  let env: string | undefined;
  try {
    env = Deno.env.get("KUBECONFIG");
  } catch (err) {
    throw explainPermissionError(err, "reading KUBECONFIG", "env", "KUBECONFIG,HOME");
  }
  if (env) return { paths: splitList(env), explicit: true };
  let home: string | undefined;
  try {
    home = Deno.env.get("HOME") ?? Deno.env.get("USERPROFILE");
  } catch (err) {
    throw explainPermissionError(err, "finding ~/.kube/config", "env", "KUBECONFIG,HOME");
  }
  if (!home) throw new ClientConfigError("neither KUBECONFIG nor HOME is set");
  return { paths: [`${home}/.kube/config`], explicit: false };
}

function splitList(value: string): string[] {
  const sep = Deno.build.os === "windows" ? ";" : ":";
  return value.split(sep).filter((p) => p !== "");
}

/**
 * Loads and merges kubeconfig files: `options.paths`, else the files in `KUBECONFIG`, else
 * `~/.kube/config`. Files named in `KUBECONFIG` that do not exist are skipped, as client-go
 * does; it is an error when none exists.
 *
 * @example
 * ```ts
 * import { connectionFromKubeConfig, HttpRestClient, loadKubeConfig } from "@staircase/staircase/client";
 *
 * async function clientFromKubeconfig(): Promise<HttpRestClient> {
 *   const config = await loadKubeConfig();
 *   console.log(`context ${config["current-context"]} from ${config.sources?.join(", ")}`);
 *   return new HttpRestClient(await connectionFromKubeConfig(config));
 * }
 * ```
 */
export async function loadKubeConfig(options: LoadKubeConfigOptions = {}): Promise<KubeConfig> {
  const { paths, explicit } = options.paths
    ? { paths: options.paths, explicit: true }
    : options.kubeconfigEnv !== undefined
    ? { paths: splitList(options.kubeconfigEnv), explicit: true }
    : defaultPaths();
  const configs: KubeConfig[] = [];
  const missing: string[] = [];
  for (const path of paths) {
    let text: string;
    try {
      text = await Deno.readTextFile(path);
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) {
        missing.push(path);
        continue;
      }
      const explained = explainPermissionError(err, `reading kubeconfig ${path}`, "read", path);
      if (explained !== err) throw explained;
      throw new ClientConfigError(`cannot read: ${(err as Error).message}`, { source: path });
    }
    configs.push(parseKubeConfig(text, path));
  }
  if (configs.length === 0) {
    const what = explicit ? "none of the kubeconfig files exists" : "no kubeconfig file found";
    throw new ClientConfigError(`${what}: ${missing.join(", ")}`);
  }
  return mergeKubeConfigs(configs);
}
