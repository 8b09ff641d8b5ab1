/**
 * Conditions as the Kubernetes API conventions describe them: a list of
 * `{ type, status, reason, message, lastTransitionTime, observedGeneration }`, one entry per
 * type, whose `lastTransitionTime` only moves when the status value changes.
 *
 * @module
 */

/**
 * The value of a condition's `status`.
 *
 * @example
 * ```ts
 * import { type ConditionStatus, setCondition } from "@staircase/staircase/status";
 *
 * // "Unknown" while the answer is not known yet, e.g. before the first check.
 * const status: ConditionStatus = "Unknown";
 * console.log(setCondition(undefined, { type: "Ready", status, reason: "Checking" })[0].status); // Unknown
 * ```
 */
export type ConditionStatus = "True" | "False" | "Unknown";

/**
 * One condition (the shape of `meta/v1` `Condition`, with `status` narrowed).
 *
 * @example
 * ```ts
 * import { type Condition, isTrue } from "@staircase/staircase/status";
 *
 * const ready: Condition = {
 *   type: "Ready",
 *   status: "True",
 *   reason: "AllChildrenReady",
 *   message: "",
 *   lastTransitionTime: "2026-01-01T00:00:00Z",
 *   observedGeneration: 3,
 * };
 * console.log(isTrue([ready], "Ready")); // true
 * ```
 */
export interface Condition {
  /** The condition type, CamelCase or `foo.example.com/CamelCase`. */
  readonly type: string;
  /** `True`, `False` or `Unknown`. */
  readonly status: ConditionStatus;
  /** A CamelCase programmatic reason for the last transition; never empty. */
  readonly reason: string;
  /** A human-readable message; may be empty. */
  readonly message: string;
  /** When `status` last changed (RFC 3339, seconds precision). */
  readonly lastTransitionTime: string;
  /** The `metadata.generation` the condition was computed from. */
  readonly observedGeneration?: number;
}

/**
 * Any condition-shaped object: what the helpers accept, so that generated types (whose
 * `status` is often a plain `string`) work as they are.
 *
 * @example
 * ```ts
 * import { type ConditionLike, findCondition } from "@staircase/staircase/status";
 *
 * // A generated status type's conditions (fewer required fields) work with the helpers too.
 * const generated: ConditionLike[] = [{
 *   type: "Ready",
 *   status: "True",
 *   lastTransitionTime: "2026-01-01T00:00:00Z",
 * }];
 * console.log(findCondition(generated, "Ready")?.lastTransitionTime); // 2026-01-01T00:00:00Z
 * ```
 */
export interface ConditionLike {
  /** The condition type. */
  readonly type: string;
  /** The status value. */
  readonly status: string;
  /** When the status last changed. */
  readonly lastTransitionTime?: string;
  /** The reason of the last transition. */
  readonly reason?: string;
  /** A human-readable message. */
  readonly message?: string;
  /** The generation the condition describes. */
  readonly observedGeneration?: number;
}

/**
 * What a step says about one condition: {@linkcode setCondition} fills in the time and
 * generation.
 *
 * @example
 * ```ts
 * import { type ConditionInput, setCondition } from "@staircase/staircase/status";
 *
 * const input: ConditionInput = { type: "Ready", status: "False", reason: "ConfigMapMissing" };
 * const [ready] = setCondition(undefined, input, { now: Date.parse("2026-01-01T00:00:00Z") });
 * console.log(JSON.stringify(ready.message), ready.lastTransitionTime); // "" 2026-01-01T00:00:00Z
 * ```
 */
export interface ConditionInput {
  /** The condition type, CamelCase or `foo.example.com/CamelCase`. */
  readonly type: string;
  /** `True`, `False` or `Unknown`. */
  readonly status: ConditionStatus;
  /** A CamelCase reason, e.g. `DeploymentAvailable`. */
  readonly reason: string;
  /** A human-readable message. @default {""} */
  readonly message?: string;
}

/**
 * Options of {@linkcode setCondition}.
 *
 * @example
 * ```ts
 * import { type Condition, setCondition } from "@staircase/staircase/status";
 *
 * // In a step: one clock reading for the Run, and the generation the condition describes.
 * function ready(conditions: Condition[] | undefined, runStart: number, generation: number): Condition[] {
 *   return setCondition(conditions, { type: "Ready", status: "True", reason: "Deployed" }, {
 *     now: runStart,
 *     observedGeneration: generation,
 *   });
 * }
 * console.log(ready(undefined, Date.parse("2026-01-01T00:00:00Z"), 2)[0].observedGeneration); // 2
 * ```
 */
