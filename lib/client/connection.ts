/**
 * Everything needed to talk to one API server, whatever it was configured from.
 *
 * @module
 */

import type { ClientCertificate, CredentialSource } from "./credentials.ts";

/**
 * One API server and the credentials to use with it.
 *
 * @example
 * ```ts
 * import { type ClusterConnection, HttpRestClient, StaticCredentials } from "@staircase/staircase/client";
 *
 * function clientFor(server: string, caCert: string, token: string): HttpRestClient {
 *   const connection: ClusterConnection = {
 *     server,
 *     caCerts: [caCert],
 *     credentials: StaticCredentials.bearer(token),
 *     namespace: "default",
 *   };
 *   return new HttpRestClient(connection);
 * }
 * ```
 */
export interface ClusterConnection {
  /** The server's base URL, e.g. `https://10.0.0.1:443`. */
  server: string;
  /** PEM certificate authorities to trust (in addition to the system's). */
  caCerts?: string[];
  /** A fixed client certificate. */
  clientCertificate?: ClientCertificate;
  /** A source of tokens (or certificates) that may change over time. */
  credentials?: CredentialSource;
  /** The default namespace. */
  namespace?: string;
  /**
   * The configuration asks to skip server certificate checks. Deno cannot do that for one
   * client: the process must be started with `--unsafely-ignore-certificate-errors=<host>`.
   */
  insecureSkipTlsVerify?: boolean;
  /** The name the server certificate should be checked against (see the client docs). */
  tlsServerName?: string;
  /** An HTTP(S) or SOCKS5 proxy for requests to this server (kubeconfig `proxy-url`). */
  proxyUrl?: string;
  /** Where the configuration came from, for messages (never includes secrets). */
  description?: string;
}
