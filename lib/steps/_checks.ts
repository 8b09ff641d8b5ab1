// Internal: the shape checks of the step model (steps, outcomes, delays, resources) and error
// wording.

import { InvalidPlanError, InvalidResourceError } from "./errors.ts";

/** Throws a RangeError unless `ms` is undefined or a finite number >= 0. */
export function checkDelay(ms: unknown): void {
  if (ms === undefined) return;
  if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0) {
    throw new RangeError(`requeueAfterMs must be a finite number >= 0, got ${describe(ms)}`);
  }
}

/**
 * Throws an InvalidPlanError unless `step` looks like a Step whose name none of the steps ahead
 * of it (`plan[0]` to `plan[index - 1]`) uses.
 */
function checkStep(
  step: unknown,
  index: number,
  plan: readonly { readonly name: string }[],
): void {
  if (typeof step !== "object" || step === null) {
    throw new InvalidPlanError(`step ${index} is not an object`);
  }
  const { name, run } = step as { name?: unknown; run?: unknown };
  if (typeof name !== "string" || name === "") {
    throw new InvalidPlanError(`step ${index} has no name (a non-empty string is required)`);
  }
  if (typeof run !== "function") {
    throw new InvalidPlanError(`step ${index} ("${name}") has no run function`);
  }
  for (let j = 0; j < index; j++) {
    if (plan[j].name === name) {
      throw new InvalidPlanError(
        `steps ${j} and ${index} are both named "${name}": step names must be unique in a plan ` +
          "(they identify the step in RunResults, errors, logs and metrics)",
      );
    }
  }
}

/** Checks every step of `steps` (see {@linkcode checkStep}). */
export function checkSteps(steps: unknown): void {
  if (!Array.isArray(steps)) throw new InvalidPlanError("plan.steps must be an array of steps");
  for (let i = 0; i < steps.length; i++) checkStep(steps[i], i, steps);
}

/**
 * Throws an InvalidResourceError unless `resource` has the metadata every Run relies on: a
 * `name`, `uid` and `resourceVersion`; a `generation` when it has a `spec`; and a `namespace`
 * when `namespaced` is true (the kind's scope, when known).
 */
export function checkResource(resource: unknown, namespaced: boolean | undefined): void {
  if (typeof resource !== "object" || resource === null || Array.isArray(resource)) {
    throw new InvalidResourceError(`the resource must be an object, got ${describe(resource)}`);
  }
  const metadata = (resource as { metadata?: unknown }).metadata;
  if (typeof metadata !== "object" || metadata === null) {
    throw new InvalidResourceError("the resource has no metadata");
  }
  const meta = metadata as Record<string, unknown>;
  if (
    typeof meta.name === "string" && meta.name !== "" &&
    typeof meta.uid === "string" && meta.uid !== "" &&
    typeof meta.resourceVersion === "string" && meta.resourceVersion !== "" &&
    (typeof meta.generation === "number" || !("spec" in resource)) &&
    (namespaced !== true || (typeof meta.namespace === "string" && meta.namespace !== ""))
  ) {
    return; // the common case, without building the list of what is missing
  }
  const missing: string[] = [];
  for (const field of ["name", "uid", "resourceVersion"]) {
    if (typeof meta[field] !== "string" || meta[field] === "") missing.push(`metadata.${field}`);
  }
  if ("spec" in resource && typeof meta.generation !== "number") {
    missing.push("metadata.generation");
  }
  if (namespaced === true && (typeof meta.namespace !== "string" || meta.namespace === "")) {
    missing.push("metadata.namespace");
  }
  if (missing.length > 0) {
    const name = typeof meta.name === "string" && meta.name !== "" ? ` "${meta.name}"` : "";
    throw new InvalidResourceError(
      `the resource${name} lacks ${missing.join(", ")}: run objects as read from the API ` +
        "server (which sets them), not hand-built ones",
    );
  }
}

/** The common case, checked without destructuring: a *no modification* without a status. */
export function isPlainNoModification(value: unknown): boolean {
  return typeof value === "object" && value !== null &&
    (value as { kind?: unknown }).kind === "no-modification" &&
    (value as { status?: unknown }).status === undefined;
}

/** Why `value` is not a valid step outcome (an error to fail the step with), or undefined. */
export function badOutcome(value: unknown): Error | undefined {
  if (value === null || typeof value !== "object") {
    return new TypeError(`resolved with ${describe(value)}, not a StepOutcome`);
  }
  const { kind, status, requeueAfterMs } = value as Record<string, unknown>;
  if (kind !== "no-modification" && kind !== "modified" && kind !== "blocked") {
    return new TypeError(`resolved with ${describe(value)}, not a StepOutcome`);
  }
  if (
    status !== undefined && (typeof status !== "object" || status === null || Array.isArray(status))
  ) {
    // A null or array status would replace the whole status in a merge patch: refuse it.
    const what = status === null ? "null" : Array.isArray(status) ? "an array" : typeof status;
    return new TypeError(`the outcome's status must be an object (or undefined), got ${what}`);
  }
  if (kind !== "no-modification") {
    try {
      checkDelay(requeueAfterMs);
    } catch (error) {
      return error as RangeError;
    }
  }
  return undefined;
}

/** A short description of a value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") {
    return JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value);
  }
  if (typeof value === "object") return Array.isArray(value) ? "an array" : "an object";
  return String(value);
}

/** The message of an error-like value. */
export function messageOf(value: unknown): string {
  if (value instanceof Error) return value.message;
  return describe(value);
}
