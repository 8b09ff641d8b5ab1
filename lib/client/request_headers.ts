/**
 * {@linkcode checkRequestHeaders}: the rules for the extra headers a request may carry
 * (`RequestOptions.headers`).
 *
 * @module
 */

/**
 * Headers staircase sets itself (credentials, body framing, content negotiation, identity) and
 * the hop-by-hop headers of RFC 9110 §7.6.1, which belong to one connection and are not the
 * caller's to send. A request's extra headers may set none of them.
 */
const MANAGED_HEADERS: ReadonlySet<string> = new Set([
  "authorization",
  "content-type",
  "accept",
  "user-agent",
  "host",
  "content-length",
  // Hop-by-hop.
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

/** An HTTP field name (RFC 9110 §5.1: a token). */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Characters that would split or end a header line. */
const LINE_BREAKING = /[\r\n\0]/;

/**
 * Checks a request's extra headers and returns them as name–value pairs with lower-case names.
 * Throws before anything is sent; no message quotes a header's value (it may be a secret).
 *
 * @param headers The caller's extra headers.
 * @param request `METHOD path`, for the messages.
 * @returns The headers, names in lower case.
 * @throws {TypeError} When a name is not a valid header name, names a header staircase sets
 * itself (`authorization`, `content-type`, `accept`, `user-agent`, `host`, `content-length`)
 * or a hop-by-hop header, appears twice (in any case), or a value is not a string or holds a
 * CR, LF or NUL.
 */
export function checkRequestHeaders(
  headers: Readonly<Record<string, string>>,
  request: string,
): [string, string][] {
  if (typeof headers !== "object" || headers === null || Array.isArray(headers)) {
    throw new TypeError(`${request}: headers must be an object of header names to values`);
  }
  const out: [string, string][] = [];
  const seen = new Set<string>();
  for (const [rawName, value] of Object.entries(headers)) {
    if (!TOKEN.test(rawName)) {
      throw new TypeError(`${request}: ${JSON.stringify(rawName)} is not a valid header name`);
    }
    const name = rawName.toLowerCase();
    if (MANAGED_HEADERS.has(name)) {
      throw new TypeError(
        `${request}: the header "${name}" cannot be set through headers: staircase sets it ` +
          "itself or it belongs to the connection (use accept, contentType or the client's " +
          "options where there is one)",
      );
    }
    if (seen.has(name)) {
      throw new TypeError(`${request}: the header "${name}" is given twice (names ignore case)`);
    }
    seen.add(name);
    if (typeof value !== "string") {
      throw new TypeError(`${request}: the value of the header "${name}" is not a string`);
    }
    if (LINE_BREAKING.test(value)) {
      throw new TypeError(
        `${request}: the value of the header "${name}" contains a CR, LF or NUL`,
      );
    }
    try {
      new Headers().set(name, value);
    } catch {
      // fetch's own TypeError quotes the value: name the header only.
      throw new TypeError(
        `${request}: the value of the header "${name}" has a character a header cannot carry`,
      );
    }
    out.push([name, value]);
  }
  return out;
}
