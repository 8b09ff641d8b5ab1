/**
 * Child resources derived from their owner: deterministic names and labels, and controller
 * owner references.
 *
 * @module
 */

import type { ResourceType } from "../client/resource_type.ts";
import type { ObjectIdentity } from "./object_identity.ts";

/**
 * An owner reference (the shape of `meta/v1` `OwnerReference`).
 *
 * @example
 * ```ts
 * import { controllerOf, type ControllerReference } from "@staircase/staircase/status";
 *
 * const ref: ControllerReference = {
 *   apiVersion: "example.com/v1", kind: "App", name: "web", uid: "42",
 *   controller: true, blockOwnerDeletion: true,
 * };
 * const child = { metadata: { name: "web-config", ownerReferences: [ref] } };
 * console.log(controllerOf(child)?.name); // web
 * ```
 */
export interface ControllerReference {
  /** The owner's apiVersion. */
  readonly apiVersion: string;
  /** The owner's kind. */
  readonly kind: string;
  /** The owner's name. */
  readonly name: string;
  /** The owner's UID. */
  readonly uid: string;
  /** True for the managing controller (at most one per object). */
  readonly controller?: boolean;
  /** With foreground deletion, the owner waits for this child to go first. */
  readonly blockOwnerDeletion?: boolean;
}

/**
 * Thrown when an owner lacks a field a child helper needs (name, namespace, UID, apiVersion
 * or kind), naming the field.
 *
 * @example
 * ```ts
 * import { childName, InvalidOwnerError } from "@staircase/staircase/status";
 *
 * try {
 *   childName({ metadata: {} }, "config");
 * } catch (error) {
 *   console.log(error instanceof InvalidOwnerError); // true
 * }
 * ```
 */
export class InvalidOwnerError extends Error {
  /**
   * Creates the error.
   *
   * @param message What the owner lacks.
   */
  constructor(message: string) {
    super(message);
    this.name = "InvalidOwnerError";
  }
}

function ownerName(owner: ObjectIdentity): string {
  const name = owner?.metadata?.name;
  if (typeof name !== "string" || name === "") {
    throw new InvalidOwnerError("the owner has no metadata.name");
  }
  return name;
}

/** A short stable hash (FNV-1a, 32 bits, base 36) for names that must be shortened. */
function shortHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(36).padStart(7, "0");
}

/** Fits `value` into `limit` characters, replacing the tail by a hash of the whole. */
function fit(value: string, limit: number): string {
  if (value.length <= limit) return value;
  const hash = shortHash(value);
  const head = value.slice(0, limit - hash.length - 1).replace(/[-.]+$/, "");
  return `${head}-${hash}`;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Options of {@linkcode childName}.
 *
 * @example
 * ```ts
 * import { childName } from "@staircase/staircase/status";
 *
 * // A Service's name is a DNS label: at most 63 characters.
 * const owner = { metadata: { name: "a-very-long-owner-name-".repeat(4) } };
 * console.log(childName(owner, "svc", { maxLength: 63 }).length); // 63
 * ```
 */
export interface ChildNameOptions {
  /**
   * The longest name the child's kind accepts: 253 for most kinds, 63 for kinds whose names
   * are DNS labels (Services, Namespaces, Pods' hostnames).
   * @default {253}
   */
  readonly maxLength?: number;
}

/**
 * The deterministic name of a child: `<owner name>-<suffix>` (the seed's derive). The same
 * owner and suffix always give the same name, so a restarted controller finds the child it
 * made before. A name over `maxLength` is shortened, keeping it unique with a hash of the full
 * name.
 *
 * @param owner The owner.
 * @param suffix What the child is, a DNS label such as `config` or `web`.
 * @param options The kind's name length limit.
 * @returns The child's name.
 * @throws {InvalidOwnerError} If the owner has no name.
 * @throws {TypeError} If `suffix` is not a DNS label (lower case letters, digits and `-`).
 *
 * @example
 * ```ts
 * import { childName } from "@staircase/staircase/status";
 *
 * console.log(childName({ metadata: { name: "web" } }, "config")); // web-config
 * console.log(childName({ metadata: { name: "a".repeat(70) } }, "svc", { maxLength: 63 }).length); // 63
 * ```
 */
export function childName(
  owner: ObjectIdentity,
  suffix: string,
  options: ChildNameOptions = {},
): string {
  const name = ownerName(owner);
  if (typeof suffix !== "string" || suffix.length > 63 || !DNS_LABEL.test(suffix)) {
    throw new TypeError(
      `childName(): suffix ${JSON.stringify(suffix)} must be a DNS label (a-z, 0-9, '-')`,
    );
  }
  const limit = options.maxLength ?? 253;
  if (!Number.isInteger(limit) || limit < suffix.length + 10) {
    throw new RangeError(`childName(): maxLength ${limit} leaves no room for the owner's name`);
  }
  return fit(`${name}-${suffix}`, limit);
}

/**
 * Options of {@linkcode childLabels}.
 *
 * @example
 * ```ts
 * import { childLabels } from "@staircase/staircase/status";
 *
 * const labels = childLabels({ metadata: { name: "web" } }, { managedBy: "app-operator", component: "config" });
 * console.log(labels["app.kubernetes.io/component"]); // config
 * ```
 */
export interface ChildLabelOptions {
  /** `app.kubernetes.io/managed-by`: the controller, e.g. `app-operator`. */
  readonly managedBy?: string;
  /** `app.kubernetes.io/component`: the child's role, e.g. `config`. */
  readonly component?: string;
}

/** Label values: at most 63 characters, alphanumeric at both ends. */
function labelValue(value: string): string {
  const cleaned = value.replace(/[^A-Za-z0-9._-]/g, "-");
  return fit(cleaned, 63).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "");
}

