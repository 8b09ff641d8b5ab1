// Golden-file test: the fixture CRDs generate exactly the committed files under golden/.
// Set UPDATE_GOLDEN=1 to rewrite them after an intended change.
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { fileURLToPath as fromFileUrl } from "node:url";
import { generateCrdFiles } from "../../codegen/crd/generate.ts";
import { readCrdSources } from "../../codegen/crd/read.ts";

const here = (p: string) => fromFileUrl(new URL(p, import.meta.url));
const GOLDEN = here("./golden");

/** The generator options used for the golden files: in-repo relative imports. */
export const GOLDEN_OPTIONS = {
  outDir: GOLDEN,
  runtimeImport: here("../../lib/client/mod.ts"),
  metaImport: here("../../lib/apis/meta/v1/mod.ts"),
};

async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) {
      if (e.isDirectory) out.push(...await listFiles(`${dir}/${e.name}`, `${prefix}${e.name}/`));
      else out.push(`${prefix}${e.name}`);
    }
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  return out.sort();
}

/** The CRD fixtures the golden files are generated from. */
const FIXTURES = [
  here("./fixtures"),
  here("./fixtures/offline"),
  here("./fixtures/defects"),
  here("./fixtures/shared"),
];

Deno.test("CRD fixtures generate the golden files", async () => {
  const { crds } = await readCrdSources(FIXTURES);
  const files = await generateCrdFiles(crds.map((c) => c.crd), GOLDEN_OPTIONS);
  if (Deno.env.get("UPDATE_GOLDEN") === "1") {
    await Deno.remove(GOLDEN, { recursive: true }).catch(() => {});
    for (const f of files) {
      await Deno.mkdir(`${GOLDEN}/${f.path.replace(/\/[^/]+$/, "")}`, { recursive: true });
      await Deno.writeTextFile(`${GOLDEN}/${f.path}`, f.content);
    }
  }
  assertEquals(await listFiles(GOLDEN), files.map((f) => f.path).sort());
  for (const f of files) {
    assertEquals(f.content, await Deno.readTextFile(`${GOLDEN}/${f.path}`), f.path);
  }
});

Deno.test("generation is deterministic across runs and input order", async () => {
  const { crds } = await readCrdSources(FIXTURES);
  const a = await generateCrdFiles(crds.map((c) => c.crd), GOLDEN_OPTIONS);
  const b = await generateCrdFiles(crds.map((c) => c.crd).reverse(), GOLDEN_OPTIONS);
  assertEquals(a, b);
});
