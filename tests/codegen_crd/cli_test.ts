// Tests of `codegen crd` (runCrdCommand): inputs, notes, errors and exit codes.
import { deepStrictEqual, equal, match, ok, rejects } from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { type CrdCommandIo, runCrdCommand } from "../../codegen/crd/cli.ts";
import { main } from "../../codegen/main.ts";

const fixture = (p: string) => fileURLToPath(new URL(`./fixtures/${p}`, import.meta.url));

interface Captured {
  code: number;
  out: string[];
  err: string[];
}

async function run(
  args: string[],
  stdin?: string,
  io: Partial<CrdCommandIo> = {},
): Promise<Captured> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCrdCommand(args, {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    readStdin: stdin === undefined ? undefined : () => Promise.resolve(stdin),
    ...io,
  });
  return { code, out, err };
}

async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "crd-cli-" });
  try {
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("a folder generates one types.ts and mod.ts per served group-version", () =>
  withTempDir(async (dir) => {
    const r = await run([fixture(""), "--out", dir]);
    equal(r.code, 0, r.err.join("\n"));
    deepStrictEqual(r.out, [
      `written   ${dir}/example.staircase.dev/v1/types.ts (Gadget, Widget)`,
      `written   ${dir}/example.staircase.dev/v1/mod.ts (Gadget, Widget)`,
      `written   ${dir}/example.staircase.dev/v1beta1/types.ts (Widget)`,
      `written   ${dir}/example.staircase.dev/v1beta1/mod.ts (Widget)`,
      `written   ${dir}/ops.staircase.dev/v1alpha1/types.ts (Backup)`,
      `written   ${dir}/ops.staircase.dev/v1alpha1/mod.ts (Backup)`,
      `written   ${dir}/staircase-codegen.json`,
    ]);
    // Non-CRD documents (a ConfigMap next to a CRD, a Namespace inside a List) are noted.
    deepStrictEqual(r.err, [
      `note: ${
        fixture("backups.json")
      } (document 1) item 2: skipped v1 Namespace, not a CustomResourceDefinition`,
      `note: ${
        fixture("gadgets.yaml")
      } (document 1): skipped v1 ConfigMap, not a CustomResourceDefinition`,
    ]);
    const again = await run([fixture(""), "--out", dir]);
    ok(again.out.every((l) => l.startsWith("unchanged ")), again.out.join("\n"));
  }));

Deno.test("--check exits 0 when up to date and 1 when a file differs or is missing", () =>
  withTempDir(async (dir) => {
    equal((await run([fixture("widgets.yaml"), "--out", dir])).code, 0);
    const clean = await run([fixture("widgets.yaml"), "--out", dir, "--check"]);
    equal(clean.code, 0);
    ok(clean.out.every((l) => l.startsWith("unchanged ")));
    const target = `${dir}/example.staircase.dev/v1/types.ts`;
    const before = await Deno.readTextFile(target);
    await Deno.writeTextFile(target, before + "// edited\n");
    const dirty = await run([fixture("widgets.yaml"), "--out", dir, "--check"]);
    equal(dirty.code, 1);
    ok(dirty.out.includes(`differs   ${target} (Widget)`), dirty.out.join("\n"));
    match(dirty.err.at(-1)!, /1 generated file\(s\) are out of date/);
    // --check never writes.
    equal(await Deno.readTextFile(target), before + "// edited\n");
    await Deno.remove(`${dir}/example.staircase.dev/v1beta1/mod.ts`);
    const missing = await run([fixture("widgets.yaml"), "--out", dir, "--check"]);
    equal(missing.code, 1);
    ok(missing.out.some((l) => l.startsWith("missing ")));
  }));

Deno.test("6: output a run no longer writes is removed, or reported by --check", () =>
  withTempDir(async (dir) => {
    const widgets = await Deno.readTextFile(fixture("widgets.yaml"));
    equal((await run(["-", "--out", dir], widgets)).code, 0);
    const manifest = JSON.parse(await Deno.readTextFile(`${dir}/staircase-codegen.json`));
    ok(manifest.files.includes("example.staircase.dev/v1beta1/mod.ts"), manifest.files);
    // A hand-written file in the output folder is not the generator's: it is never touched.
    await Deno.writeTextFile(`${dir}/example.staircase.dev/notes.md`, "mine\n");
    // v1beta1 stops being served.
    const unserved = widgets.replace(/(name: v1beta1\n\s+served:) true/, "$1 false");
    ok(unserved !== widgets, "the fixture changed");
    const check = await run(["-", "--out", dir, "--check"], unserved);
    equal(check.code, 1);
    ok(
      check.out.includes(`stale     ${dir}/example.staircase.dev/v1beta1/mod.ts`),
      check.out.join("\n"),
    );
    ok(check.out.includes(`stale     ${dir}/example.staircase.dev/v1beta1/types.ts`));
    match(check.err.at(-1)!, /out of date or stale/);
    await Deno.stat(`${dir}/example.staircase.dev/v1beta1/mod.ts`); // --check removes nothing
    const write = await run(["-", "--out", dir], unserved);
    equal(write.code, 0, write.err.join("\n"));
    ok(write.out.includes(`removed   ${dir}/example.staircase.dev/v1beta1/types.ts`));
    await rejects(Deno.stat(`${dir}/example.staircase.dev/v1beta1`), Deno.errors.NotFound);
    equal(await Deno.readTextFile(`${dir}/example.staircase.dev/notes.md`), "mine\n");
    equal((await run(["-", "--out", dir, "--check"], unserved)).code, 0);
    // A manifest naming a path outside the folder is refused, not followed.
    await Deno.writeTextFile(
      `${dir}/staircase-codegen.json`,
      JSON.stringify({ files: ["../outside.ts"] }),
    );
    const bad = await run(["-", "--out", dir], unserved);
    equal(bad.code, 2);
    match(bad.err.join("\n"), /ManifestError: .*"\.\.\/outside\.ts" is not a path inside/);
  }));

Deno.test("- reads standard input, including List objects", () =>
  withTempDir(async (dir) => {
    const text = await Deno.readTextFile(fixture("backups.json"));
    const r = await run(["-", "--out", dir], text);
    equal(r.code, 0, r.err.join("\n"));
    deepStrictEqual(r.out, [
      `written   ${dir}/ops.staircase.dev/v1alpha1/types.ts (Backup)`,
      `written   ${dir}/ops.staircase.dev/v1alpha1/mod.ts (Backup)`,
      `written   ${dir}/staircase-codegen.json`,
    ]);
    deepStrictEqual(r.err, [
      "note: <stdin> (document 1) item 2: skipped v1 Namespace, not a CustomResourceDefinition",
    ]);
  }));

Deno.test("invalid YAML names the file and document and exits 2", () =>
  withTempDir(async (dir) => {
    const r = await run([fixture("bad/invalid_yaml.txt"), "--out", dir]);
    equal(r.code, 2);
    match(
      r.err.join("\n"),
      /CrdInputError: .*invalid_yaml\.txt \(document 2\): invalid YAML at line 7: missed comma/,
    );
    const stdin = await run(["-", "--out", dir], "a: [1\n");
    equal(stdin.code, 2);
    match(stdin.err.join("\n"), /<stdin> \(document 1\): invalid YAML/);
  }));

Deno.test("a CRD without a schema is a clear error", () =>
  withTempDir(async (dir) => {
    const r = await run([fixture("bad/no_schema.yaml"), "--out", dir]);
    equal(r.code, 2);
    match(
      r.err.join("\n"),
      /no_schema\.yaml \(document 1\): CRD things\.example\.staircase\.dev version v1 has no schema/,
    );
  }));

Deno.test("an unmappable schema names the CRD, version and path", () =>
  withTempDir(async (dir) => {
    const r = await run([fixture("bad/unmappable.yaml"), "--out", dir]);
    equal(r.code, 2);
    match(
      r.err.join("\n"),
      /CrdSchemaError: odds\.example\.staircase\.dev version v1 at \.spec\.items\[\]: unsupported type "float"/,
    );
    equal([...Deno.readDirSync(dir)].length, 0, "nothing is written after an error");
  }));

Deno.test("a file that does not exist and only non-CRD input", () =>
  withTempDir(async (dir) => {
    const missing = await run([`${dir}/nope.yaml`, "--out", dir]);
    equal(missing.code, 2);
    match(missing.err.join("\n"), /nope\.yaml: cannot read/);
    const none = await run(["-", "--out", dir], "apiVersion: v1\nkind: Secret\n");
    equal(none.code, 0);
    match(none.err.join("\n"), /skipped v1 Secret[^]*no CustomResourceDefinitions found/);
  }));

Deno.test("usage errors exit 2 with the usage text", async () => {
  for (
    const args of [
      [fixture("")],
      ["--out", "x"],
      ["--from-cluster", fixture(""), "--out", "x"],
      [fixture(""), "--group", "a", "--out", "x"],
      ["--bogus"],
    ]
  ) {
    const r = await run(args);
    equal(r.code, 2, args.join(" "));
    match(r.err.join("\n"), /Usage:/);
  }
  const help = await run(["--help"]);
  equal(help.code, 0);
  match(help.out[0], /codegen crd PATH\.\.\. --out DIR/);
  equal(await main(["bogus"]), 2);
});

Deno.test("duplicate CRD names are rejected", () =>
  withTempDir(async (dir) => {
    const text = await Deno.readTextFile(fixture("widgets.yaml"));
    const r = await run(["-", "-", "--out", dir], text);
    equal(r.code, 2);
    match(r.err.join("\n"), /CRD widgets\.example\.staircase\.dev is also defined in <stdin>/);
  }));

Deno.test("file-path imports are made relative to each generated file", () =>
  withTempDir(async (dir) => {
    const r = await run([
      fixture("backups.json"),
      "--out",
      `${dir}/gen`,
      "--runtime-import",
      `${dir}/lib/client/mod.ts`,
      "--meta-import",
      "jsr:@example/meta",
    ]);
    equal(r.code, 0, r.err.join("\n"));
    const mod = await Deno.readTextFile(`${dir}/gen/ops.staircase.dev/v1alpha1/mod.ts`);
    match(mod, /from "\.\.\/\.\.\/\.\.\/lib\/client\/mod\.ts";/);
    const types = await Deno.readTextFile(`${dir}/gen/ops.staircase.dev/v1alpha1/types.ts`);
    match(types, /from "jsr:@example\/meta";/);
  }));
