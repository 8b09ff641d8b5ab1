/**
 * Credentials from an exec credential plugin (`client.authentication.k8s.io/v1` and
 * `v1beta1`), cached until their `expirationTimestamp` and renewed after a `401`.
 *
 * @module
 */

import type { KubeConfigCluster, KubeConfigExec } from "./kubeconfig_types.ts";
import { type CredentialSource, hideKey, type RequestCredentials } from "./credentials.ts";
import { CredentialError } from "./errors.ts";
import { explainPermissionError } from "./permissions.ts";
import { redactValues } from "./redact.ts";
import { isTimerMs, MAX_TIMER_MS } from "./_timers.ts";

const API_VERSIONS = new Set([
  "client.authentication.k8s.io/v1",
  "client.authentication.k8s.io/v1beta1",
]);

/**
 * Settings for {@linkcode ExecCredentials}.
 *
 * @example
 * ```ts
 * import { ExecCredentials, type RequestCredentials } from "@staircase/staircase/client";
 *
 * // The plugin gets 30 s and learns which cluster it signs in to (`provideClusterInfo`).
 * async function eksToken(): Promise<RequestCredentials> {
 *   const credentials = new ExecCredentials(
 *     {
 *       apiVersion: "client.authentication.k8s.io/v1",
 *       command: "aws",
 *       args: ["eks", "get-token", "--cluster-name", "prod"],
 *       provideClusterInfo: true,
 *     },
 *     { timeoutMs: 30_000, cluster: { server: "https://k:6443" } },
 *   );
 *   return await credentials.get();
 * }
 * ```
 */
export interface ExecCredentialsOptions {
  /** The cluster, passed to the plugin when `provideClusterInfo` is set. */
  cluster?: KubeConfigCluster;
  /**
   * How long the plugin may run, in milliseconds. Then it gets `SIGTERM`, and `SIGKILL`
   * {@linkcode killGraceMs} later if it is still running.
   *
   * @default {60000}
   */
  timeoutMs?: number;
  /**
   * How long a plugin has to exit after `SIGTERM` before it gets `SIGKILL`, and how long
   * its output may still arrive after it exited (a background child can hold the pipe open).
   *
   * @default {2000}
   */
  killGraceMs?: number;
  /**
   * The most the plugin may print on stdout, in bytes; more is a `CredentialError`.
   *
   * @default {1048576}
   */
  maxOutputBytes?: number;
  /**
   * Renew this long before `expirationTimestamp`, in milliseconds.
   *
   * @default {10000}
   */
  expirySkewMs?: number;
}

/**
 * Refuses options that would stop every run at once or never (a NaN or negative timeout, one
 * longer than a timer can wait) with a RangeError naming the option.
 */
function checkExecOptions(options: ExecCredentialsOptions): void {
  const durations = {
    timeoutMs: [options.timeoutMs, 1],
    killGraceMs: [options.killGraceMs, 0],
    expirySkewMs: [options.expirySkewMs, 0],
  } as const;
  for (const [name, [value, min]] of Object.entries(durations)) {
    if (value !== undefined && !isTimerMs(value, min)) {
      throw new RangeError(
        `exec credentials: ${name} must be a number of ms in [${min}, ${MAX_TIMER_MS}], got ${value}`,
      );
    }
  }
  const max = options.maxOutputBytes;
  if (max !== undefined && !(Number.isInteger(max) && max >= 1)) {
    throw new RangeError(
      `exec credentials: maxOutputBytes must be a whole number >= 1, got ${max}`,
    );
  }
}

/** How much of stderr is kept for an error message (its end, where the reason usually is). */
const STDERR_KEPT = 4096;

/** Reads a pipe, keeping at most `max` bytes; `keepEnd` keeps the last bytes instead. */
async function drain(
  stream: ReadableStream<Uint8Array>,
  max: number,
  keepEnd: boolean,
  stop: Promise<void>,
): Promise<{ bytes: Uint8Array; overflow: boolean }> {
  const reader = stream.getReader();
  let chunks: Uint8Array[] = [];
  let size = 0;
  let overflow = false;
  const stopped = stop.then(() => ({ done: true, value: undefined }) as const);
  try {
    while (true) {
      const { done, value } = await Promise.race([reader.read(), stopped]);
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
      if (size > max) {
        overflow = true;
        if (!keepEnd) break;
        // Keep only the newest `max` bytes.
        const all = concat(chunks, size).subarray(size - max);
        chunks = [all];
        size = all.byteLength;
      }
    }
  } finally {
    reader.cancel().catch(() => {});
  }
  return { bytes: concat(chunks, size), overflow };
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

interface ExecStatus {
  token?: string;
  clientCertificateData?: string;
  clientKeyData?: string;
  expirationTimestamp?: string;
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === "string");
}

function clip(text: string, max = 500): string {
  const t = text.trim();
  return t.length > max ? `${t.slice(0, max)}…` : t;
}

/**
 * Runs an exec credential plugin and caches what it prints.
 *
 * @example
 * ```ts
 * import { ExecCredentials, HttpRestClient } from "@staircase/staircase/client";
 *
 * function gkeClient(server: string, caCert: string): HttpRestClient {
 *   const credentials = new ExecCredentials({
 *     apiVersion: "client.authentication.k8s.io/v1",
 *     command: "gke-gcloud-auth-plugin",
 *   });
 *   return new HttpRestClient({ server, caCerts: [caCert], credentials });
 * }
 * ```
 */
