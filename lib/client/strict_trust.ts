/**
 * The strict trust check: Deno cannot make a kubeconfig's certificate authority the *only*
 * root a client trusts (`Deno.createHttpClient({ caCerts })` adds to the process's root
 * store, Mozilla's by default, and no option removes those). So a server certificate that a
 * public CA issued for the server's name is also accepted. In client-go the configured CA is
 * the only root.
 *
 * What can be guaranteed instead: public CAs may not issue certificates for private IP
 * addresses or internal names (CA/Browser Forum Baseline Requirements). When the server is
 * such a host, only the configured CA (or the operator of the machine's root store) can vouch
 * for it, which is what client-go's behaviour gives. `strictTrust` refuses any other host.
 *
 * @module
 */

import type { ClusterConnection } from "./connection.ts";
import { ClientConfigError } from "./errors.ts";

/** Name suffixes that are not delegated in public DNS, so no public CA certifies them. */
const INTERNAL_SUFFIXES = [
  ".local",
  ".localhost",
  ".internal",
  ".lan",
  ".home.arpa",
  ".test",
  ".invalid",
  ".example",
  ".svc",
  ".cluster.local",
];

function ipv4Private(host: string): boolean | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return undefined;
  const [a, b] = [Number(m[1]), Number(m[2])];
  return a === 10 || a === 127 || (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127);
}

function ipv6Private(host: string): boolean | undefined {
  if (!host.includes(":")) return undefined;
  const h = host.toLowerCase();
  return h === "::1" || /^f[cd][0-9a-f]{2}:/.test(h) || /^fe[89ab][0-9a-f]:/.test(h);
}

/**
 * Whether no public certificate authority may certify `host`: a loopback, private,
 * link-local or shared (CGNAT) IP address, `localhost`, a single-label name, or a name under
 * an internal suffix (`.local`, `.internal`, `.svc`, `.cluster.local`, ...).
 */
function isPrivateHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").replace(/\.$/, "").toLowerCase();
  const ip = ipv4Private(h) ?? ipv6Private(h);
  if (ip !== undefined) return ip;
  if (h === "localhost" || !h.includes(".")) return true;
  return INTERNAL_SUFFIXES.some((suffix) => h.endsWith(suffix));
}

/**
 * Throws a {@linkcode ClientConfigError} unless the connection's server is a host only its
 * own CA can vouch for (see the module documentation).
 *
 * @example
 * ```ts ignore
 * import { checkStrictTrust } from "./strict_trust.ts";
 * checkStrictTrust({ server: "https://10.0.0.1:6443", caCerts: ["..."] });
 * ```
 */
export function checkStrictTrust(connection: ClusterConnection): void {
  const url = new URL(connection.server);
  if (url.protocol !== "https:") {
    throw new ClientConfigError(
      `strictTrust: the server ${url.origin} is not HTTPS, so nothing vouches for it`,
      { source: connection.description },
    );
  }
  if (!connection.caCerts?.length) return; // the public roots are the intended trust
  if (isPrivateHost(url.hostname)) return;
  throw new ClientConfigError(
    `strictTrust: the server host "${url.hostname}" could also be certified by a public ` +
      "certificate authority, which Deno trusts besides the configured one (Deno cannot make " +
      "a CA the only root); connect through a private IP address or internal name, or turn " +
      "strictTrust off",
    { source: connection.description },
  );
}
