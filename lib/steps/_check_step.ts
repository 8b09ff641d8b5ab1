// Internal: shape checks for steps handed to the builder or the executor.

import { InvalidPlanError } from "./errors.ts";

/**
 * Throws an InvalidPlanError unless `step` looks like a Step whose name none of the steps ahead
 * of it (`plan[0]` to `plan[index - 1]`) uses.
 */
export function checkStep(
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
