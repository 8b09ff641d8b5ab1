// Internal validation helpers shared by the step model.

/** Throws a RangeError unless `ms` is undefined or a finite number >= 0. */
export function checkDelay(ms: unknown): void {
  if (ms === undefined) return;
  if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0) {
    throw new RangeError(`requeueAfterMs must be a finite number >= 0, got ${describe(ms)}`);
  }
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
