/**
 * A bearer token read from a file and re-read when the file changes (bound service-account
 * tokens rotate; a client that reads its token once fails after about an hour).
 *
 * @module
 */

import type { CredentialSource, RequestCredentials } from "./credentials.ts";
import { CredentialError } from "./errors.ts";
import { explainPermissionError } from "./permissions.ts";

/**
 * Settings for {@linkcode TokenFileCredentials}.
 *
 * @example
 * ```ts
 * import { TokenFileCredentials } from "@staircase/staircase/client";
 *
 * // A token that rotates rarely: look at the file once a minute (and after every 401).
 * const credentials = new TokenFileCredentials("/var/run/secrets/tokens/api-token", {
 *   checkIntervalMs: 60_000,
 * });
 * console.log(credentials.path); // /var/run/secrets/tokens/api-token
 * ```
 */
export interface TokenFileOptions {
  /**
   * How often to check the file for changes, in milliseconds.
   *
   * @default {10000}
   */
  checkIntervalMs?: number;
}

/**
 * Reads a token file, checking at most every `checkIntervalMs` whether it changed, and
 * immediately after a `401`.
 *
 * @example
 * ```ts
 * import { HttpRestClient, SERVICE_ACCOUNT_DIR, TokenFileCredentials } from "@staircase/staircase/client";
 *
 * async function serviceAccountClient(server: string): Promise<HttpRestClient> {
 *   return new HttpRestClient({
 *     server,
 *     caCerts: [await Deno.readTextFile(`${SERVICE_ACCOUNT_DIR}/ca.crt`)],
 *     credentials: new TokenFileCredentials(`${SERVICE_ACCOUNT_DIR}/token`),
 *   });
 * }
 * ```
 */
export class TokenFileCredentials implements CredentialSource {
  /** The token file. */
  readonly path: string;
  readonly #interval: number;
  #token?: string;
  /** The header built from {@linkcode #token}, rebuilt only when the token changes. */
  #creds: RequestCredentials = {};
  #mtime?: number;
  #checkedAt = -Infinity;

  /**
   * Creates the source; the file is first read by the first {@linkcode get}.
   *
   * @param path The token file.
   * @param options How often to look at the file again.
   * @throws {RangeError} If `checkIntervalMs` is NaN or negative (the token would never, or
   * always, be read again).
   */
  constructor(path: string, options: TokenFileOptions = {}) {
    const interval = options.checkIntervalMs ?? 10_000;
    if (typeof interval !== "number" || !(interval >= 0)) {
      throw new RangeError(
        `token file: checkIntervalMs must be a number of ms >= 0, got ${interval}`,
      );
    }
    this.path = path;
    this.#interval = interval;
  }

  /** Returns `Bearer <token>`, re-reading the file when due. */
  async get(): Promise<RequestCredentials> {
    if (this.#token === undefined || performance.now() - this.#checkedAt >= this.#interval) {
      await this.#refresh(false);
    }
    return this.#creds;
  }

  /** Re-reads the file now; `true` when the token changed. */
  async invalidate(): Promise<boolean> {
    const before = this.#token;
    await this.#refresh(true);
    return this.#token !== before;
  }

  async #refresh(force: boolean): Promise<void> {
    this.#checkedAt = performance.now();
    try {
      if (!force && this.#token !== undefined) {
        const mtime = (await Deno.stat(this.path)).mtime?.getTime();
        if (mtime !== undefined && mtime === this.#mtime) return;
      }
      const text = await Deno.readTextFile(this.path);
      const token = text.trim();
      if (token === "") throw new CredentialError(`token file ${this.path} is empty`);
      if (token !== this.#token) {
        this.#token = token;
        this.#creds = Object.freeze({ authorization: `Bearer ${token}` });
      }
      this.#mtime = (await Deno.stat(this.path)).mtime?.getTime();
    } catch (err) {
      if (err instanceof CredentialError) throw err;
      const explained = explainPermissionError(err, `reading token file`, "read", this.path);
      if (explained !== err) throw explained;
      // Keep using a token we already have if the file is briefly missing during rotation.
      if (this.#token !== undefined && !force) return;
      throw new CredentialError(
        `cannot read token file ${this.path}: ${(err as Error).name}`,
        { cause: err },
      );
    }
  }
}
