/**
 * installCrd and installCrds refuse wait options that could not work before sending anything
 * (the behaviour against a server is tested in tests/codegen_crd/crd_integration_test.ts).
 *
 * @module
 */
import assert from "node:assert/strict";
import { type RequestOptions, restClientFromHandler } from "../../lib/client/mod.ts";
import {
  type CustomResourceDefinition,
  installCrd,
  type InstallCrdOptions,
  installCrds,
} from "../../lib/crds/install.ts";

const crd: CustomResourceDefinition = {
  metadata: { name: "widgets.example.com" },
  spec: {
    group: "example.com",
    names: { plural: "widgets", kind: "Widget" },
    scope: "Namespaced",
    versions: [{ name: "v1", served: true, storage: true }],
  },
};

Deno.test("installCrd: bad wait options are RangeErrors, and no request is sent", async () => {
  const sent: RequestOptions[] = [];
  const client = restClientFromHandler((request) => {
    sent.push(request);
    return Promise.resolve({});
  });
  const bad: [InstallCrdOptions, RegExp][] = [
    // 0 would poll the server in a tight loop; NaN never times out.
    [{ pollIntervalMs: 0 }, /pollIntervalMs must be a number of ms in \(0, 2147483647\], got 0/],
    [{ pollIntervalMs: 2 ** 31 }, /pollIntervalMs must be .*got 2147483648/],
    [{ timeoutMs: Number.NaN }, /timeoutMs must be a number of ms >= 0, got NaN/],
    [{ timeoutMs: -1 }, /timeoutMs must be/],
  ];
  for (const [options, message] of bad) {
    await assert.rejects(
      installCrd(client, crd, options),
      (error: unknown) => error instanceof RangeError && message.test(error.message),
      JSON.stringify(options),
    );
    await assert.rejects(installCrds(client, [crd], options), RangeError);
  }
  assert.deepEqual(sent, []);
});
