/**
 * Identifier and naming helpers for generated TypeScript.
 *
 * @module
 */

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Whether `name` can be written as a bare property name or identifier.
 *
 * @example
 * ```ts
 * import { isIdentifier } from "./naming.ts";
 *
 * console.log(isIdentifier("replicas"), isIdentifier("timeout-seconds")); // true false
 * ```
 */
export function isIdentifier(name: string): boolean {
  return IDENTIFIER.test(name);
}

/**
 * The property key to write for a member named `name`: bare when it is an
 * identifier (keywords are fine as property names), quoted otherwise.
 *
 * @example
 * ```ts
 * import { propertyKey } from "./naming.ts";
 *
 * console.log(propertyKey("default"), propertyKey("x-y")); // default "x-y"
 * ```
 */
export function propertyKey(name: string): string {
  return isIdentifier(name) ? name : JSON.stringify(name);
}

/**
 * Turns `words like-this.or_that` into `WordsLikeThisOrThat`; characters that
 * cannot appear in an identifier separate words.
 *
 * @example
 * ```ts
 * import { pascalCase } from "./naming.ts";
 *
 * console.log(pascalCase("coordination.k8s.io")); // CoordinationK8sIo
 * ```
 */
export function pascalCase(text: string): string {
  const out = text
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== "")
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join("");
  return /^[0-9]/.test(out) ? `_${out}` : out;
}

/**
 * The plural of a kind in the kind's casing, derived from the lower-case
 * resource plural: `NetworkPolicy` + `networkpolicies` gives `NetworkPolicies`,
 * `Endpoints` + `endpoints` gives `Endpoints`.
 *
 * @example
 * ```ts
 * import { pluralKind } from "./naming.ts";
 *
 * console.log(pluralKind("Ingress", "ingresses")); // Ingresses
 * ```
 */
export function pluralKind(kind: string, plural: string): string {
  let common = 0;
  while (
    common < kind.length && common < plural.length &&
    kind[common].toLowerCase() === plural[common].toLowerCase()
  ) common++;
  if (common === 0) return pascalCase(plural);
  return kind.slice(0, common) + plural.slice(common);
}

/**
 * The name of a generated resource token: the plural of the kind in the kind's casing
 * ({@linkcode pluralKind}: `ConfigMaps`, `NetworkPolicies`, `Greetings`). When that name is
 * already taken in the module (a type or another export of the same name: kind `Endpoints`
 * has the plural `endpoints`), `Resource` is appended (`EndpointsResource`), then a number
 * (`EndpointsResource2`, ...) until the name is free. The chosen name is added to `taken`.
 *
 * @example
 * ```ts
 * import { tokenName } from "./naming.ts";
 *
 * const taken = new Set(["Endpoints", "EndpointsList", "ConfigMap"]);
 * console.log(tokenName("ConfigMap", "configmaps", taken)); // ConfigMaps
 * console.log(tokenName("Endpoints", "endpoints", taken)); // EndpointsResource
 * ```
 *
 * @param kind The kind, e.g. `ConfigMap`.
 * @param plural The lower-case resource plural, e.g. `configmaps`.
 * @param taken Names already used in the module; the result is added to it.
 * @returns The token name.
 */
export function tokenName(kind: string, plural: string, taken: Set<string>): string {
  const wanted = pluralKind(kind, plural);
  let name = taken.has(wanted) ? `${wanted}Resource` : wanted;
  for (let i = 2; taken.has(name); i++) name = `${wanted}Resource${i}`;
  taken.add(name);
  return name;
}
