// Compile-time checks of the typed plan builder. `deno test` type-checks this file: if a type
// is loosened so that a mismatched chain compiles, the `@ts-expect-error` lines become unused
// directives and the check fails.

import assert from "node:assert/strict";
import {
  noModification,
  type Plan,
  plan,
  type PlanBuilder,
  type Reconciler,
  type Step,
} from "../../lib/steps/mod.ts";

type App = { spec: { replicas: number } };
type Other = { data: string };

const toText: Step<App, number, string> = {
  name: "to-text",
  run: (_c, n) => noModification(String(n)),
};
const textLength: Step<App, string, number> = {
  name: "length",
  run: (_c, s) => noModification(s.length),
};
const acceptsEither: Step<App, string | number, boolean> = {
  name: "either",
  run: (_c, v) => noModification(v !== ""),
};
const needsNumber: Step<App, number, number> = {
  name: "needs-number",
  run: (_c, n) => noModification(n + 1),
};
const forOther: Step<Other, number, number> = {
  name: "other-resource",
  run: (_c, n) => noModification(n),
};

Deno.test("a matching chain compiles and keeps its output type", () => {
  const p: PlanBuilder<App, number> = plan<App>().initial(1).step(toText).step(textLength);
  // A step accepting a wider input than the previous output is fine (contravariance).
  const q: PlanBuilder<App, boolean> = plan<App>().initial("x").step(acceptsEither);
  const erased: Plan<App> = p;
  assert.equal(erased.steps.length, 2);
  assert.equal(q.steps.length, 1);
});

Deno.test("mismatched chains do not compile", () => {
  const start = plan<App>().initial(1);
  assert.throws(() => {
    // @ts-expect-error: toText outputs string, needsNumber wants number
    start.step(toText).step(needsNumber);
    throw new Error("reached");
  }, /reached/);
  // @ts-expect-error: the initial data is a number, textLength wants a string
  start.step(textLength);
  // @ts-expect-error: without initial() the data is undefined
  plan<App>().step(needsNumber);
  // @ts-expect-error: a step that needs string | number may not follow one whose output is boolean
  plan<App>().initial(true).step(acceptsEither);
  // @ts-expect-error: a step needing a string may not take string | number (checked contravariantly)
  plan<App>().initial<string | number>("x").step(textLength);
  // @ts-expect-error: a step written for another resource type
  start.step(forOther);
  // @ts-expect-error: the wrong output type is declared for the chain so far
  const wrong: PlanBuilder<App, string> = start.step(toText).step(textLength);
  assert.ok(wrong);
});

Deno.test("step bodies are checked against the declared types", () => {
  const bad: Step<App, number, string> = {
    name: "bad",
    // @ts-expect-error: returns a number where the step promises a string
    run: (_c, n) => noModification(n),
  };
  assert.equal(bad.name, "bad");
  const reconciler: Reconciler<App> = {
    plan: (app) => plan<App>().initial(app.spec.replicas).step(needsNumber),
  };
  assert.equal(typeof reconciler.plan, "function");
});
