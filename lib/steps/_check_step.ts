// Internal: shape check for steps handed to the builder or the executor.

import { InvalidPlanError } from "./errors.ts";

/** Throws an InvalidPlanError unless `step` looks like a Step. */
export function checkStep(step: unknown, index: number): void {
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
}
