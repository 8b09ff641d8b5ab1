// `deno compile` needs the `denort` runtime from the internet, which this environment cannot
// reach. Everything short of that download is tested here: the compile step itself (module
// graph, npm packages and permission flags embedded) runs with `DENORT_BIN` pointing at a
// stand-in binary, so a change that makes the operator uncompilable fails this test.

import assert from "node:assert/strict";
import { compileArgs, OPERATOR_PERMISSION_FLAGS } from "../../tools/compile.ts";

Deno.test("the operator compiles with exactly the permission flags the delivery test runs with", async () => {
  const dir = await Deno.makeTempDir({ prefix: "staircase-compile-" });
  try {
    const output = `${dir}/greeting-operator`;
    const args = compileArgs(output);
    for (const flag of OPERATOR_PERMISSION_FLAGS) assert.ok(args.includes(flag), flag);
    const result = await new Deno.Command(Deno.execPath(), {
      args,
      // The stand-in only receives the payload; the result is not meant to run.
      env: { DENORT_BIN: Deno.execPath(), NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const log = new TextDecoder().decode(result.stderr) + new TextDecoder().decode(result.stdout);
    assert.equal(result.code, 0, log);

    const standIn = (await Deno.stat(Deno.execPath())).size;
    const binary = await Deno.readFile(output);
    assert.ok(binary.length > standIn, "no payload was appended to the runtime");
    // The embedded graph holds the operator's own source and its npm dependencies.
    const payload = new TextDecoder("latin1").decode(binary.subarray(standIn));
    assert.match(payload, /greeting-operator/);
    assert.match(payload, /@logtape\/logtape/);
    assert.match(payload, /allow_env|allowEnv|KUBERNETES_SERVICE_HOST/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
