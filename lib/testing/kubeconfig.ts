// Copyright 2026 the staircase authors. Apache-2.0 license.
/**
 * Kubeconfig files for the test control plane (client-certificate users only).
 *
 * @module
 */
import { parse } from "yaml";

/** The subset of the kubeconfig format written for test users. */
export interface TestKubeconfig {
  /** Always "v1". */
  apiVersion: "v1";
  /** Always "Config". */
  kind: "Config";
  /** One cluster. */
  clusters: { name: string; cluster: { server: string; "certificate-authority-data": string } }[];
  /** One user with an inline client certificate and key. */
  users: { name: string; user: { "client-certificate-data": string; "client-key-data": string } }[];
  /** One context joining them. */
  contexts: { name: string; context: { cluster: string; user: string; namespace?: string } }[];
  /** The name of that context. */
  "current-context": string;
}

/** A kubeconfig written to disk, with its parsed content. */
export interface KubeconfigFile {
  /** Absolute path of the file (JSON, which kubectl reads as YAML). */
  path: string;
  /** The parsed content. */
  config: TestKubeconfig;
}

/** Inputs for {@linkcode buildKubeconfig}. */
export interface KubeconfigInput {
  /** API server URL, like "https://127.0.0.1:6443". */
  server: string;
  /** PEM of the CA that signed the server's serving certificate. */
  caPem: string;
  /** PEM client certificate. */
  certPem: string;
  /** PEM private key. */
  keyPem: string;
  /** The user (and context) name. */
  userName: string;
  /** The cluster name in the file (the context is `<user>@<cluster>`). @default {"staircase-test"} */
  clusterName?: string;
}

function b64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/**
 * Builds a kubeconfig object with one cluster, user and context.
 *
 * @example
 * ```ts
 * import { buildKubeconfig } from "./kubeconfig.ts";
 * const config = buildKubeconfig({
 *   server: "https://127.0.0.1:6443", caPem: "", certPem: "", keyPem: "", userName: "admin",
 * });
 * console.log(config["current-context"]); // "admin@staircase-test"
 * ```
 */
export function buildKubeconfig(input: KubeconfigInput): TestKubeconfig {
  const cluster = input.clusterName ?? "staircase-test";
  const context = `${input.userName}@${cluster}`;
  return {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{
      name: cluster,
      cluster: { server: input.server, "certificate-authority-data": b64(input.caPem) },
    }],
    users: [{
      name: input.userName,
      user: { "client-certificate-data": b64(input.certPem), "client-key-data": b64(input.keyPem) },
    }],
    contexts: [{ name: context, context: { cluster, user: input.userName } }],
    "current-context": context,
  };
}

/**
 * Writes `config` to `path` (mode 0600) and returns both.
 *
 * @example
 * ```ts ignore
 * import { buildKubeconfig, writeKubeconfig } from "./kubeconfig.ts";
 * const config = buildKubeconfig({ server: "https://127.0.0.1:6443", caPem: "", certPem: "", keyPem: "", userName: "a" });
 * await writeKubeconfig("/tmp/a.kubeconfig", config);
 * ```
 */
export async function writeKubeconfig(
  path: string,
  config: TestKubeconfig,
): Promise<KubeconfigFile> {
  await Deno.writeTextFile(path, JSON.stringify(config, null, 2) + "\n", { mode: 0o600 });
  return { path, config };
}

/** TLS material and server URL read back from a kubeconfig written by this module. */
export interface KubeconfigTls {
  /** API server URL. */
  server: string;
  /** CA PEM. */
  caPem: string;
  /** Client certificate PEM. */
  certPem: string;
  /** Client key PEM. */
  keyPem: string;
}

/**
 * Reads the server URL and TLS material of the current context of a kubeconfig that holds
 * inline `*-data` fields (as written by {@linkcode writeKubeconfig}). Needs env access for the
 * YAML parser.
 *
 * @example
 * ```ts ignore
 * import { readKubeconfigTls } from "./kubeconfig.ts";
 * const tls = await readKubeconfigTls("/tmp/admin.kubeconfig");
 * ```
 */
export async function readKubeconfigTls(path: string): Promise<KubeconfigTls> {
  // YAML parsing also covers JSON, so kubeconfigs from other tools work too.
  // Any shape may come back (`{}`, a list, null): look everything up optionally, so that a
  // file that is not such a kubeconfig gets the error below rather than a bare TypeError.
  const config = parse(await Deno.readTextFile(path)) as Partial<TestKubeconfig> | null;
  const name = config?.["current-context"];
  const context = listOf(config?.contexts).find((c) => c?.name === name)?.context;
  const cluster = listOf(config?.clusters).find((c) => c?.name === context?.cluster)?.cluster;
  const user = listOf(config?.users).find((u) => u?.name === context?.user)?.user;
  if (!cluster || !user) {
    throw new TypeError(`Kubeconfig ${path} has no usable current context with inline cert data`);
  }
  const unb64 = (s: string): string =>
    new TextDecoder().decode(Uint8Array.from(atob(s), (c) => c.charCodeAt(0)));
  return {
    server: cluster.server,
    caPem: unb64(cluster["certificate-authority-data"]),
    certPem: unb64(user["client-certificate-data"]),
    keyPem: unb64(user["client-key-data"]),
  };
}

function listOf<T>(value: readonly T[] | undefined): readonly T[] {
  return Array.isArray(value) ? value : [];
}
