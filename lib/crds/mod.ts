/**
 * Installing and upgrading CustomResourceDefinitions from code: create when missing, replace
 * when different (keeping the `resourceVersion`), and wait until the server reports the CRD
 * `Established`, as operators do at start-up.
 *
 * @example
 * ```ts ignore
 * import { installCrds } from "./mod.ts";
 * import { autoDetectClient } from "../client/mod.ts";
 * import { parse } from "yaml";
 *
 * const client = await autoDetectClient();
 * const changed = await installCrds(client, [parse(await Deno.readTextFile("crd.yaml"))]);
 * console.log(changed ? "CRDs updated" : "CRDs up to date");
 * ```
 *
 * @module
 */

export * from "./install.ts";
export type {
  HttpMethod,
  JSONArray,
  JSONObject,
  JSONPrimitive,
  JSONValue,
  RequestOptions,
  RestClient,
} from "../client/contract.ts";
