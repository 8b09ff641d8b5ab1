/**
 * Removing secrets from text that ends up in error messages: output of exec plugins, parser
 * messages, URLs with user info.
 *
 * @module
 */

/** PEM blocks (keys and certificates), also when cut off at the end of the text. */
const PEM = /-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(?:-----END [A-Z0-9 ]+-----|$)/g;
/** JSON Web Tokens (service-account and OIDC tokens). */
const JWT = /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
/** `Authorization` header values. */
const AUTH_SCHEME = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
/** `token: x`, `"password":"x"`, `clientKeyData=x` and the like. */
const KEY_VALUE =
  /("?\b(?:[a-z_-]*token|password|passwd|secret|client-?key-?data|clientKeyData|api-?key)"?\s*[:=]\s*"?)[^\s",}]+/gi;
/** `scheme://user:password@host`. */
const URL_USERINFO = /(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi;

/**
 * Replaces whatever looks like a secret in `text`: PEM blocks, JWTs, `Bearer`/`Basic`
 * credentials, `token`/`password`/`secret` key-value pairs and user info in URLs.
 *
 * @example
 * ```ts
 * import { redactSecrets } from "./redact.ts";
 * console.log(redactSecrets("login failed for token=abc123")); // "login failed for token=[redacted]"
 * ```
 */
export function redactSecrets(text: string): string {
  return text
    .replace(PEM, "[redacted PEM block]")
    .replace(JWT, "[redacted token]")
    .replace(AUTH_SCHEME, "$1 [redacted]")
    .replace(KEY_VALUE, "$1[redacted]")
    .replace(URL_USERINFO, "$1[redacted]@");
}
