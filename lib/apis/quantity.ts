/**
 * Exact parsing and formatting of Kubernetes resource quantities (`"0.5"`,
 * `"1.5Gi"`, `"100m"`, `"1e3"`). Quantities stay strings in the generated
 * types; this module turns them into exact rational values with bigint
 * arithmetic, never through floating point.
 *
 * @example
 * ```ts
 * import { compareQuantities, formatQuantity, parseQuantity } from "@staircase/staircase/apis/quantity";
 *
 * const q = parseQuantity("1.5Gi");
 * console.log(formatQuantity(q)); // 1.5Gi
 * console.log(compareQuantities("1536Mi", "1.5Gi")); // 0
 * ```
 *
 * @module
 */

/** The three notations Kubernetes uses for quantities. */
export type QuantityFormat = "BinarySI" | "DecimalSI" | "DecimalExponent";

/** A parsed quantity: `±digits × 10^-scale × suffix multiplier`. */
export interface ParsedQuantity {
  /** Whether the value is negative. */
  negative: boolean;
  /** The decimal digits without the point, e.g. `15n` for `1.5Gi`. */
  digits: bigint;
  /** How many of the digits follow the decimal point. */
  scale: number;
  /** The suffix as written: `""`, `m`, `Gi`, `e3`, ... */
  suffix: string;
  /** The notation of the suffix. */
  format: QuantityFormat;
}

/** An exact value as a reduced fraction (denominator > 0). */
export interface Rational {
  /** The numerator, carrying the sign. */
  numerator: bigint;
  /** The positive denominator. */
  denominator: bigint;
}

/**
 * Thrown for text that is not a valid quantity.
 *
 * @example
 * ```ts
 * import { parseQuantity, QuantityParseError } from "@staircase/staircase/apis/quantity";
 *
 * try {
 *   parseQuantity("1.5GB");
 * } catch (error) {
 *   console.log(error instanceof QuantityParseError); // true
 * }
 * ```
 */
export class QuantityParseError extends Error {
  /** The rejected text. */
  readonly input: string;

  /** Creates the error for `input`. */
  constructor(input: string, problem: string) {
    super(`invalid quantity ${JSON.stringify(input)}: ${problem}`);
    this.name = "QuantityParseError";
    this.input = input;
  }
}

const BINARY: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  "": 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const NUMBER = /^([+-]?)(?:(\d+)(?:\.(\d*))?|\.(\d+))/;
const EXPONENT = /^[eE]([+-]?\d+)$/;
/** Bounds bigint work on hostile input (`1e999999999` would allocate a huge number). */
const MAX_EXPONENT = 10_000;

/**
 * Parses a quantity string exactly.
 *
 * @example
 * ```ts
 * import { parseQuantity } from "@staircase/staircase/apis/quantity";
 *
 * console.log(parseQuantity("100m")); // { negative: false, digits: 100n, scale: 0, suffix: "m", format: "DecimalSI" }
 * ```
 */
export function parseQuantity(text: string): ParsedQuantity {
  if (typeof text !== "string") {
    throw new QuantityParseError(String(text), "not a string");
  }
  const match = NUMBER.exec(text);
  if (match === null) throw new QuantityParseError(text, "no number at the start");
  const [whole, sign, intPart, fracAfterInt, fracOnly] = match;
  const fraction = fracAfterInt ?? fracOnly ?? "";
  const suffix = text.slice(whole.length);
  let format: QuantityFormat;
  if (suffix in BINARY) format = "BinarySI";
  else if (suffix in DECIMAL) format = "DecimalSI";
  else if (EXPONENT.test(suffix)) format = "DecimalExponent";
  else throw new QuantityParseError(text, `unknown suffix ${JSON.stringify(suffix)}`);
  if (format === "DecimalExponent" && Math.abs(Number(suffix.slice(1))) > MAX_EXPONENT) {
    throw new QuantityParseError(text, "exponent out of range");
  }
  const digitText = `${intPart ?? ""}${fraction}`;
  return {
    negative: sign === "-" && /[1-9]/.test(digitText),
    digits: BigInt(digitText === "" ? "0" : digitText),
    scale: fraction.length,
    suffix,
    format,
  };
}

