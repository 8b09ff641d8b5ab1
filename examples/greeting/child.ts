/**
 * The desired state of a Greeting's child ConfigMap, derived from the Greeting alone, so every
 * Run computes the same answer for the same Greeting.
 *
 * @module
 */

import type { ConfigMap } from "@staircase/staircase/apis/core/v1";
import type { OwnerReference } from "@staircase/staircase/apis/meta/v1";
import type { Greeting } from "./api/demo.staircase.dev/v1/mod.ts";
import { Greetings } from "./api/demo.staircase.dev/v1/mod.ts";

/** The label every child carries, naming the operator that manages it. */
export const MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
/** The value of {@linkcode MANAGED_BY_LABEL}. */
export const MANAGED_BY = "staircase-greeting-operator";
/** The label holding the owning Greeting's UID (always a valid label value). */
export const OWNER_UID_LABEL = "demo.staircase.dev/greeting-uid";
/** The label holding the owning Greeting's name, when it fits in a label value. */
export const OWNER_NAME_LABEL = "demo.staircase.dev/greeting";

/** The longest object name Kubernetes accepts (a DNS subdomain). */
const MAX_NAME_LENGTH = 253;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/**
 * A Greeting lacks what its child needs (a name, namespace or UID the server always sets), or
 * its name is too long to derive a valid child name from.
 *
 * @example
 * ```ts
 * import { InvalidGreetingError } from "./child.ts";
 *
 * const error = new InvalidGreetingError("metadata.uid is missing");
 * console.log(error.name, error.message);
 * ```
 */
export class InvalidGreetingError extends Error {
  /** Creates the error. */
  constructor(problem: string) {
    super(`invalid Greeting: ${problem}`);
    this.name = "InvalidGreetingError";
  }
}

/** Name, namespace and UID of a Greeting, checked. */
interface Identity {
  name: string;
  namespace: string;
  uid: string;
}

function identity(greeting: Greeting): Identity {
  const { name, namespace, uid } = greeting.metadata ?? {};
  if (!name) throw new InvalidGreetingError("metadata.name is missing");
  if (!namespace) throw new InvalidGreetingError(`${name}: metadata.namespace is missing`);
  if (!uid) throw new InvalidGreetingError(`${namespace}/${name}: metadata.uid is missing`);
  return { name, namespace, uid };
}

/**
 * The child ConfigMap's name: `greeting-<name>`.
 *
 * @param greeting The owning Greeting.
 * @returns The ConfigMap name.
 * @throws {InvalidGreetingError} If the Greeting has no name, or the result would exceed 253
 * characters.
 *
 * @example
 * ```ts
 * import { configMapName } from "./child.ts";
 *
 * console.log(configMapName({
 *   apiVersion: "demo.staircase.dev/v1",
 *   kind: "Greeting",
 *   metadata: { name: "hello" },
 * })); // greeting-hello
 * ```
 */
export function configMapName(greeting: Greeting): string {
  const name = greeting.metadata?.name;
  if (!name) throw new InvalidGreetingError("metadata.name is missing");
  const child = `greeting-${name}`;
  if (child.length > MAX_NAME_LENGTH) {
    throw new InvalidGreetingError(
      `name "${name}" is too long: the ConfigMap name "greeting-<name>" must be at most ` +
        `${MAX_NAME_LENGTH} characters`,
    );
  }
  return child;
}

/**
 * The labels the child carries: the managing operator, the owner's UID, and the owner's name
 * when it is a valid label value (at most 63 characters).
 *
 * @param greeting The owning Greeting (with name, namespace and UID).
 * @returns The labels.
 * @throws {InvalidGreetingError} If the Greeting lacks its name, namespace or UID.
 *
 * @example
 * ```ts
 * import { childLabels } from "./child.ts";
 *
 * const labels = childLabels({
 *   apiVersion: "demo.staircase.dev/v1",
 *   kind: "Greeting",
 *   metadata: { name: "hello", namespace: "default", uid: "6f1c0d3e-0000-4000-8000-000000000001" },
 * });
 * console.log(labels["demo.staircase.dev/greeting"]); // hello
 * ```
 */
export function childLabels(greeting: Greeting): Record<string, string> {
  const { name, uid } = identity(greeting);
  const labels: Record<string, string> = {
    [MANAGED_BY_LABEL]: MANAGED_BY,
    [OWNER_UID_LABEL]: uid,
  };
  if (name.length <= 63 && LABEL_VALUE.test(name)) labels[OWNER_NAME_LABEL] = name;
  return labels;
}

/**
 * The owner reference that makes the Greeting the child's controller (so the garbage collector
 * deletes the child with its Greeting).
 *
 * @param greeting The owning Greeting (with name, namespace and UID).
 * @returns The owner reference.
 * @throws {InvalidGreetingError} If the Greeting lacks its name, namespace or UID.
 *
 * @example
 * ```ts
 * import { ownerReference } from "./child.ts";
 *
 * const ref = ownerReference({
 *   apiVersion: "demo.staircase.dev/v1",
 *   kind: "Greeting",
 *   metadata: { name: "hello", namespace: "default", uid: "6f1c0d3e-0000-4000-8000-000000000001" },
 * });
 * console.log(ref.controller); // true
 * ```
 */
export function ownerReference(greeting: Greeting): OwnerReference {
  const { name, uid } = identity(greeting);
  return {
    apiVersion: Greetings.apiVersion,
    kind: Greetings.kind,
    name,
    uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/**
 * The complete child ConfigMap for `greeting`: name, labels, owner reference and
 * `data.message` = `spec.message`.
 *
 * @param greeting The owning Greeting (with name, namespace and UID).
 * @returns The ConfigMap to create.
 * @throws {InvalidGreetingError} If the Greeting lacks its name, namespace, UID or message, or
 * its name is too long.
 *
 * @example
 * ```ts
 * import { desiredConfigMap } from "./child.ts";
 *
 * const cm = desiredConfigMap({
 *   apiVersion: "demo.staircase.dev/v1",
 *   kind: "Greeting",
 *   metadata: { name: "hello", namespace: "default", uid: "6f1c0d3e-0000-4000-8000-000000000001" },
 *   spec: { message: "Hello, world" },
 * });
 * console.log(cm.metadata?.name, cm.data?.message); // greeting-hello Hello, world
 * ```
 */
export function desiredConfigMap(greeting: Greeting): ConfigMap {
  const { namespace } = identity(greeting);
  const message = greeting.spec?.message;
  if (typeof message !== "string") {
    throw new InvalidGreetingError(
      `${namespace}/${greeting.metadata?.name}: spec.message is missing`,
    );
  }
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: configMapName(greeting),
      namespace,
      labels: childLabels(greeting),
      ownerReferences: [ownerReference(greeting)],
    },
    data: { message },
  };
}
