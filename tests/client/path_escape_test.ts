import assert from "node:assert/strict";
import type { HttpRestClient } from "../../lib/client/http_client.ts";
import { ResourceClient } from "../../lib/client/resource_client.ts";
import { ConfigMaps } from "../../lib/apis/core/v1/mod.ts";
import { fails } from "./test_server.ts";

Deno.test("ResourceClient: names with /, %, spaces, '.' and '..' cannot escape the path", async () => {
  const seen: string[] = [];
  const client = {
    performRequest: (opts: { path: string }) => {
      seen.push(opts.path);
      return Promise.resolve({});
    },
  } as unknown as HttpRestClient;
  const cms = new ResourceClient(client, ConfigMaps, "a");
  await cms.get("x/../../y");
  await cms.get("100%");
  await cms.get("a b?c#d");
  assert.deepEqual(seen, [
    "/api/v1/namespaces/a/configmaps/x%2F..%2F..%2Fy",
    "/api/v1/namespaces/a/configmaps/100%25",
    "/api/v1/namespaces/a/configmaps/a%20b%3Fc%23d",
  ]);
  // fetch resolves "." and ".." segments: delete("..") would hit the namespace itself.
  for (const name of [".", ".."]) {
    await assert.rejects(cms.delete(name), fails(TypeError, /cannot be "\.{1,2}"/));
    assert.throws(() => cms.namespace(name), fails(TypeError, /cannot be/));
  }
  await assert.rejects(
    new ResourceClient(client, cms.resource).create({ metadata: { namespace: ".." } }),
    fails(TypeError, /a namespace cannot be/),
  );
  assert.equal(seen.length, 3, "no request for a rejected name");
});
