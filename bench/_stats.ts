// Copyright 2026 the staircase authors. Apache-2.0 license.
/**
 * Statistics shared by the bench scripts.
 *
 * @module
 */

/**
 * The median of `values` (the mean of the two middle values for an even count); `NaN` when
 * empty. Does not reorder `values`.
 */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  if (sorted.length === 0) return NaN;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