/**
 * The deterministic labels of a child, from the recommended `app.kubernetes.io/*` set:
 * `instance` is the owner's name (shortened with a hash past 63 characters, so it stays a
 * valid label value), plus `managed-by` and `component` when given. Select a child back with
 * the same labels (e.g. {@linkcode listChildren}).
 *
 * @param owner The owner.
 * @param options The controller and component names.
 * @returns The labels.
 * @throws {InvalidOwnerError} If the owner has no name.
 *
 * @example
 * ```ts
 * import { childLabels } from "@staircase/staircase/status";
 *
 * console.log(childLabels({ metadata: { name: "web" } }, { managedBy: "app-operator" }));
 * // { "app.kubernetes.io/instance": "web", "app.kubernetes.io/managed-by": "app-operator" }
 * ```
 */
export function childLabels(
  owner: ObjectIdentity,
  options: ChildLabelOptions = {},
): Record<string, string> {
  const labels: Record<string, string> = {
    "app.kubernetes.io/instance": labelValue(ownerName(owner)),
  };
  if (options.managedBy !== undefined) {
    labels["app.kubernetes.io/managed-by"] = labelValue(options.managedBy);
  }
  if (options.component !== undefined) {
    labels["app.kubernetes.io/component"] = labelValue(options.component);
  }
  return labels;
}

/**
 * The controller owner reference a child carries to its owner (`controller: true`,
 * `blockOwnerDeletion: true`): the garbage collector deletes the child with its owner, and
 * watches of the child can requeue the owner. apiVersion and kind come from the owner, or
 * from `resource` (objects from typed clients often lack them).
 *
 * @param owner The owner, with name and UID.
 * @param resource The owner's resource token, when the object lacks apiVersion or kind.
 * @returns The reference.
 * @throws {InvalidOwnerError} If the owner has no name, UID, apiVersion or kind.
 *
 * @example
 * ```ts
 * import { controllerReference } from "@staircase/staircase/status";
 *
 * const ref = controllerReference({
 *   apiVersion: "example.com/v1", kind: "App", metadata: { name: "web", uid: "42" },
 * });
 * console.log(ref.kind, ref.controller); // App true
 * ```
 */
export function controllerReference(
  owner: ObjectIdentity,
  resource?: ResourceType,
): ControllerReference {
  const name = ownerName(owner);
  const uid = owner.metadata?.uid;
  if (typeof uid !== "string" || uid === "") {
    throw new InvalidOwnerError(`the owner ${name} has no metadata.uid (read it from the server)`);
  }
  const apiVersion = owner.apiVersion || resource?.apiVersion;
  const kind = owner.kind || resource?.kind;
  if (!apiVersion || !kind) {
    throw new InvalidOwnerError(
      `the owner ${name} has no apiVersion or kind: pass its resource token`,
    );
  }
  return { apiVersion, kind, name, uid, controller: true, blockOwnerDeletion: true };
}

/**
 * Whether `child` has a controller reference to `owner` (compared by UID).
 *
 * @param child The child object.
 * @param owner The owner.
 * @returns `true` when the child's controller reference points at the owner.
 *
 * @example
 * ```ts
 * import { isControlledBy } from "@staircase/staircase/status";
 *
 * const child = { metadata: { ownerReferences: [{ apiVersion: "example.com/v1", kind: "App", name: "web", uid: "42", controller: true }] } };
 * console.log(isControlledBy(child, { metadata: { uid: "42" } })); // true
 * ```
 */
export function isControlledBy(
  child: { readonly metadata?: { readonly ownerReferences?: readonly ControllerReference[] } },
  owner: ObjectIdentity,
): boolean {
  const uid = owner?.metadata?.uid;
  if (!uid) return false;
  return child?.metadata?.ownerReferences?.some((r) => r?.controller === true && r.uid === uid) ??
    false;
}

/**
 * The controller reference of `child`, if any.
 *
 * @param child The child object.
 * @returns The reference with `controller: true`, or `undefined`.
 *
 * @example
 * ```ts
 * import { controllerOf } from "@staircase/staircase/status";
 *
 * console.log(controllerOf({ metadata: {} })); // undefined
 * ```
 */
export function controllerOf(
  child: { readonly metadata?: { readonly ownerReferences?: readonly ControllerReference[] } },
): ControllerReference | undefined {
  return child?.metadata?.ownerReferences?.find((r) => r?.controller === true);
}
