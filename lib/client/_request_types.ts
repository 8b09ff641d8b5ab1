/**
 * The request contract's types that every entry point taking a {@linkcode RestClient} must
 * export too (so its documented surface is complete on its own), as one set to re-export.
 *
 * @module
 */

export type {
  HttpMethod,
  JSONArray,
  JSONObject,
  JSONPrimitive,
  JSONValue,
  RequestOptions,
  RestClient,
} from "./contract.ts";
