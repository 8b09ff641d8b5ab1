/**
 * The Greeting kind's resource token.
 *
 * @module
 */

import { resourceType } from "@staircase/staircase/client";
import type { ConfigMap } from "@staircase/staircase/apis/core/v1";
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

/**
 * The ConfigMap kind's token: the children the Greeting controller owns (until generated
 * modules export their own tokens).
 *
 * @example
 * ```ts
 * import { ConfigMaps } from "./greetings.ts";
 *
 * console.log(ConfigMaps.apiVersion, ConfigMaps.kind); // v1 ConfigMap
 * ```
 */
export const ConfigMaps = resourceType<ConfigMap>()({
  group: "",
  version: "v1",
  kind: "ConfigMap",
  plural: "configmaps",
  namespaced: true,
});
