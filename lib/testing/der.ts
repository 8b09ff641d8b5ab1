// Copyright 2026 the staircase authors. Apache-2.0 license.
/**
 * A minimal DER (ASN.1 Distinguished Encoding Rules) writer: just enough to build X.509
 * certificates for a throwaway test CA. Every function returns the full encoded element.
 *
 * @module
 */

/**
 * Encodes one DER element from its tag byte and content bytes.
 *
 * @example Encode a NULL
 * ```ts
 * import { derElement } from "./der.ts";
 * const nul = derElement(0x05, new Uint8Array());
 * console.log(nul); // Uint8Array [5, 0]
 * ```
 */
export function derElement(tag: number, content: Uint8Array): Uint8Array<ArrayBuffer> {
  const len = content.length;
  let header: number[];
  if (len < 0x80) {
    header = [tag, len];
  } else {
    const lenBytes: number[] = [];
    for (let n = len; n > 0; n = Math.floor(n / 256)) lenBytes.unshift(n & 0xff);
    header = [tag, 0x80 | lenBytes.length, ...lenBytes];
  }
  const out = new Uint8Array(header.length + len);
  out.set(header, 0);
  out.set(content, header.length);
  return out;
}

/**
 * Concatenates byte arrays.
 *
 * @example
 * ```ts
 * import { concatBytes } from "./der.ts";
 * console.log(concatBytes(new Uint8Array([1]), new Uint8Array([2]))); // Uint8Array [1, 2]
 * ```
 */
export function concatBytes(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/**
 * Encodes a SEQUENCE of already encoded elements.
 *
 * @example
 * ```ts
 * import { derSequence, derNull } from "./der.ts";
 * const seq = derSequence(derNull());
 * ```
 */
export function derSequence(...items: Uint8Array[]): Uint8Array<ArrayBuffer> {
  return derElement(0x30, concatBytes(...items));
}

/**
 * Encodes a SET of already encoded elements (callers pass one element, so no sorting).
 *
 * @example
 * ```ts
 * import { derSet, derNull } from "./der.ts";
 * const set = derSet(derNull());
 * ```
 */
export function derSet(...items: Uint8Array[]): Uint8Array<ArrayBuffer> {
  return derElement(0x31, concatBytes(...items));
}

/**
 * Encodes a NULL.
 *
 * @example
 * ```ts
 * import { derNull } from "./der.ts";
 * derNull(); // Uint8Array [5, 0]
 * ```
 */
export function derNull(): Uint8Array<ArrayBuffer> {
  return derElement(0x05, new Uint8Array());
}

/**
 * Encodes a non-negative INTEGER given as big-endian unsigned bytes or a small number.
 *
 * @example
 * ```ts
 * import { derInteger } from "./der.ts";
 * derInteger(2); // Uint8Array [2, 1, 2]
 * ```
 */
export function derInteger(value: number | Uint8Array): Uint8Array<ArrayBuffer> {
  let bytes: Uint8Array;
  if (typeof value === "number") {
    const list: number[] = [];
    for (let n = value; n > 0; n = Math.floor(n / 256)) list.unshift(n & 0xff);
    bytes = new Uint8Array(list.length ? list : [0]);
  } else {
    bytes = value;
  }
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  bytes = bytes.subarray(start);
  // A leading 0 keeps the value positive when its top bit is set.
  if (bytes.length === 0 || bytes[0] & 0x80) bytes = concatBytes(new Uint8Array([0]), bytes);
  return derElement(0x02, bytes);
}

/**
 * Encodes a BOOLEAN.
 *
 * @example
 * ```ts
 * import { derBoolean } from "./der.ts";
 * derBoolean(true); // Uint8Array [1, 1, 255]
 * ```
 */
export function derBoolean(value: boolean): Uint8Array<ArrayBuffer> {
  return derElement(0x01, new Uint8Array([value ? 0xff : 0]));
}

/**
 * Encodes an OBJECT IDENTIFIER from its dotted form.
 *
 * @example
 * ```ts
 * import { derOid } from "./der.ts";
 * const cn = derOid("2.5.4.3");
 * ```
 */
export function derOid(dotted: string): Uint8Array<ArrayBuffer> {
  const parts = dotted.split(".").map((p) => Number(p));
  if (parts.length < 2 || parts.some((p) => !Number.isInteger(p) || p < 0)) {
    throw new TypeError(`Invalid object identifier "${dotted}"`);
  }
  const out: number[] = [parts[0] * 40 + parts[1]];
  for (const part of parts.slice(2)) {
    const chunk: number[] = [part & 0x7f];
    for (let n = Math.floor(part / 128); n > 0; n = Math.floor(n / 128)) {
      chunk.unshift((n & 0x7f) | 0x80);
    }
    out.push(...chunk);
  }
  return derElement(0x06, new Uint8Array(out));
}

/**
 * Encodes a UTF8String.
 *
 * @example
 * ```ts
 * import { derUtf8String } from "./der.ts";
 * derUtf8String("admin");
 * ```
 */
export function derUtf8String(value: string): Uint8Array<ArrayBuffer> {
  return derElement(0x0c, new TextEncoder().encode(value));
}

/**
 * Encodes a BIT STRING; `unusedBits` counts the padding bits at the end of the last byte.
 *
 * @example
 * ```ts
 * import { derBitString } from "./der.ts";
 * derBitString(new Uint8Array([0x80]), 7); // a single bit 0 set
 * ```
 */
export function derBitString(bytes: Uint8Array, unusedBits = 0): Uint8Array<ArrayBuffer> {
  return derElement(0x03, concatBytes(new Uint8Array([unusedBits]), bytes));
}

/**
 * Encodes an OCTET STRING.
 *
 * @example
 * ```ts
 * import { derOctetString } from "./der.ts";
 * derOctetString(new Uint8Array([1, 2]));
 * ```
 */
export function derOctetString(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return derElement(0x04, bytes);
}

/**
 * Encodes a time as UTCTime (years before 2050) or GeneralizedTime, as RFC 5280 requires.
 *
 * @example
 * ```ts
 * import { derTime } from "./der.ts";
 * derTime(new Date("2030-01-01T00:00:00Z"));
 * ```
 */
export function derTime(date: Date): Uint8Array<ArrayBuffer> {
  const iso = date.toISOString(); // 2030-01-01T00:00:00.000Z
  const digits = iso.slice(0, 19).replace(/[-:T]/g, "") + "Z"; // 20300101000000Z
  const year = date.getUTCFullYear();
  if (year >= 1950 && year < 2050) {
    return derElement(0x17, new TextEncoder().encode(digits.slice(2)));
  }
  return derElement(0x18, new TextEncoder().encode(digits));
}

/**
 * Wraps an element in an explicit context-specific tag `[n]`.
 *
 * @example
 * ```ts
 * import { derExplicit, derInteger } from "./der.ts";
 * const version = derExplicit(0, derInteger(2));
 * ```
 */
export function derExplicit(tagNumber: number, inner: Uint8Array): Uint8Array<ArrayBuffer> {
  return derElement(0xa0 | tagNumber, inner);
}

/**
 * Formats DER bytes as a PEM block.
 *
 * @example
 * ```ts
 * import { toPem } from "./der.ts";
 * toPem("CERTIFICATE", new Uint8Array([1, 2, 3]));
 * ```
 */
export function toPem(label: string, der: Uint8Array): string {
  let binary = "";
  for (const b of der) binary += String.fromCharCode(b);
  const b64 = btoa(binary);
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}
