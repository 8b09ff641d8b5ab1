// Copyright 2026 the staircase authors. Apache-2.0 license.
// Internal: deciding whether a failed build is worth retrying with an older Kubernetes version.

/**
 * Whether a build failed because the module proxy lacks a module or version. Only the Go
 * command's own wording counts: a bare "not found" (a missing command or file) is a real failure
 * that older versions would not fix.
 *
 * @example
 * ```ts
 * import { isMissingModule } from "./missing_module.ts";
 *
 * console.log(isMissingModule("go: k8s.io/api@v0.99.0: invalid version: unknown revision")); // true
 * console.log(isMissingModule("sh: 1: gcc: not found")); // false
 * ```
 */
export function isMissingModule(output: string): boolean {
  return /unknown revision|no matching versions|invalid version|410 Gone|404 Not Found|module [^\s]+ not found|reading https?:\/\/\S+: (404|410)/i
    .test(output);
}
