import assert from "node:assert/strict";
import { VERSION } from "../../lib/version.ts";

Deno.test("the User-Agent version is the package version in deno.json", async () => {
  const config = JSON.parse(
    await Deno.readTextFile(new URL("../../deno.json", import.meta.url)),
  ) as { version: string };
  assert.equal(VERSION, config.version);
});