export class ExecCredentials implements CredentialSource {
  readonly #exec: KubeConfigExec;
  readonly #options: ExecCredentialsOptions;
  #cached?: { creds: RequestCredentials; expiresAt: number };
  /** Every credential value this source has held: never quoted in an error. */
  readonly #known = new Set<string>();
  #running?: Promise<RequestCredentials>;

  /**
   * Creates the source; the plugin first runs on the first {@linkcode get}.
   *
   * @param exec The kubeconfig's `exec` section.
   * @param options Timeouts and limits.
   * @throws {CredentialError} If `exec` is malformed or asks for an interactive terminal.
   * @throws {RangeError} If a timeout or limit in `options` is out of range.
   */
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
    if (exec.args !== undefined && !isStringList(exec.args)) {
      throw new CredentialError(`exec plugin "${exec.command}": args must be a list of strings`);
    }
    if (
      exec.env !== undefined &&
      (!Array.isArray(exec.env) ||
        !exec.env.every((e) => typeof e?.name === "string" && typeof e?.value === "string"))
    ) {
      throw new CredentialError(
        `exec plugin "${exec.command}": env must be a list of { name, value } strings`,
      );
    }
    if (exec.interactiveMode === "Always") {
      throw new CredentialError(
        `exec plugin "${exec.command}" requires an interactive terminal (interactiveMode: Always), ` +
          "which a controller does not have",
      );
    }
    checkExecOptions(options);
    this.#exec = exec;
    this.#options = options;
  }

  /**
   * Returns cached credentials, running the plugin when there are none or they expired.
   * Concurrent callers share one run, so `signal` does not stop the plugin: the HTTP client
   * stops *waiting* for it when the request is aborted or times out.
   */
  get(_signal?: AbortSignal): Promise<RequestCredentials> {
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
    const timeoutMs = this.#options.timeoutMs ?? 60_000;
    const graceMs = this.#options.killGraceMs ?? 2_000;
    const maxOutput = this.#options.maxOutputBytes ?? 1024 * 1024;
    let child: Deno.ChildProcess;
    try {
      child = new Deno.Command(name, {
        args: this.#exec.args ?? [],
        env,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
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
    // SIGTERM at the deadline, SIGKILL a grace period later: a plugin that ignores SIGTERM
    // cannot hold the request.
    let timedOut = false;
    let killTimer: ReturnType<typeof setTimeout> | undefined;
    const kill = (signal: Deno.Signal): void => {
      try {
        child.kill(signal);
      } catch { /* already gone */ }
    };
    const termTimer = setTimeout(() => {
      timedOut = true;
      kill("SIGTERM");
      killTimer = setTimeout(() => kill("SIGKILL"), graceMs);
    }, timeoutMs);
    // Output may lag the exit a little; a background child holding the pipe must not keep us.
    let release = (): void => {};
    const outputDone = new Promise<void>((resolve) => (release = resolve));
    let overLimit = false;
    const stdout = drain(child.stdout, maxOutput, false, outputDone).then((r) => {
      if (r.overflow) {
        overLimit = true;
        kill("SIGKILL");
      }
      return r.bytes;
    });
    const stderr = drain(child.stderr, STDERR_KEPT, true, outputDone);
    let status: Deno.CommandStatus;
    let graceTimer: ReturnType<typeof setTimeout> | undefined;
    try {
      status = await child.status;
      graceTimer = setTimeout(release, graceMs);
      await Promise.all([stdout, stderr]);
    } finally {
      clearTimeout(termTimer);
      clearTimeout(killTimer);
      clearTimeout(graceTimer);
      release();
    }
    if (overLimit) {
      throw new CredentialError(
        `exec plugin "${name}" printed more than ${maxOutput} bytes (maxOutputBytes); it was stopped`,
      );
    }
    if (timedOut) {
      throw new CredentialError(`exec plugin "${name}" did not finish within ${timeoutMs} ms`);
    }
    if (!status.success) {
      const text = this.#quote(new TextDecoder().decode((await stderr).bytes));
      const how = status.signal
        ? `was killed (${status.signal})`
        : `exited with code ${status.code}`;
      throw new CredentialError(`exec plugin "${name}" ${how}${text ? `: ${text}` : ""}`);
    }
    return this.#accept(name, new TextDecoder().decode(await stdout));
  }

  /** Plugin stderr for a message: clipped, without any credential value this source knows. */
  #quote(stderr: string): string {
    const known = [...this.#known, ...(this.#exec.env ?? []).map((e) => e.value)];
    return clip(redactValues(stderr, known));
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
      this.#known.add(status.token);
    }
    if (status.clientCertificateData || status.clientKeyData) {
      if (!status.clientCertificateData || !status.clientKeyData) {
        throw new CredentialError(
          `exec plugin "${name}" returned a client certificate without its key, or a key without its certificate`,
        );
      }
      creds.clientCertificate = hideKey({
        cert: status.clientCertificateData,
        key: status.clientKeyData,
      });
      this.#known.add(status.clientKeyData);
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
