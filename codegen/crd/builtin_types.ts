/**
 * Reuse of built-in types in CRD modules: a CRD shape structurally identical to a type of
 * `lib/apis` (controller-gen inlines `Container`, `Volume`, `ResourceRequirements`,
 * `LabelSelector`, ... into CRDs) is typed with that type, imported from its module, instead of
 * being declared again.
 *
 * @module
 */

import { pascalCase } from "../common/naming.ts";
import type { SchemaObject } from "../common/schema.ts";
import {
  MIN_REUSE_FIELDS,
  shapeSignature,
  signatureFields,
  signatureHash,
} from "../common/shape.ts";
import { BUILTIN_SHAPES } from "./builtin_shapes.ts";

/** Preferred modules when one type name exists in several. */
const PREFERRED = ["meta/v1", "core/v1"];

/**
 * Finds built-in types for CRD shapes and collects the imports they need.
 *
 * @example
 * ```ts
 * import { BuiltinTypes } from "./builtin_types.ts";
 *
 * const builtins = new BuiltinTypes((module) => `../apis/${module}/mod.ts`, new Set());
 * const selector = {
 *   type: "object",
 *   properties: {
 *     matchExpressions: { type: "array", items: { type: "object", required: ["key", "operator"], properties: {
 *       key: { type: "string" }, operator: { type: "string" }, values: { type: "array", items: { type: "string" } },
 *     } } },
 *     matchLabels: { type: "object", additionalProperties: { type: "string" } },
 *   },
 * };
 * console.log(builtins.match(selector, "selector")); // LabelSelector
 * console.log(builtins.importLines()); // import type { LabelSelector } from "../apis/meta/v1/mod.ts";
 * ```
 */
export class BuiltinTypes {
  #specifier: (module: string) => string;
  #taken: Set<string>;
  /** module → type name → local name. */
  #imports = new Map<string, Map<string, string>>();

  /**
   * Creates the matcher.
   *
   * @param specifier The import specifier of a built-in module (`core/v1`, ...).
   * @param taken Names used in the CRD module; imports avoid them (and are added).
   */
  constructor(specifier: (module: string) => string, taken: Set<string>) {
    this.#specifier = specifier;
    this.#taken = taken;
  }

  /**
   * The local name of the built-in type structurally identical to `schema` (a normalized CRD
   * schema), or `undefined`. When several types have the shape (`ConfigMapKeySelector` and
   * `SecretKeySelector`), the one whose name starts most like `property` is taken, if one does.
   *
   * @param schema The object schema.
   * @param property The name of the property the object is found at.
   * @returns The type name to write, or `undefined` to declare the shape locally.
   */
  match(schema: SchemaObject, property: string): string | undefined {
    const signature = shapeSignature(schema, { structural: true });
    if (signatureFields(signature) < MIN_REUSE_FIELDS) return undefined;
    const found = BUILTIN_SHAPES[signatureHash(signature)];
    if (found === undefined) return undefined;
    const choice = choose(found, property);
    if (choice === undefined) return undefined;
    const [module, typeName] = choice.split("#");
    const names = this.#imports.get(module) ?? new Map<string, string>();
    this.#imports.set(module, names);
    let local = names.get(typeName);
    if (local === undefined) {
      local = this.#taken.has(typeName) ? `${pascalCase(module)}${typeName}` : typeName;
      for (let i = 2; this.#taken.has(local); i++) local = `${pascalCase(module)}${typeName}${i}`;
      this.#taken.add(local);
      names.set(typeName, local);
    }
    return local;
  }

  /**
   * The `import type` lines for the types matched so far, sorted.
   *
   * @param extra More names to import, by module (the meta/v1 types every module uses).
   * @returns The lines.
   */
  importLines(extra: Record<string, string[]> = {}): string {
    const modules = new Set([...this.#imports.keys(), ...Object.keys(extra)]);
    return [...modules].sort().map((module) => {
      const names = [
        ...(extra[module] ?? []).map((n) => [n, n] as const),
        ...(this.#imports.get(module) ?? []),
      ].sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([name, local]) => (name === local ? name : `${name} as ${local}`));
      return `import type { ${names.join(", ")} } from "${this.#specifier(module)}";\n`;
    }).join("");
  }
}

function choose(found: readonly string[], property: string): string | undefined {
  const byName = new Map<string, string[]>();
  for (const entry of found) {
    const name = entry.slice(entry.indexOf("#") + 1);
    byName.set(name, [...(byName.get(name) ?? []), entry]);
  }
  let names = [...byName.keys()];
  if (names.length > 1) {
    // Several types of one shape: only a name that matches the property decides.
    const score = (name: string) => commonPrefix(name.toLowerCase(), property.toLowerCase());
    const best = Math.max(...names.map(score));
    names = names.filter((n) => score(n) === best);
    if (best < 3 || names.length !== 1) return undefined;
  }
  const entries = byName.get(names[0])!;
  const rank = (e: string) => {
    const i = PREFERRED.indexOf(e.slice(0, e.indexOf("#")));
    return i < 0 ? PREFERRED.length : i;
  };
  return [...entries].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : 1))[0];
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}
