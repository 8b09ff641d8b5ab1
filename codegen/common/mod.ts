/**
 * Writers shared by the staircase generators: the OpenAPI-schema-to-TypeScript
 * type emitter, the Api class emitter, JSDoc/naming helpers and formatting.
 *
 * @example Emitting a declaration
 * ```ts
 * import { emitDeclaration } from "./mod.ts";
 *
 * console.log(emitDeclaration("Port", { type: "integer", format: "int32" }, "#"));
 * // export type Port = number;
 * ```
 *
 * @module
 */

export * from "./schema.ts";
export * from "./jsdoc.ts";
export * from "./naming.ts";
export * from "./type_emitter.ts";
export * from "./api_spec.ts";
export * from "./api_emitter.ts";
export * from "./format.ts";
