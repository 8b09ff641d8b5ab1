/**
 * Named errors of the client other than API refusals (see `KubernetesApiError`).
 *
 * None of them ever carries a token, a key or a password in its message.
 *
 * @module
 */

import { redactSecrets } from "./redact.ts";

/**
 * The client configuration (kubeconfig, in-cluster files, options) is missing or invalid.
 *
 * @example
 * ```ts
 * import { ClientConfigError } from "@staircase/staircase/client";
 * const err = new ClientConfigError("context \"dev\" not found", { source: "/home/me/.kube/config" });
 * console.log(err.message); // /home/me/.kube/config: context "dev" not found
 * ```
 */
export class ClientConfigError extends Error {
  /** The file the problem is in, when there is one. */
  readonly source?: string;
  /** What was tried, for automatic detection failures. */
  readonly attempts: string[];

  /** Creates the error. */
  constructor(
    message: string,
    options?: { source?: string; attempts?: string[]; cause?: unknown },
  ) {
    const attempts = options?.attempts ?? [];
    const where = options?.source ? `${options.source}: ` : "";
    const tried = attempts.length ? `\n${attempts.map((a) => `  - ${a}`).join("\n")}` : "";
    super(redactSecrets(`${where}${message}${tried}`), { cause: options?.cause });
    this.name = "ClientConfigError";
    this.source = options?.source;
    this.attempts = attempts;
  }
}

/**
 * Deno refused an operation the client needs; {@linkcode flag} is the exact flag to add.
 *
 * @example
 * ```ts
 * import { MissingPermissionError } from "@staircase/staircase/client";
 * const err = new MissingPermissionError("reading the kubeconfig", "--allow-read=/home/me/.kube/config");
 * console.log(err.flag); // --allow-read=/home/me/.kube/config
 * ```
 */
export class MissingPermissionError extends Error {
  /** The `--allow-*` flag that is missing, e.g. `--allow-net=10.0.0.1:443`. */
  readonly flag: string;

  /** Creates the error. */
  constructor(what: string, flag: string, options?: { cause?: unknown }) {
    super(`${what} needs a Deno permission: run with ${flag}`, options);
    this.name = "MissingPermissionError";
    this.flag = flag;
  }
}

/**
 * Getting credentials failed: an exec plugin failed or printed something unusable, or a token
 * file could not be read.
 *
 * @example
 * ```ts
 * import { CredentialError } from "@staircase/staircase/client";
 * console.log(new CredentialError("exec plugin \"gke-auth\" exited with code 1").name);
 * // CredentialError
 * ```
 */
export class CredentialError extends Error {
  /** Creates the error. */
  constructor(message: string, options?: { cause?: unknown }) {
    // Plugin output and file names are quoted in these messages: scrub anything secret-looking.
    super(redactSecrets(message), options);
    this.name = "CredentialError";
  }
}

/**
 * The API server could not be reached (refused, reset, DNS failure, timeout).
 *
 * @example
 * ```ts
 * import { ConnectionError } from "@staircase/staircase/client";
 * const err = new ConnectionError("https://127.0.0.1:6443", "connection refused");
 * console.log(err.server); // https://127.0.0.1:6443
 * ```
 */
export class ConnectionError extends Error {
  /** The server URL. */
  readonly server: string;

  /** Creates the error. */
  constructor(server: string, detail: string, options?: { cause?: unknown }) {
    super(redactSecrets(`cannot reach the API server at ${server}: ${detail}`), options);
    this.name = "ConnectionError";
    this.server = redactSecrets(server);
  }
}

/**
 * The TLS handshake with the API server failed, most often because the server certificate is
 * not signed by the configured certificate authority or does not name the server's address.
 *
 * @example
 * ```ts
 * import { TlsError } from "@staircase/staircase/client";
 * const err = new TlsError("https://127.0.0.1:6443", "invalid peer certificate: UnknownIssuer");
 * console.log(err instanceof Error, err.name); // true TlsError
 * ```
 */
export class TlsError extends ConnectionError {
  /** Creates the error. */
  constructor(server: string, detail: string, options?: { cause?: unknown }) {
    super(server, `TLS failure: ${detail}`, options);
    this.name = "TlsError";
  }
}

/**
 * A watch stream delivered no event for longer than its idle timeout and was closed.
 *
 * @example
 * ```ts
 * import { WatchIdleError } from "@staircase/staircase/client";
 * console.log(new WatchIdleError(60_000).idleTimeoutMs); // 60000
 * ```
 */
export class WatchIdleError extends Error {
  /** The idle timeout that expired, in milliseconds. */
  readonly idleTimeoutMs: number;

  /** Creates the error. */
  constructor(idleTimeoutMs: number) {
    super(
      `watch stream delivered no event for more than ${idleTimeoutMs} ms; it is considered dead`,
    );
    this.name = "WatchIdleError";
    this.idleTimeoutMs = idleTimeoutMs;
  }
}

/**
 * The API server (or something in front of it) answered with a redirect. Redirects are never
 * followed: a redirect could send the request body and credentials elsewhere, downgrade
 * HTTPS to plain HTTP, or turn a read of one object into a read of another.
 *
 * @example
 * ```ts
 * import { RedirectError } from "@staircase/staircase/client";
 * const err = new RedirectError("GET /api/v1/namespaces", 302, "http://elsewhere/");
 * console.log(err.location, err.status); // http://elsewhere/ 302
 * ```
 */
export class RedirectError extends Error {
  /** The HTTP status (301, 302, 303, 307 or 308). */
  readonly status: number;
  /** Where the redirect pointed (user info in it redacted), or `undefined` when it named none. */
  readonly location?: string;

  /** Creates the error. */
  constructor(request: string, status: number, location?: string) {
    const where = location === undefined ? undefined : redactSecrets(location);
    super(
      `${request}: the server answered with a redirect (HTTP ${status}${
        where === undefined ? ", no location" : ` to ${where}`
      }), which is never followed`,
    );
    this.name = "RedirectError";
    this.status = status;
    this.location = where;
  }
}

/**
 * A line of a JSON-lines stream (one watch event) grew past the decoder's limit; the stream
 * was stopped rather than buffer without bound.
 *
 * @example
 * ```ts
 * import { LineTooLongError } from "@staircase/staircase/client";
 * console.log(new LineTooLongError(16 * 1024 * 1024).maxLineLength); // 16777216
 * ```
 */
export class LineTooLongError extends Error {
  /** The limit that was exceeded, in characters. */
  readonly maxLineLength: number;

  /** Creates the error. */
  constructor(maxLineLength: number) {
    super(
      `JSON-lines stream: a line is longer than the limit of ${maxLineLength} characters ` +
        "(maxLineLength); the stream was stopped",
    );
    this.name = "LineTooLongError";
    this.maxLineLength = maxLineLength;
  }
}
