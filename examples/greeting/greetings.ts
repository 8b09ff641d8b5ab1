/**
 * The Greeting kind's resource token.
 *
 * @module
 */

import { resourceType } from "@staircase/staircase/client";
import type { Greeting } from "./api/demo.staircase.dev/v1/mod.ts";

/**
 * The resource token of `greetings.demo.staircase.dev/v1` (namespaced). Until the CRD generator
 * emits tokens next to the types, it is made here, once.
 *
 * @example
 * ```ts
 * import { Greetings } from "./greetings.ts";
 *
 * console.log(Greetings.apiVersion, Greetings.kind); // demo.staircase.dev/v1 Greeting
 * ```
 */
export const Greetings = resourceType<Greeting>()({
  group: "demo.staircase.dev",
  version: "v1",
  kind: "Greeting",
  plural: "greetings",
  namespaced: true,
});
