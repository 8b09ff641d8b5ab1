/**
 * JSDoc rendering for generated code.
 *
 * @module
 */

/**
 * Escapes text so it can sit inside a `/** ... *\/` block: comment terminators
 * are broken up and a leading `@` that JSDoc would read as a tag is escaped.
 *
 * @example
 * ```ts
 * import { escapeJsDoc } from "./jsdoc.ts";
 *
 * console.log(escapeJsDoc("a*" + "/b")); // a*\/b
 * ```
 */
export function escapeJsDoc(text: string): string {
  return text
    .replaceAll("*/", "*\\/")
    .replaceAll("/*", "/\\*")
    .replace(/^(\s*)@/gm, "$1\\@");
}

/**
 * Renders a JSDoc block from free text and tag lines. Returns an empty string
 * when there is nothing to say, so callers can concatenate unconditionally.
 *
 * @example
 * ```ts
 * import { renderJsDoc } from "./jsdoc.ts";
 *
 * console.log(renderJsDoc("The name.", ["@default \"x\""]));
 * // /**
 * //  * The name.
 * //  *
 * //  * @default "x"
 * //  *\/
 * ```
 */
export function renderJsDoc(text: string | undefined, tags: string[] = []): string {
  const body = (text ?? "").trim();
  const lines: string[] = body === "" ? [] : escapeJsDoc(body).split("\n").map((l) => l.trimEnd());
  const tagLines = tags.map((t) => t.replaceAll("*/", "*\\/"));
  if (lines.length > 0 && tagLines.length > 0) lines.push("");
  lines.push(...tagLines.flatMap((t) => t.split("\n")));
  if (lines.length === 0) return "";
  if (lines.length === 1 && !lines[0].includes("\n")) return `/** ${lines[0]} */\n`;
  return `/**\n${lines.map((l) => (l === "" ? " *" : ` * ${l}`)).join("\n")}\n */\n`;
}
