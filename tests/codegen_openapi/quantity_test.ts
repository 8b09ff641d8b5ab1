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

Deno.test("Kubernetes grammar edge cases: signs, bare points, e/E exponents, exa", () => {
  const cases: [string, string, string][] = [
    // input, formatted, exact value as numerator/denominator
    ["1E3", "1E3", "1000/1"],
    ["1.5e3", "1.5e3", "1500/1"],
    ["1e+3", "1e+3", "1000/1"],
    ["2e-3", "2e-3", "1/500"],
    ["1E", "1E", "1000000000000000000/1"], // `E` alone is the exa suffix, not an exponent
    ["+1", "1", "1/1"],
    ["5.", "5", "5/1"],
    [".5", "0.5", "1/2"],
    ["007", "7", "7/1"],
    ["-0.0", "0.0", "0/1"],
    ["-1.5Ei", "-1.5Ei", "-1729382256910270464/1"],
    ["0.1n", "0.1n", "1/10000000000"], // kept exact; the server would round up to 1n
  ];
  for (const [text, formatted, value] of cases) {
    equal(formatQuantity(parseQuantity(text)), formatted, text);
    const { numerator, denominator } = quantityToRational(text);
    equal(`${numerator}/${denominator}`, value, text);
  }
});

Deno.test("whitespace, unknown suffixes and huge exponents are rejected at parse time", () => {
  for (
    const bad of [
      " 1",
      "1 ",
      "1\n",
      "\t1",
      "+",
      "-",
      ".",
      "1K",
      "1ki",
      "1mi",
      "1i",
      "1e1.5",
      "1e3m",
    ]
  ) {
    throws(() => parseQuantity(bad), QuantityParseError, JSON.stringify(bad));
  }
  throws(() => parseQuantity("1e99999999999999999999"), /exponent out of range/);
  equal(formatQuantity(parseQuantity("1e10000")), "1e10000", "the largest accepted exponent");
});
