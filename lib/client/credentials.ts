/**
 * The interface between the transport and whatever supplies credentials (static token,
 * token file, exec plugin, service account).
 *
 * @module
 */

/**
 * A PEM client certificate and its key.
 *
 * @example
 * ```ts
 * import {
 *   type ClientCertificate,
 *   type CredentialSource,
 *   hideKey,
 * } from "@staircase/staircase/client";
 *
 * // A source that signs in with a client certificate (e.g. one read from files).
 * const certificate: ClientCertificate = hideKey({
 *   cert: "-----BEGIN CERTIFICATE-----...",
 *   key: "-----BEGIN PRIVATE KEY-----...",
 * });
 * const source: CredentialSource = {
 *   get: () => Promise.resolve({ clientCertificate: certificate }),
 *   invalidate: () => Promise.resolve(false),
 * };
 * console.log(JSON.stringify(await source.get())); // the key stays out of logs and JSON:
 * // {"clientCertificate":{"cert":"-----BEGIN CERTIFICATE-----..."}}
 * ```
 */
export interface ClientCertificate {
  /** The PEM certificate (chain). */
  cert: string;
  /** The PEM private key. */
  key: string;
}

/**
 * A copy of `certificate` whose `key` is not enumerable, so `JSON.stringify` and
 * `Deno.inspect` of the object (or of a connection holding it) never show the key. Read
 * `key` directly: a spread (`{ ...cert }`) leaves it behind.
 *
 * @example
 * ```ts
 * import { hideKey } from "@staircase/staircase/client";
 * const cert = hideKey({ cert: "CERT", key: "KEY" });
 * console.log(cert.key, JSON.stringify(cert)); // KEY {"cert":"CERT"}
 * ```
 */
export function hideKey(certificate: ClientCertificate): ClientCertificate {
  const out = { cert: certificate.cert } as ClientCertificate;
  Object.defineProperty(out, "key", { value: certificate.key, enumerable: false });
  return out;
}

/**
 * What one request needs from its credentials.
 *
 * @example
 * ```ts
 * import { type RequestCredentials, StaticCredentials } from "@staircase/staircase/client";
 *
 * // What a source hands the transport for one request: a header, a certificate, or both.
 * const credentials: RequestCredentials = await StaticCredentials.bearer("abc").get();
 * console.log(credentials.authorization, credentials.clientCertificate); // Bearer abc undefined
 * ```
 */
export interface RequestCredentials {
  /** The `Authorization` header value, e.g. `Bearer ...`. */
  authorization?: string;
  /** A client certificate, when the credentials are a certificate (e.g. from an exec plugin). */
  clientCertificate?: ClientCertificate;
}

/**
 * Supplies credentials for requests and renews them when the server refuses them.
 *
 * @example A source whose token is renewed after a 401
 * ```ts
 * import type { CredentialSource, RequestCredentials } from "@staircase/staircase/client";
 *
 * // After a 401 the transport calls invalidate(), then get() again for the retry.
 * class RenewedToken implements CredentialSource {
 *   #version = 1;
 *   get(): Promise<RequestCredentials> {
 *     return Promise.resolve({ authorization: `Bearer token-${this.#version}` });
 *   }
 *   invalidate(): Promise<boolean> {
 *     this.#version++;
 *     return Promise.resolve(true); // true: a retry with the new token may succeed
 *   }
 * }
 * const source = new RenewedToken();
 * console.log((await source.get()).authorization); // Bearer token-1
 * await source.invalidate();
 * console.log((await source.get()).authorization); // Bearer token-2
 * ```
 */
export interface CredentialSource {
  /** Credentials for the next request (cached while valid). */
  get(signal?: AbortSignal): Promise<RequestCredentials>;
  /**
   * Called after a `401`: forget cached credentials. Resolves `true` when fresh ones may
   * differ, so one retry of the request is worthwhile.
   */
  invalidate(): Promise<boolean>;
}

/**
 * Fixed credentials: a bearer token or basic auth. The secret is kept in a private field so it
 * never shows when the object is logged.
 *
 * @example
 * ```ts
 * import { StaticCredentials } from "@staircase/staircase/client";
 * const creds = StaticCredentials.bearer("my-token");
 * console.log(Deno.inspect(creds).includes("my-token")); // false
 * ```
 */
export class StaticCredentials implements CredentialSource {
  // Built once: every request reads it.
  readonly #creds: RequestCredentials;

  /** Uses this `Authorization` header value. */
  constructor(authorization?: string) {
    this.#creds = Object.freeze({ authorization });
  }

  /**
   * Credentials from a bearer token.
   *
   * @example
   * ```ts
   * import { type ClusterConnection, StaticCredentials } from "@staircase/staircase/client";
   *
   * const connection: ClusterConnection = {
   *   server: "https://10.0.0.1:6443",
   *   credentials: StaticCredentials.bearer("my-token"),
   * };
   * console.log(await connection.credentials?.get()); // { authorization: "Bearer my-token" }
   * ```
   */
  static bearer(token: string): StaticCredentials {
    return new StaticCredentials(`Bearer ${token}`);
  }

  /**
   * Credentials from a user name and password (basic auth).
   *
   * @example
   * ```ts
   * import { type ClusterConnection, StaticCredentials } from "@staircase/staircase/client";
   *
   * const connection: ClusterConnection = {
   *   server: "https://10.0.0.1:6443",
   *   credentials: StaticCredentials.basic("admin", "pw"),
   * };
   * console.log(await connection.credentials?.get()); // { authorization: "Basic YWRtaW46cHc=" }
   * ```
   */
  static basic(username: string, password: string): StaticCredentials {
    const bytes = new TextEncoder().encode(`${username}:${password}`);
    return new StaticCredentials(`Basic ${btoa(String.fromCharCode(...bytes))}`);
  }

  /** Returns the fixed credentials. */
  get(): Promise<RequestCredentials> {
    return Promise.resolve(this.#creds);
  }

  /** Fixed credentials cannot change: a retry would not help. */
  invalidate(): Promise<boolean> {
    return Promise.resolve(false);
  }
}
