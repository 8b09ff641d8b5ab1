/**
 * Installing and upgrading CustomResourceDefinitions from code, as operators do at start-up:
 * server-side apply (only what the manifest sets is compared, so server defaults never cause
 * a rewrite), then wait until the server reports the CRD `Established`.
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
