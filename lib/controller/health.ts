/**
 * The health endpoints kubelet probes: `/healthz` (liveness; `/livez` is an alias) and
 * `/readyz` (readiness), each the conjunction of named checks, served with `Deno.serve`.
 *
 * The answer format follows kube-apiserver's: `200 ok` when every check passes; otherwise
 * `503` with one line per check (`[+]name ok`, `[-]name failed: reason`). `?verbose` lists
 * the checks on success too, `?exclude=name` (repeatable) skips checks, and
 * `/readyz/<name>` runs one check.
 *
 * @module
 */

import { defaultLogger, type Logger } from "../steps/logger.ts";
import { isTimerMs, MAX_TIMER_MS } from "../client/_timers.ts";

/**
 * One named health check: passes when it returns (or resolves to) anything but `false`; fails
 * when it returns `false`, throws, rejects, or takes longer than `checkTimeoutMs`.
 *
 * @example
 * ```ts
 * import { type HealthCheck, HealthServer } from "@staircase/staircase/controller";
 *
 * let synced = false;
 * const cachesSynced: HealthCheck = () => synced; // false fails the check
 * const apiReachable: HealthCheck = () => {
 *   if (!synced) throw new Error("the caches have not listed yet"); // so does throwing
 * };
 * await using health = new HealthServer();
 * health.addCheck("readiness", "caches-synced", cachesSynced);
 * health.addCheck("readiness", "api-reachable", apiReachable);
 * const before = await health.handle(new Request("http://localhost/readyz"));
 * synced = true;
 * const after = await health.handle(new Request("http://localhost/readyz"));
 * console.log(before.status, after.status, await after.text()); // 503 200 ok
 * await before.body?.cancel();
 * ```
 */
export type HealthCheck = () => boolean | void | Promise<boolean | void>;

/**
 * Options of {@linkcode HealthServer}.
 *
 * @example
 * ```ts
 * import { HealthServer } from "@staircase/staircase/controller";
 *
 * // Port and hostname matter once it listens; a check still running after 50 ms fails.
 * await using health = new HealthServer({ port: 8081, hostname: "0.0.0.0", checkTimeoutMs: 50 });
 * health.addCheck("liveness", "stuck", () => new Promise(() => {}));
 * const answer = await health.handle(new Request("http://localhost/healthz"));
 * console.log(answer.status, await answer.text()); // 503 [-]stuck failed: ...
 * ```
 */
export interface HealthServerOptions {
  /**
   * The TCP port; `0` picks a free one (read it from {@linkcode HealthServer.address}).
   *
   * @default {8081} (the port kubebuilder-scaffolded operators probe)
   */
  port?: number;
  /**
   * The address to listen on. All IPv4 interfaces, because kubelet probes the pod's IP; use
   * `"::"` in an IPv6 cluster, `127.0.0.1` outside a pod.
   *
   * @default {"0.0.0.0"}
   */
  hostname?: string;
  /**
   * How long one check may take before it counts as failed.
   *
   * @default {5000}
   */
  checkTimeoutMs?: number;
  /**
   * Where failing checks are logged (at debug level: probes repeat every few seconds).
   *
   * @default {defaultLogger(["health"])}
   */
  logger?: Logger;
}

/**
 * Which endpoint a check belongs to: `"liveness"` (`/healthz`, `/livez`) or `"readiness"`
 * (`/readyz`).
 *
 * @example
 * ```ts
 * import { type HealthCheckKind, HealthServer } from "@staircase/staircase/controller";
 *
 * // "readiness" checks answer /readyz; "liveness" checks answer /healthz and /livez.
 * const kind: HealthCheckKind = "readiness";
 * await using health = new HealthServer();
 * health.addCheck(kind, "caches-synced", () => false);
 * const ready = await health.handle(new Request("http://localhost/readyz"));
 * const live = await health.handle(new Request("http://localhost/healthz"));
 * console.log(ready.status, live.status); // 503 200
 * await Promise.all([ready.body?.cancel(), live.body?.cancel()]);
 * ```
 */
export type HealthCheckKind = "liveness" | "readiness";

/**
 * Bad {@linkcode HealthServerOptions}, a bad or duplicate check name, or a server that cannot
 * listen (e.g. the port is taken).
 *
 * @example
 * ```ts
 * import { HealthServerError } from "@staircase/staircase/controller";
 *
 * console.log(new HealthServerError("port must be an integer from 0 to 65535").message);
 * // health server: port must be an integer from 0 to 65535
 * ```
 */
