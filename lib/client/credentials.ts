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
 * import type { ClientCertificate } from "@staircase/staircase/client";
 * const cert: ClientCertificate = { cert: "-----BEGIN CERTIFICATE-----...", key: "-----BEGIN PRIVATE KEY-----..." };
 * console.log(cert.cert.length > 0);
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
 * import type { RequestCredentials } from "@staircase/staircase/client";
 * const creds: RequestCredentials = { authorization: "Bearer abc" };
 * console.log(creds.clientCertificate === undefined);
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
 * @example A custom source with a fixed token
 * ```ts
 * import type { CredentialSource, RequestCredentials } from "@staircase/staircase/client";
 *
 * class FixedToken implements CredentialSource {
 *   #token = "secret";
 *   get(): Promise<RequestCredentials> {
 *     return Promise.resolve({ authorization: `Bearer ${this.#token}` });
 *   }
 *   invalidate(): Promise<boolean> {
 *     return Promise.resolve(false);
 *   }
 * }
 * console.log(new FixedToken() !== undefined);
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
