/**
 * Removing secrets from text that ends up in error messages: output of exec plugins, parser
 * messages, response bodies, URLs with user info.
 *
 * Redaction by shape is best effort: it knows the common token and key formats, not every
 * secret. Where the client knows the secret it holds (the token it sent, the plugin's last
 * credentials), it also removes that exact value with {@linkcode redactValues}.
 *
 * @module
 */

/** PEM blocks (keys and certificates), also when cut off at the end of the text. */
const PEM = /-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(?:-----END [A-Z0-9 ]+-----|$)/g;
/** Base64 of a PEM block (kubeconfig `client-key-data`): base64 of "-----BEGIN". */
const PEM_BASE64 = /LS0tLS1CRUdJT[A-Za-z0-9+/=]*/g;
/** JSON Web Tokens (service-account and OIDC tokens). */
const JWT = /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
/** EKS (`k8s-aws-v1.`), Google OAuth (`ya29.`) and bootstrap (`abcdef.0123456789abcdef`) tokens. */
const PROVIDER_TOKEN =
  /\b(?:k8s-aws-v1\.[A-Za-z0-9_=-]+|ya29\.[A-Za-z0-9._-]+|[a-z0-9]{6}\.[a-z0-9]{16}\b)/g;
/** `Authorization` header values. */
const AUTH_SCHEME = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
/**
 * `token: x`, `'password': 'x'`, `clientKeyData=x` and the like. A key that ends a path
 * (`/run/token: not found`) is not a key. A quoted value ends at its quote; a bare value at
 * white space, so `token=a,b` loses `a,b`.
 */
const KEY_VALUE =
  /((?<![\w/\\.-])["']?(?:[a-z_-]*token|password|passwd|secret|client-?key-?data|clientKeyData|api-?key)["']?\s*[:=]\s*)(?:"[^"]*"?|'[^']*'?|[^\s"'}]+)/gi;
/** `scheme://user:password@host`. */
const URL_USERINFO = /(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi;
/** A long run of token characters (also in a plain sentence); see {@linkcode isOpaque}. */
const LONG_RUN = /(?<![\w+=-])[\w+=-]{32,}/g;
/** UUIDs (object UIDs) are long and mixed, but harmless and useful in messages. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether a long run looks like a random token: upper case, lower case and digits mixed
 * (base64 and most API keys), or all hex digits. Hyphenated words and flags
 * (`--unsafely-ignore-certificate-errors=127`) have no upper case and stay readable.
 */
function isOpaque(run: string): boolean {
  if (UUID.test(run)) return false;
  if (/^[0-9a-f]+$/i.test(run) && /\d/.test(run)) return true;
  return /[A-Z]/.test(run) && /[a-z]/.test(run) && /\d/.test(run);
}

/**
 * Replaces whatever looks like a secret in `text`: PEM blocks (also base64-encoded), JWTs,
 * EKS, Google and bootstrap tokens, `Bearer`/`Basic` credentials, `token`/`password`/`secret`
 * key-value pairs (quoted or not), user info in URLs, and any run of 32 or more token
 * characters that mixes upper case, lower case and digits or is all hex (UUIDs excepted).
 *
 * @example
 * ```ts
 * import { redactSecrets } from "@staircase/staircase/client";
 * console.log(redactSecrets("login failed for token=abc123")); // "login failed for token=[redacted]"
 * ```
 */
export function redactSecrets(text: string): string {
  return text
    .replace(PEM, "[redacted PEM block]")
    .replace(PEM_BASE64, "[redacted PEM block]")
    .replace(JWT, "[redacted token]")
    .replace(PROVIDER_TOKEN, "[redacted token]")
    .replace(AUTH_SCHEME, "$1 [redacted]")
    .replace(KEY_VALUE, "$1[redacted]")
    .replace(URL_USERINFO, "$1[redacted]@")
    .replace(LONG_RUN, (run) => isOpaque(run) ? "[redacted]" : run);
}

/**
 * Replaces every occurrence of each of `values` (secrets the caller holds, e.g. the token it
 * sent) in `text`. Values shorter than four characters are left alone: they would erase
 * ordinary words.
 *
 * @example
 * ```ts
 * import { redactValues } from "@staircase/staircase/client";
 * console.log(redactValues("proxy refused s3cr3t", ["s3cr3t"])); // "proxy refused [redacted]"
 * ```
 */
export function redactValues(text: string, values: readonly (string | undefined)[]): string {
  let out = text;
  for (const value of values) {
    if (value !== undefined && value.length >= 4) out = out.replaceAll(value, "[redacted]");
  }
  return out;
}