export class HealthServerError extends Error {
  /** Creates the error. */
  constructor(problem: string, options?: { cause?: unknown }) {
    super(`health server: ${problem}`, options);
    this.name = "HealthServerError";
  }
}

/** The result of one check. */
interface CheckResult {
  name: string;
  error?: string;
}

const CHECK_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const PATHS: Record<string, HealthCheckKind> = {
  healthz: "liveness",
  livez: "liveness",
  readyz: "readiness",
};

function text(status: number, body: string, headers: Record<string, string> = {}): Response {
  return new Response(body, {
    status,
    headers: {
      "content-type": "text/plain; charset=utf-8",
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
      ...headers,
    },
  });
}

/**
 * Serves `/healthz`, `/livez` and `/readyz` over named checks. Checks can be added before or
 * after {@linkcode HealthServer.listen}; with no checks, an endpoint answers `200 ok`.
 * {@linkcode HealthServer.handle} answers a `Request` without listening, to mount the
 * endpoints in another server.
 *
 * @example Readiness once the caches are synced
 * ```ts
 * import { HealthServer } from "@staircase/staircase/controller";
 *
 * let synced = false;
 * await using health = new HealthServer({ port: 0, hostname: "127.0.0.1" });
 * health.addCheck("readiness", "caches-synced", () => synced);
 * const { hostname, port } = health.listen();
 * const before = await fetch(`http://${hostname}:${port}/readyz`);
 * console.log(before.status, await before.text()); // 503 [-]caches-synced failed: ...
 * synced = true;
 * const after = await fetch(`http://${hostname}:${port}/readyz`);
 * console.log(after.status, await after.text()); // 200 ok
 * ```
 */
export class HealthServer implements AsyncDisposable {
  /** The port asked for (`0`: any free port). */
  readonly port: number;
  /** The address asked for. */
  readonly hostname: string;
  /** The time limit of one check. */
  readonly checkTimeoutMs: number;