/**
 * Formats a parsed quantity back to text in the notation it was written in.
 * Parsing then formatting gives the input back, except that a `+` sign,
 * redundant leading zeros and a bare trailing point are dropped (`"+1"`,
 * `"007"`, `"5."` give `"1"`, `"7"`, `"5"`).
 *
 * This is not the API server's canonical form: the server rewrites quantities
 * it stores (`"0.5"` becomes `"500m"`, `"1.5Gi"` becomes `"1536Mi"`), so
 * compare a desired and an observed quantity with
 * {@linkcode compareQuantities}, never as strings.
 *
 * @example
 * ```ts
 * import { formatQuantity, parseQuantity } from "@staircase/staircase/apis/quantity";
 *
 * console.log(formatQuantity(parseQuantity("0.5"))); // 0.5
 * ```
 */
export function formatQuantity(quantity: ParsedQuantity): string {
  let text = quantity.digits.toString();
  if (quantity.scale > 0) {
    text = text.padStart(quantity.scale + 1, "0");
    text = `${text.slice(0, text.length - quantity.scale)}.${text.slice(-quantity.scale)}`;
  }
  return `${quantity.negative ? "-" : ""}${text}${quantity.suffix}`;
}

function gcd(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/**
 * The exact value of a quantity as a reduced fraction.
 *
 * @example
 * ```ts
 * import { quantityToRational } from "@staircase/staircase/apis/quantity";
 *
 * console.log(quantityToRational("100m")); // { numerator: 1n, denominator: 10n }
 * ```
 */
export function quantityToRational(quantity: string | ParsedQuantity): Rational {
  const q = typeof quantity === "string" ? parseQuantity(quantity) : quantity;
  let numerator = q.negative ? -q.digits : q.digits;
  let denominator = 10n ** BigInt(q.scale);
  let exp10 = 0;
  if (q.format === "BinarySI") numerator *= 2n ** BigInt(BINARY[q.suffix]);
  else if (q.format === "DecimalSI") exp10 = DECIMAL[q.suffix];
  else exp10 = Number(EXPONENT.exec(q.suffix)![1]);
  if (Math.abs(exp10) > MAX_EXPONENT) {
    throw new QuantityParseError(formatQuantity(q), "exponent out of range");
  }
  if (exp10 >= 0) numerator *= 10n ** BigInt(exp10);
  else denominator *= 10n ** BigInt(-exp10);
  const divisor = gcd(numerator, denominator);
  if (divisor > 1n) {
    numerator /= divisor;
    denominator /= divisor;
  }
  return { numerator, denominator };
}

/**
 * Compares two quantities exactly: negative, zero or positive like a sort
 * comparator.
 *
 * @example
 * ```ts
 * import { compareQuantities } from "@staircase/staircase/apis/quantity";
 *
 * console.log(compareQuantities("1Gi", "1G") > 0); // true
 * ```
 */
export function compareQuantities(
  a: string | ParsedQuantity,
  b: string | ParsedQuantity,
): number {
  const x = quantityToRational(a);
  const y = quantityToRational(b);
  const left = x.numerator * y.denominator;
  const right = y.numerator * x.denominator;
  return left < right ? -1 : left > right ? 1 : 0;
}

/**
 * The value rounded up to a whole number of thousandths, as Kubernetes'
 * `MilliValue` does (CPU quantities are usually handled in millicores).
 *
 * @example
 * ```ts
 * import { quantityToMilli } from "@staircase/staircase/apis/quantity";
 *
 * console.log(quantityToMilli("0.5")); // 500n
 * ```
 */
export function quantityToMilli(quantity: string | ParsedQuantity): bigint {
  const { numerator, denominator } = quantityToRational(quantity);
  const scaled = numerator * 1000n;
  const quotient = scaled / denominator;
  return scaled % denominator > 0n ? quotient + 1n : quotient;
}

/**
 * The value as a JavaScript number (may round; use {@linkcode quantityToRational}
 * for exact work).
 *
 * @example
 * ```ts
 * import { quantityToNumber } from "@staircase/staircase/apis/quantity";
 *
 * console.log(quantityToNumber("1Ki")); // 1024
 * ```
 */
export function quantityToNumber(quantity: string | ParsedQuantity): number {
  const { numerator, denominator } = quantityToRational(quantity);
  const whole = numerator / denominator;
  const rest = numerator % denominator;
  // Splitting keeps integers exact up to 2^53 and the fraction as precise as a float allows.
  return Number(whole) + Number(rest * 10n ** 17n / denominator) / 1e17;
}
