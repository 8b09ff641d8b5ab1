/**
 * The committed typed module of the Greeting CRD is what the codegen makes from the CRD today.
 *
 * @module
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

Deno.test("examples/greeting/api is up to date with examples/greeting/crd.yaml", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    // The task holds the one set of codegen arguments; --check writes nothing.
    args: ["task", "--quiet", "codegen:greeting", "--check"],
    cwd: fileURLToPath(new URL("../../", import.meta.url)),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 0, `regenerate with: deno task codegen:greeting\n${text}`);
  assert.match(text, /unchanged\s+examples\/greeting\/api\/demo\.staircase\.dev\/v1\/mod\.ts/);
});
