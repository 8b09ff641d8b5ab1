import assert from "node:assert/strict";
import { LabelSelectorError, parseLabelSelector } from "../../lib/controller/mod.ts";

const cases: [string, Record<string, string> | undefined, boolean][] = [
  ["", undefined, true],
  ["app=web", { app: "web" }, true],
  ["app=web", { app: "db" }, false],
  ["app=web", undefined, false],
  ["app==web", { app: "web" }, true],
  ["app!=web", { app: "db" }, true],
  ["app!=web", {}, true],
  ["app!=web", { app: "web" }, false],
  ["env in (a, b)", { env: "b" }, true],
  ["env in (a,b)", { env: "c" }, false],
  ["env in (a,b)", {}, false],
  ["env notin (a,b)", { env: "c" }, true],
  ["env notin (a,b)", {}, true],
  ["env notin (a,b)", { env: "a" }, false],
  ["legacy", { legacy: "" }, true],
  ["legacy", {}, false],
  ["!legacy", {}, true],
  ["!legacy", { legacy: "x" }, false],
  ["replicas>2", { replicas: "3" }, true],
  ["replicas>2", { replicas: "2" }, false],
  ["replicas<2", { replicas: "1" }, true],
  ["replicas<2", { replicas: "x" }, false],
  ["app=web,tier!=db,!legacy", { app: "web", tier: "fe" }, true],
  ["app=web,tier!=db,!legacy", { app: "web", tier: "db" }, false],
  ["example.com/app=web", { "example.com/app": "web" }, true],
  ["a=", { a: "" }, true],
  ["a=,b=1", { a: "", b: "1" }, true],
  ["toString", {}, false],
];

Deno.test("parseLabelSelector: the API server's syntax", () => {
  for (const [selector, labels, expected] of cases) {
    assert.equal(
      parseLabelSelector(selector).matches(labels),
      expected,
      `${selector} on ${JSON.stringify(labels)}`,
    );
  }
  assert.equal(parseLabelSelector("").empty, true);
  assert.equal(parseLabelSelector("a").empty, false);
});

Deno.test("parseLabelSelector: an equality map", () => {
  const selector = parseLabelSelector({ app: "web", tier: "fe" });
  assert.equal(selector.matches({ app: "web", tier: "fe", x: "y" }), true);
  assert.equal(selector.matches({ app: "web" }), false);
  assert.equal(parseLabelSelector({}).matches(undefined), true);
});

Deno.test("parseLabelSelector: bad selectors are LabelSelectorErrors naming the problem", () => {
  for (
    const [bad, message] of [
      ["app in (web", /not closed/],
      ["app in web", /must be followed by "\("/],
      ["app=web,", /trailing comma/],
      ["app=web tier=db", /expected ","/],
      ["app=we b", /expected ","/],
      ["-app=web", /not a valid label key/],
      ["app=-web", /not a valid label value/],
      ["app in ()", /at least one value/],
      ["n>x", /integer/],
      ["=web", /not a valid label key/],
    ] as const
  ) {
    assert.throws(() => parseLabelSelector(bad), (e: unknown) => {
      assert.ok(e instanceof LabelSelectorError, `${bad}: ${e}`);
      assert.match(e.message, message, bad);
      return true;
    });
  }
  assert.throws(() => parseLabelSelector({ a: 1 as unknown as string }), LabelSelectorError);
});
