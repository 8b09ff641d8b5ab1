/**
 * Credentials from an exec credential plugin (`client.authentication.k8s.io/v1` and
 * `v1beta1`), cached until their `expirationTimestamp` and renewed after a `401`.
 *
 * @module
 */

import type { KubeConfigCluster, KubeConfigExec } from "./kubeconfig.ts";
import type { CredentialSource, RequestCredentials } from "./credentials.ts";
import { CredentialError } from "./errors.ts";
import { explainPermissionError } from "./permissions.ts";

const API_VERSIONS = new Set([
  "client.authentication.k8s.io/v1",
  "client.authentication.k8s.io/v1beta1",
]);

/**
 * Settings for {@linkcode ExecCredentials}.
 *
 * @example
 * ```ts
 * import type { ExecCredentialsOptions } from "./exec_plugin.ts";
 * const opts: ExecCredentialsOptions = { timeoutMs: 30_000, cluster: { server: "https://k:6443" } };
 * console.log(opts);
 * ```
 */
export interface ExecCredentialsOptions {
  /** The cluster, passed to the plugin when `provideClusterInfo` is set. */
  cluster?: KubeConfigCluster;
  /** How long the plugin may run, in milliseconds. Default 60,000. */
  timeoutMs?: number;
  /** Renew this long before `expirationTimestamp`, in milliseconds. Default 10,000. */
  expirySkewMs?: number;
}

interface ExecStatus {
  token?: string;
  clientCertificateData?: string;
  clientKeyData?: string;
  expirationTimestamp?: string;
}

function clip(text: string, max = 500): string {
  const t = text.trim();
  return t.length > max ? `${t.slice(0, max)}…` : t;
}

/**
 * Runs an exec credential plugin and caches what it prints.
 *
 * @example
 * ```ts ignore
 * import { ExecCredentials } from "./exec_plugin.ts";
 * const creds = new ExecCredentials({
 *   apiVersion: "client.authentication.k8s.io/v1",
 *   command: "gke-gcloud-auth-plugin",
 * });
 * await creds.get();
 * ```
 */
export class ExecCredentials implements CredentialSource {
  readonly #exec: KubeConfigExec;
  readonly #options: ExecCredentialsOptions;
  #cached?: { creds: RequestCredentials; expiresAt: number };
  #running?: Promise<RequestCredentials>;

  /** Creates the source; the plugin first runs on the first {@linkcode get}. */
  constructor(exec: KubeConfigExec, options: ExecCredentialsOptions = {}) {
    if (!API_VERSIONS.has(exec.apiVersion)) {
      throw new CredentialError(
        `exec plugin "${exec.command}": unsupported apiVersion "${exec.apiVersion}" ` +
          `(supported: ${[...API_VERSIONS].join(", ")})`,
      );
    }
    if (typeof exec.command !== "string" || exec.command === "") {
      throw new CredentialError("exec plugin has no command");
    }
    if (exec.interactiveMode === "Always") {
      throw new CredentialError(
        `exec plugin "${exec.command}" requires an interactive terminal (interactiveMode: Always), ` +
          "which a controller does not have",
      );
    }
    this.#exec = exec;
    this.#options = options;
  }