export interface SetConditionOptions {
  /**
   * The time of a transition, epoch milliseconds: pass `context.runStart` so that every
   * condition of a Run carries one clock reading.
   * @default {Date.now()}
   */
  readonly now?: number;
  /** The `metadata.generation` the condition describes (usually the resource's). */
  readonly observedGeneration?: number;
}

/**
 * The condition types the API conventions suggest. They are suggestions: any type name
 * that is CamelCase (optionally with a DNS prefix) works the same way.
 *
 * - `Ready`: the resource is fully functional.
 * - `Progressing`: the resource is moving towards its desired state.
 * - `Degraded`: the resource works, with reduced quality or capacity.
 *
 * @example
 * ```ts
 * import { ConditionTypes } from "@staircase/staircase/status";
 *
 * console.log(ConditionTypes.Ready); // Ready
 * ```
 */
export const ConditionTypes: {
  readonly Ready: "Ready";
  readonly Progressing: "Progressing";
  readonly Degraded: "Degraded";
} = Object.freeze({ Ready: "Ready", Progressing: "Progressing", Degraded: "Degraded" });

/**
 * Thrown for a condition that the API server's conventions would not accept: an empty or
 * malformed type or reason, or a status other than `True`/`False`/`Unknown`.
 *
 * @example
 * ```ts
 * import { InvalidConditionError, setCondition } from "@staircase/staircase/status";
 *
 * try {
 *   setCondition([], { type: "Ready", status: "Yes" as "True", reason: "Done" });
 * } catch (error) {
 *   console.log(error instanceof InvalidConditionError); // true
 * }
 * ```
 */
export class InvalidConditionError extends Error {
  /**
   * Creates the error.
   *
   * @param message What is wrong with the condition.
   */
  constructor(message: string) {
    super(message);
    this.name = "InvalidConditionError";
  }
}

// The metav1.Condition validation patterns (apimachinery's ValidateConditions).
const TYPE_PATTERN =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$/;
const REASON_PATTERN = /^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/;
const STATUSES: ReadonlySet<string> = new Set(["True", "False", "Unknown"]);

function checkInput(input: ConditionInput): void {
  if (
    typeof input?.type !== "string" || input.type.length > 316 || !TYPE_PATTERN.test(input.type)
  ) {
    throw new InvalidConditionError(
      `condition type ${JSON.stringify(input?.type)} must be CamelCase, optionally prefixed ` +
        "by a DNS subdomain and '/' (at most 316 characters)",
    );
  }
  if (!STATUSES.has(input.status)) {
    throw new InvalidConditionError(
      `condition ${input.type}: status ${
        JSON.stringify(input.status)
      } must be True, False or Unknown`,
    );
  }
  if (
    typeof input.reason !== "string" || input.reason.length > 1024 ||
    !REASON_PATTERN.test(input.reason)
  ) {
    throw new InvalidConditionError(
      `condition ${input.type}: reason ${JSON.stringify(input.reason)} must be a non-empty ` +
        "CamelCase identifier (letters, digits, '_', ',', ':'; at most 1024 characters)",
    );
  }
  if (input.message !== undefined && typeof input.message !== "string") {
    throw new InvalidConditionError(`condition ${input.type}: message must be a string`);
  }
}

