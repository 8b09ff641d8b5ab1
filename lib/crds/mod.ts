/**
 * Installing and upgrading CustomResourceDefinitions from code, as operators do at start-up:
 * server-side apply (only what the manifest sets is compared, so server defaults never cause
 * a rewrite), then wait until the server reports the CRD `Established`.
 *
 * @example
 * ```ts
 * import { installCrds } from "@staircase/staircase";
 * import { autoDetectClient } from "@staircase/staircase/client";
 * import type { CustomResourceDefinition } from "@staircase/staircase/apis/apiextensions.k8s.io/v1";
 *
 * // At start-up: bring the CRDs up to date, from a JSON file that holds a list of them.
 * async function installOwnCrds(file: string): Promise<void> {
 *   const client = await autoDetectClient();
 *   const crds: CustomResourceDefinition[] = JSON.parse(await Deno.readTextFile(file));
 *   const changed = await installCrds(client, crds);
 *   console.log(changed ? "CRDs updated" : "CRDs up to date");
 * }
 * ```
 *
 * @module
 */

export * from "./install.ts";
export type * from "../client/_request_types.ts";
