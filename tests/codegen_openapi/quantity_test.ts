import { deepEqual, equal, ok, throws } from "node:assert/strict";
import {
  compareQuantities,
  formatQuantity,
  parseQuantity,
  QuantityParseError,
  quantityToMilli,
  quantityToNumber,
  quantityToRational,
} from "../../lib/apis/quantity.ts";

Deno.test("canonical quantities round-trip exactly", () => {
  for (
    const text of [
      "0",
      "0.5",
      "1.5Gi",
      "100m",
      "1e3",
      "1E-3",
      "2.5E",
      "-1.25Ki",
      "128974848",
      "129M",
      "123456789012345678901234567890.000000000000000000001n",
      ".5",
      "1.",
    ]
  ) {
    const expected = text === ".5" ? "0.5" : text === "1." ? "1" : text;
    equal(formatQuantity(parseQuantity(text)), expected, text);
  }
});

Deno.test("parse gives digits, scale, suffix and format", () => {
  deepEqual(parseQuantity("1.5Gi"), {
    negative: false,
    digits: 15n,
    scale: 1,
    suffix: "Gi",
    format: "BinarySI",
  });
  equal(parseQuantity("1e3").format, "DecimalExponent");
  equal(parseQuantity("1E").format, "DecimalSI");
  equal(parseQuantity("+3k").negative, false);
  equal(parseQuantity("-0").negative, false);
});

Deno.test("exact values with bigint arithmetic", () => {
  deepEqual(quantityToRational("1.5Gi"), { numerator: 1610612736n, denominator: 1n });
  deepEqual(quantityToRational("100m"), { numerator: 1n, denominator: 10n });
  deepEqual(quantityToRational("1e3"), { numerator: 1000n, denominator: 1n });
  deepEqual(quantityToRational("-2.5u"), { numerator: -1n, denominator: 400000n });
  // 2^63 + 1 is not representable as a float; the rational stays exact.
  deepEqual(quantityToRational("9223372036854775809"), {
    numerator: 9223372036854775809n,
    denominator: 1n,
  });
  equal(compareQuantities("1536Mi", "1.5Gi"), 0);
  equal(compareQuantities("1G", "1Gi"), -1);
  equal(compareQuantities("0.1", "100m"), 0);
  equal(compareQuantities("9223372036854775809", "9223372036854775808"), 1);
  equal(quantityToMilli("0.5"), 500n);
  equal(quantityToMilli("1n"), 1n); // rounds up like Kubernetes' MilliValue
  equal(quantityToNumber("1.5Gi"), 1610612736);
  equal(quantityToNumber("100m"), 0.1);
});

Deno.test("invalid quantities throw QuantityParseError naming the input", () => {
  for (const bad of ["", "Gi", "1.5GB", "1 Gi", "1..5", "--1", "1e", "1ee3", "0x10", "1Ki2"]) {
    throws(() => parseQuantity(bad), (error: unknown) => {
      ok(error instanceof QuantityParseError, bad);
      ok((error as Error).message.includes(JSON.stringify(bad)), (error as Error).message);
      return true;
    });
  }
  throws(() => quantityToRational("1e999999"), QuantityParseError);
});