/** RFC 3339 at seconds precision, as `metav1.Time` serializes. */
function rfc3339Seconds(epochMs: number): string {
  if (!Number.isFinite(epochMs)) {
    throw new InvalidConditionError(`setCondition(): now must be a finite number, got ${epochMs}`);
  }
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * Sets the condition of `input.type` in a copy of `conditions` and returns it (the list is not
 * changed). When the status value did not change, `lastTransitionTime` is kept; reason,
 * message and observedGeneration are updated either way. A new type is appended.
 *
 * @param conditions The current conditions (e.g. `resource.status?.conditions`); may be absent.
 * @param input The condition's type, status, reason and message.
 * @param options The transition time and observed generation.
 * @returns The new list, in the same order with the condition replaced or appended.
 * @throws {InvalidConditionError} If the type, status or reason is malformed.
 *
 * @example Keeping lastTransitionTime while the status stays the same
 * ```ts
 * import { setCondition } from "@staircase/staircase/status";
 *
 * const first = setCondition(undefined, { type: "Ready", status: "False", reason: "Starting" }, {
 *   now: Date.parse("2026-01-01T00:00:00Z"),
 * });
 * const second = setCondition(first, { type: "Ready", status: "False", reason: "StillStarting" }, {
 *   now: Date.parse("2026-01-01T00:05:00Z"),
 * });
 * console.log(second[0].lastTransitionTime); // 2026-01-01T00:00:00Z
 * console.log(second[0].reason); // StillStarting
 * ```
 */
export function setCondition<C extends ConditionLike = Condition>(
  conditions: readonly C[] | undefined,
  input: ConditionInput,
  options: SetConditionOptions = {},
): (C | Condition)[] {
  checkInput(input);
  const list = conditions ?? [];
  const index = list.findIndex((c) => c?.type === input.type);
  const previous = index < 0 ? undefined : list[index];
  const lastTransitionTime = previous !== undefined && previous.status === input.status &&
      typeof previous.lastTransitionTime === "string" && previous.lastTransitionTime !== ""
    ? previous.lastTransitionTime
    : rfc3339Seconds(options.now ?? Date.now());
  const condition: Condition = {
    type: input.type,
    status: input.status,
    reason: input.reason,
    message: input.message ?? "",
    lastTransitionTime,
    ...(options.observedGeneration === undefined
      ? {}
      : { observedGeneration: options.observedGeneration }),
  };
  const next: (C | Condition)[] = [...list];
  if (index < 0) next.push(condition);
  else next[index] = condition;
  return next;
}

/**
 * Returns a copy of `conditions` without the condition of `type`.
 *
 * @param conditions The current conditions; may be absent.
 * @param type The condition type to drop.
 * @returns The remaining conditions, in order.
 *
 * @example
 * ```ts
 * import { removeCondition } from "@staircase/staircase/status";
 *
 * const left = removeCondition([
 *   { type: "Ready", status: "True", reason: "Ok", message: "", lastTransitionTime: "2026-01-01T00:00:00Z" },
 * ], "Ready");
 * console.log(left.length); // 0
 * ```
 */
export function removeCondition<C extends ConditionLike>(
  conditions: readonly C[] | undefined,
  type: string,
): C[] {
  return (conditions ?? []).filter((c) => c?.type !== type);
}

/**
 * Finds the condition of `type`.
 *
 * @param conditions The conditions to search; may be absent.
 * @param type The condition type.
 * @returns The condition, or `undefined` when there is none of that type.
 *
 * @example
 * ```ts
 * import { findCondition } from "@staircase/staircase/status";
 *
 * const ready = findCondition([
 *   { type: "Ready", status: "True", reason: "Ok", message: "", lastTransitionTime: "2026-01-01T00:00:00Z" },
 * ], "Ready");
 * console.log(ready?.reason); // Ok
 * ```
 */
export function findCondition<C extends ConditionLike>(
  conditions: readonly C[] | undefined,
  type: string,
): C | undefined {
  return conditions?.find((c) => c?.type === type);
}

/**
 * Whether the condition of `type` exists and is `True`.
 *
 * @param conditions The conditions; may be absent.
 * @param type The condition type.
 * @returns `true` only for an existing condition with status `True`.
 *
 * @example
 * ```ts
 * import { isTrue } from "@staircase/staircase/status";
 *
 * console.log(isTrue([
 *   { type: "Ready", status: "True", reason: "Ok", message: "", lastTransitionTime: "2026-01-01T00:00:00Z" },
 * ], "Ready")); // true
 * console.log(isTrue(undefined, "Ready")); // false
 * ```
 */
export function isTrue(conditions: readonly ConditionLike[] | undefined, type: string): boolean {
  return findCondition(conditions, type)?.status === "True";
}

/**
 * Whether the condition of `type` exists and is `False` (a missing condition is neither
 * true nor false: it is unknown).
 *
 * @param conditions The conditions; may be absent.
 * @param type The condition type.
 * @returns `true` only for an existing condition with status `False`.
 *
 * @example
 * ```ts
 * import { isFalse } from "@staircase/staircase/status";
 *
 * console.log(isFalse([
 *   { type: "Degraded", status: "False", reason: "Ok", message: "", lastTransitionTime: "2026-01-01T00:00:00Z" },
 * ], "Degraded")); // true
 * console.log(isFalse([], "Degraded")); // false
 * ```
 */
export function isFalse(conditions: readonly ConditionLike[] | undefined, type: string): boolean {
  return findCondition(conditions, type)?.status === "False";
}

/**
 * Whether the condition of `type` is `Unknown` or missing.
 *
 * @param conditions The conditions; may be absent.
 * @param type The condition type.
 * @returns `true` for a missing condition or one with status `Unknown`.
 *
 * @example
 * ```ts
 * import { isUnknown } from "@staircase/staircase/status";
 *
 * console.log(isUnknown([], "Ready")); // true
 * ```
 */
export function isUnknown(
  conditions: readonly ConditionLike[] | undefined,
  type: string,
): boolean {
  const status = findCondition(conditions, type)?.status;
  return status === undefined || status === "Unknown";
}
