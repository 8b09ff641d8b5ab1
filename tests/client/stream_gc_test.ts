/**
 * Issue 8, item 1: a stream's abort and a watch's idle watchdog must keep working after
 * garbage collections. The cases need `gc()`, so they run in a child process started with
 * `--v8-flags=--expose-gc` (gc_probe/stream_gc_probe.ts); a plain `deno test -A` runs them.
 */
import assert from "node:assert/strict";

const PROBE = new URL("./gc_probe/stream_gc_probe.ts", import.meta.url);

Deno.test("streams: caller abort and idle watchdog survive garbage collection (silent and flowing)", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--v8-flags=--expose-gc", PROBE.pathname],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout);
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const results = stdout.trim().split("\n").map((line) =>
    JSON.parse(line) as { name: string; ok: boolean; detail: string }
  );
  assert.deepEqual(results.map((r) => r.name), [
    "transport: caller abort, silent stream",
    "transport: caller abort, flowing stream",
    "watch: idle watchdog, silent stream",
    "watch: idle watchdog, flowing stream",
    "watch: caller abort, silent stream",
    "watch: caller abort, events stream",
  ]);
  for (const r of results) assert.ok(r.ok, `${r.name}: ${r.detail}`);
});
