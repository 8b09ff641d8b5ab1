/**
 * Errors of the CRD generator.
 *
 * @module
 */

/**
 * An input file or document could not be read as CRDs: unreadable file, invalid YAML or
 * JSON, or a CRD missing required fields. The message names the source and document index.
 *
 * @example
 * ```ts
 * import { CrdInputError } from "@staircase/staircase/codegen";
 * const err = new CrdInputError("crds.yaml", 2, "invalid YAML: bad indentation");
 * console.log(err.message); // crds.yaml (document 2): invalid YAML: bad indentation
 * ```
 */
export class CrdInputError extends Error {
  /** The file (or `<stdin>`) the problem is in. */
  readonly source: string;
  /** The 1-based index of the document in the file, when known. */
  readonly documentIndex: number | undefined;

  /**
   * Creates the error.
   *
   * @param source The file name, or `<stdin>`.
   * @param documentIndex The 1-based document index, if the problem is inside one document.
   * @param problem What is wrong.
   */
  constructor(source: string, documentIndex: number | undefined, problem: string) {
    super(
      `${source}${documentIndex === undefined ? "" : ` (document ${documentIndex})`}: ${problem}`,
    );
    this.name = "CrdInputError";
    this.source = source;
    this.documentIndex = documentIndex;
  }
}

/**
 * A schema construct the generator cannot map to TypeScript. Names the CRD, version and the
 * JSON path of the offending schema, so it can be fixed instead of degrading to `any`.
 *
 * @example
 * ```ts
 * import { CrdSchemaError } from "@staircase/staircase/codegen";
 * const err = new CrdSchemaError("widgets.example.com", "v1", ".spec.size", "unknown type \"float\"");
 * console.log(err.message);
 * // widgets.example.com version v1 at .spec.size: unknown type "float"
 * ```
 */
export class CrdSchemaError extends Error {
  /** The CRD name (`<plural>.<group>`). */
  readonly crd: string;
  /** The CRD version whose schema failed. */
  readonly version: string;
  /** The JSON path inside the object, e.g. `.spec.items[].name`. */
  readonly path: string;

  /**
   * Creates the error.
   *
   * @param crd The CRD name.
   * @param version The version name.
   * @param path The JSON path of the schema inside the object.
   * @param problem What cannot be mapped.
   */
  constructor(crd: string, version: string, path: string, problem: string) {
    super(`${crd} version ${version} at ${path || "."}: ${problem}`);
    this.name = "CrdSchemaError";
    this.crd = crd;
    this.version = version;
    this.path = path;
  }
}
