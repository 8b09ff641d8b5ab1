/**
 * Delivery: the documentation users read (`deno doc` of every entry point in deno.json) shows
 * code they can copy. Every `@example` imports the library by package name
 * (`@staircase/staircase/...`, an export that exists), never by a relative path or a `jsr:`
 * specifier, and no example is a ritual that only prints `typeof` of something. The example
 * programs (`examples/`) import the library the same way: only their own files are relative.
 *
 * @module
 */
import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url);
const PACKAGE = "@staircase/staircase";

interface DenoJson {
  name: string;
  exports: Record<string, string>;
  imports: Record<string, string>;
}

/** One `@example` of the public docs: where it is documented, and its text. */
interface DocExample {
  readonly where: string;
  readonly text: string;
}

const denoJson = JSON.parse(await Deno.readTextFile(new URL("deno.json", ROOT))) as DenoJson;

/** `deno doc --json` of every entry point, in one call. */
async function publicDocs(): Promise<unknown> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--json", ...Object.values(denoJson.exports)],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(output.success, new TextDecoder().decode(output.stderr));
  return JSON.parse(new TextDecoder().decode(output.stdout));
}

/** Every `@example` tag anywhere in the doc tree (symbols, members, module docs). */
function examplesIn(node: unknown, where: string, found: DocExample[]): DocExample[] {
  if (Array.isArray(node)) {
    for (const child of node) examplesIn(child, where, found);
  } else if (typeof node === "object" && node !== null) {
    const record = node as Record<string, unknown>;
    const name = typeof record.name === "string" ? `${where}/${record.name}` : where;
    if (record.kind === "example" && typeof record.doc === "string") {
      found.push({ where, text: record.doc });
    }
    for (const [key, child] of Object.entries(record)) {
      // Module keys are file URLs: name the module by its path in the repository.
      const childWhere = key.startsWith(ROOT.href) ? key.slice(ROOT.href.length) : name;
      examplesIn(child, childWhere, found);
    }
  }
  return found;
}

/** The module specifiers a piece of example code imports from. */
function importedSpecifiers(code: string): string[] {
  const pattern = /(?:^|\n)\s*(?:import|export)\s[^;]*?\sfrom\s+"([^"]+)"|import\("([^"]+)"\)/g;
  return [...code.matchAll(pattern)].map((match) => match[1] ?? match[2]);
}

const docs = await publicDocs();
const examples = examplesIn(docs, "", []);
const packageSpecifiers = new Set(
  Object.keys(denoJson.exports).map((key) => key === "." ? PACKAGE : `${PACKAGE}${key.slice(1)}`),
);

Deno.test("the public docs have examples to check", () => {
  // Guards the walk itself: a change in deno doc's JSON must not turn this file into no-ops.
  assert.ok(examples.length >= 400, `found only ${examples.length} examples`);
  assert.ok(examples.some((example) => example.where.startsWith("lib/apis/quantity.ts")));
});

Deno.test("every public example imports the library by package name", () => {
  const problems: string[] = [];
  for (const { where, text } of examples) {
    for (const specifier of importedSpecifiers(text)) {
      const known = packageSpecifiers.has(specifier) || specifier in denoJson.imports ||
        specifier.startsWith("node:") || specifier.startsWith("npm:");
      if (!known) problems.push(`${where}: imports "${specifier}"`);
    }
  }
  assert.deepEqual(problems, []);
});

/**
 * A ritual example: it prints the `typeof` of something, or builds an options object only to
 * print a field of it (an `@default` says that better; an example passes the options on).
 */
function isRitual(code: string): boolean {
  if (/console\.log\(\s*typeof\b/.test(code)) return true;
  const declared = /const (\w+): \w*Options\b[^=]*=/.exec(code);
  if (declared === null) return false;
  const name = declared[1];
  const uses = code.match(new RegExp(`\\b${name}\\b`, "g"))?.length ?? 0;
  const printed = code.match(new RegExp(`console\\.log\\(${name}\\b`, "g"))?.length ?? 0;
  return uses - 1 === printed;
}

Deno.test("no public example is a ritual that only prints what it built", () => {
  const rituals = examples.filter(({ text }) => isRitual(text)).map(({ where }) => where);
  assert.deepEqual(rituals, []);
});

Deno.test("the ritual finder tells a ritual from a use", () => {
  assert.equal(isRitual("console.log(typeof plan);"), true);
  assert.equal(
    isRitual(
      'const options: WatcherOptions = { namespace: "a" };\nconsole.log(options.namespace);',
    ),
    true,
  );
  assert.equal(
    isRitual(
      "const options: BackoffOptions = { initialMs: 5 };\nconsole.log(new Backoff(options).next());",
    ),
    false,
  );
  assert.equal(isRitual("const client = restClientFromHandler(handle);"), false);
});

Deno.test("the example programs import the library by package name", async () => {
  const examplesDir = new URL("examples/", ROOT);
  const problems: string[] = [];
  let files = 0;
  for await (const file of walkTypeScript(examplesDir)) {
    files++;
    const code = await Deno.readTextFile(file);
    for (const specifier of importedSpecifiers(code)) {
      const target = new URL(specifier, file);
      const relative = specifier.startsWith("./") || specifier.startsWith("../");
      if (relative && !target.href.startsWith(examplesDir.href)) {
        problems.push(`${file.href.slice(ROOT.href.length)}: imports "${specifier}"`);
      }
    }
  }
  assert.ok(files >= 10, `found only ${files} example files`);
  assert.deepEqual(problems, []);
});

/** Every .ts file under `dir`, recursively. */
async function* walkTypeScript(dir: URL): AsyncGenerator<URL> {
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isDirectory) yield* walkTypeScript(new URL(`${entry.name}/`, dir));
    else if (entry.name.endsWith(".ts")) yield new URL(entry.name, dir);
  }
}

Deno.test("the import finder sees every form the examples use", () => {
  const code = [
    'import { a } from "@staircase/staircase";',
    'import type {\n  B,\n  C,\n} from "./relative.ts";',
    'export { d } from "jsr:@std/assert";',
    'const e = await import("../up.ts");',
  ].join("\n");
  assert.deepEqual(importedSpecifiers(code), [
    "@staircase/staircase",
    "./relative.ts",
    "jsr:@std/assert",
    "../up.ts",
  ]);
});