  /** Returns cached credentials, running the plugin when there are none or they expired. */
  get(): Promise<RequestCredentials> {
    const skew = this.#options.expirySkewMs ?? 10_000;
    if (this.#cached && Date.now() < this.#cached.expiresAt - skew) {
      return Promise.resolve(this.#cached.creds);
    }
    // Concurrent requests share one plugin run.
    this.#running ??= this.#run().finally(() => (this.#running = undefined));
    return this.#running;
  }

  /** Forgets the cached credentials so the next request runs the plugin again. */
  invalidate(): Promise<boolean> {
    this.#cached = undefined;
    return Promise.resolve(true);
  }

  #execInfo(): string {
    const spec: Record<string, unknown> = { interactive: false };
    const cluster = this.#options.cluster;
    if (this.#exec.provideClusterInfo && cluster) {
      spec.cluster = {
        server: cluster.server,
        "certificate-authority-data": cluster["certificate-authority-data"],
        "insecure-skip-tls-verify": cluster["insecure-skip-tls-verify"],
        "tls-server-name": cluster["tls-server-name"],
        "proxy-url": cluster["proxy-url"],
      };
    }
    return JSON.stringify({ apiVersion: this.#exec.apiVersion, kind: "ExecCredential", spec });
  }

  async #run(): Promise<RequestCredentials> {
    const name = this.#exec.command;
    const env: Record<string, string> = { KUBERNETES_EXEC_INFO: this.#execInfo() };
    for (const e of this.#exec.env ?? []) env[e.name] = e.value;
    let output: Deno.CommandOutput;
    try {
      output = await new Deno.Command(name, {
        args: this.#exec.args ?? [],
        env,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
        signal: AbortSignal.timeout(this.#options.timeoutMs ?? 60_000),
      }).output();
    } catch (err) {
      const explained = explainPermissionError(err, `running exec plugin "${name}"`, "run", name);
      if (explained !== err) throw explained;
      if (err instanceof Deno.errors.NotFound) {
        const hint = this.#exec.installHint ? `\n${clip(this.#exec.installHint)}` : "";
        throw new CredentialError(`exec plugin "${name}" not found${hint}`, { cause: err });
      }
      throw new CredentialError(`exec plugin "${name}" failed to start: ${(err as Error).name}`, {
        cause: err,
      });
    }
    if (!output.success) {
      const stderr = clip(new TextDecoder().decode(output.stderr));
      const how = output.signal
        ? `was killed (${output.signal})`
        : `exited with code ${output.code}`;
      throw new CredentialError(`exec plugin "${name}" ${how}${stderr ? `: ${stderr}` : ""}`);
    }
    return this.#accept(name, new TextDecoder().decode(output.stdout));
  }

  #accept(name: string, stdout: string): RequestCredentials {
    // stdout holds the secret: never quote it in an error.
    let parsed: { apiVersion?: unknown; kind?: unknown; status?: ExecStatus };
    try {
      parsed = JSON.parse(stdout);
    } catch {
      throw new CredentialError(`exec plugin "${name}" printed something that is not JSON`);
    }
    if (parsed?.kind !== "ExecCredential") {
      throw new CredentialError(`exec plugin "${name}" printed no ExecCredential`);
    }
    if (parsed.apiVersion !== this.#exec.apiVersion) {
      throw new CredentialError(
        `exec plugin "${name}" answered with apiVersion "${String(parsed.apiVersion)}", ` +
          `but "${this.#exec.apiVersion}" was asked for`,
      );
    }
    const status = parsed.status ?? {};
    const creds: RequestCredentials = {};
    if (typeof status.token === "string" && status.token !== "") {
      creds.authorization = `Bearer ${status.token}`;
    }
    if (status.clientCertificateData || status.clientKeyData) {
      if (!status.clientCertificateData || !status.clientKeyData) {
        throw new CredentialError(
          `exec plugin "${name}" returned a client certificate without its key, or a key without its certificate`,
        );
      }
      creds.clientCertificate = { cert: status.clientCertificateData, key: status.clientKeyData };
    }
    if (!creds.authorization && !creds.clientCertificate) {
      throw new CredentialError(`exec plugin "${name}" returned neither a token nor a certificate`);
    }
    let expiresAt = Infinity;
    if (status.expirationTimestamp) {
      expiresAt = Date.parse(status.expirationTimestamp);
      if (Number.isNaN(expiresAt)) {
        throw new CredentialError(
          `exec plugin "${name}" returned an invalid expirationTimestamp "${
            clip(status.expirationTimestamp, 40)
          }"`,
        );
      }
    }
    this.#cached = { creds, expiresAt };
    return creds;
  }
}