  readonly #checks: Record<HealthCheckKind, Map<string, HealthCheck>> = {
    liveness: new Map(),
    readiness: new Map(),
  };
  readonly #log: Logger;
  #server?: Deno.HttpServer<Deno.NetAddr>;
  #closing?: Promise<void>;

  /**
   * Creates the server; it listens only after {@linkcode HealthServer.listen}.
   *
   * @throws {HealthServerError} If an option is out of range.
   */
  constructor(options: HealthServerOptions = {}) {
    const port = options.port ?? 8081;
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new HealthServerError(`port must be an integer from 0 to 65535, got ${port}`);
    }
    const hostname = options.hostname ?? "0.0.0.0";
    if (typeof hostname !== "string" || hostname === "") {
      throw new HealthServerError("hostname must be a non-empty string");
    }
    const timeout = options.checkTimeoutMs ?? 5_000;
    if (!isTimerMs(timeout, 0, true)) {
      throw new HealthServerError(
        `checkTimeoutMs must be a number of milliseconds in (0, ${MAX_TIMER_MS}], got ${timeout}`,
      );
    }
    this.port = port;
    this.hostname = hostname;
    this.checkTimeoutMs = timeout;
    this.#log = options.logger ?? defaultLogger(["health"]);
  }

  /**
   * Adds a named check to `/healthz` (`"liveness"`) or `/readyz` (`"readiness"`).
   *
   * @param kind The endpoint.
   * @param name Letters, digits, `-`, `_` and `.`; unique per endpoint. Shown in the answer
   * and addressable as `/readyz/<name>`.
   * @param check The check.
   * @throws {HealthServerError} If the name is invalid or already taken on that endpoint.
   */
  addCheck(kind: HealthCheckKind, name: string, check: HealthCheck): void {
    const checks = this.#checks[kind];
    if (!checks) throw new HealthServerError(`kind must be "liveness" or "readiness"`);
    if (typeof name !== "string" || !CHECK_NAME.test(name)) {
      throw new HealthServerError(
        `check name ${JSON.stringify(name)} must be letters, digits, "-", "_" or "."`,
      );
    }
    if (typeof check !== "function") {
      throw new HealthServerError(`check ${name} must be a function`);
    }
    if (checks.has(name)) {
      throw new HealthServerError(`a ${kind} check named ${name} already exists`);
    }
    checks.set(name, check);
  }

  /**
   * Removes a named check.
   *
   * @returns Whether there was such a check.
   */
  removeCheck(kind: HealthCheckKind, name: string): boolean {
    return this.#checks[kind]?.delete(name) ?? false;
  }

  /** The address listened on, once {@linkcode HealthServer.listen} has been called. */
  get address(): Deno.NetAddr | undefined {
    return this.#server?.addr;
  }

  /**
   * Starts listening (needs `--allow-net` for the address).
   *
   * @returns The address listened on (with the real port when `port` was `0`).
   * @throws {HealthServerError} If it is already listening, was closed, or cannot listen (the cause says
   * why, e.g. `Deno.errors.AddrInUse`).
   */
  listen(): Deno.NetAddr {
    if (this.#closing) throw new HealthServerError("closed: make a new HealthServer");
    if (this.#server) throw new HealthServerError("already listening");
    try {
      this.#server = Deno.serve({
        port: this.port,
        hostname: this.hostname,
        onListen: () => {}, // no "Listening on" line on stdout
      }, (request) => this.handle(request));
    } catch (error) {
      const detail = error instanceof Deno.errors.AddrInUse
        ? "the port is in use"
        : error instanceof Error
        ? error.message
        : String(error);
      throw new HealthServerError(
        `cannot listen on ${this.hostname}:${this.port}: ${detail}`,
        { cause: error },
      );
    }
    return this.#server.addr;
  }

  /**
   * Answers one request as the endpoints do. `GET` and `HEAD` only.
   *
   * @param request The request; only its method and URL are read.
   * @returns The response.
   */
  async handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const [, endpoint, name, ...rest] = url.pathname.split("/");
    const kind = PATHS[endpoint];
    if (kind === undefined || rest.length > 0) return text(404, "not found\n");
    if (request.method !== "GET" && request.method !== "HEAD") {
      return text(405, "method not allowed\n", { allow: "GET, HEAD" });
    }
    const checks = this.#checks[kind];
    if (name !== undefined && name !== "") {
      const check = checks.get(name);
      if (!check) return text(404, `no ${kind} check named ${name}\n`);
      const result = await this.#run(name, check);
      return result.error === undefined
        ? text(200, "ok\n")
        : text(503, `${name} failed: ${result.error}\n`);
    }
    const excluded = new Set(url.searchParams.getAll("exclude"));
    const results = await Promise.all(
      [...checks].filter(([n]) => !excluded.has(n)).map(([n, check]) => this.#run(n, check)),
    );
    const failed = results.some((r) => r.error !== undefined);
    if (!failed && !url.searchParams.has("verbose")) return text(200, "ok\n");
    const lines = results.map((r) =>
      r.error === undefined ? `[+]${r.name} ok` : `[-]${r.name} failed: ${r.error}`
    );
    for (const n of excluded) {
      if (checks.has(n)) lines.push(`[+]${n} excluded: ok`);
    }
    lines.push(`${endpoint} check ${failed ? "failed" : "passed"}`);
    return text(failed ? 503 : 200, lines.join("\n") + "\n");
  }

  /** Runs one check within the time limit; never throws. */
  async #run(name: string, check: HealthCheck): Promise<CheckResult> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), this.checkTimeoutMs);
    });
    try {
      const outcome = await Promise.race([
        (async () => await check())(),
        timeout,
      ]);
      if (outcome === "timeout") {
        return this.#failed(name, `no answer within ${this.checkTimeoutMs} ms`);
      }
      return outcome === false ? this.#failed(name, "not ok") : { name };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // One line per check: the answer is parsed line by line.
      return this.#failed(name, message.replaceAll(/\s*\n\s*/g, " "));
    } finally {
      clearTimeout(timer);
    }
  }

  #failed(name: string, error: string): CheckResult {
    this.#log.debug(`health check ${name} failed`, { check: name, error });
    return { name, error };
  }

  /**
   * Stops listening: new connections are refused, answers in flight complete. Safe to call
   * more than once, and before {@linkcode HealthServer.listen}.
   */
  close(): Promise<void> {
    this.#closing ??= this.#server?.shutdown() ?? Promise.resolve();
    return this.#closing;
  }

  /** Same as {@linkcode HealthServer.close}. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
