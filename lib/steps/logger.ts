/**
 * The logger the step model writes to.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";

/**
 * A small structured logger.
 *
 * Its shape is a subset of `@logtape/logtape`'s `Logger`, so a LogTape logger can be passed
 * wherever staircase asks for a {@linkcode Logger}; any other logger can be adapted in a few lines.
 *
 * @example Adapting `console`
 * ```ts
 * import type { Logger } from "@staircase/staircase";
 *
 * const consoleLogger: Logger = {
 *   debug: (message, properties) => console.debug(message, properties ?? {}),
 *   info: (message, properties) => console.info(message, properties ?? {}),
 *   warn: (message, properties) => console.warn(message, properties ?? {}),
 *   error: (message, properties) => console.error(message, properties ?? {}),
 * };
 * consoleLogger.info("ready", { replicas: 3 });
 * ```
 */
export interface Logger {
  /** Logs a debug message with optional structured properties. */
  debug(message: string, properties?: Record<string, unknown>): void;
  /** Logs an informational message with optional structured properties. */
  info(message: string, properties?: Record<string, unknown>): void;
  /** Logs a warning with optional structured properties. */
  warn(message: string, properties?: Record<string, unknown>): void;
  /** Logs an error with optional structured properties. */
  error(message: string, properties?: Record<string, unknown>): void;
  /**
   * Returns a logger that adds `properties` to every record (LogTape's `with`).
   * Optional: without it, staircase logs through the logger itself.
   */
  with?(properties: Record<string, unknown>): Logger;
}

/**
 * Returns staircase's default logger for a category below `["staircase"]`, backed by LogTape's
 * `getLogger`. Records go nowhere until the application configures LogTape.
 *
 * @param category The sub-category, e.g. `["run"]` gives `["staircase", "run"]`.
 * @returns A LogTape logger.
 *
 * @example
 * ```ts
 * import { defaultLogger } from "@staircase/staircase";
 *
 * const logger = defaultLogger(["run"]);
 * logger.debug("starting", { runId: "abc-1" });
 * ```
 */
export function defaultLogger(category: readonly string[] = []): Logger {
  return getLogger(["staircase", ...category]);
}
