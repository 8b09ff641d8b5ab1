// The mapping defects of issue 13, one fixture each (tests/codegen_crd/fixtures/defects/NN_*.yaml),
// asserted on the committed golden output (golden_test.ts proves it equals the generator's) and,
// where the defect is about what type-checks, with checked values and `@ts-expect-error`.
import { doesNotMatch, equal, match, ok } from "node:assert/strict";
import { fileURLToPath } from "node:url";
import type { ObjectMeta } from "../../lib/apis/meta/v1/mod.ts";
import type {
  ApplicationSpec,
  BalancerSpec,
  FaultSpec,
  MeshStatus,
  OperationSpec,
  PipelineSpecSteps,
  StoreSpec,
} from "./golden/defects.staircase.dev/v1/mod.ts";

const golden = fileURLToPath(new URL("./golden/defects.staircase.dev/v1/", import.meta.url));
const types = await Deno.readTextFile(`${golden}types.ts`);

/** The body of `export interface name { ... }`. */
function iface(name: string): string {
  const start = types.indexOf(`export interface ${name} {`);
  ok(start >= 0, `no interface ${name}`);
  return types.slice(start, types.indexOf("\n}\n", start));
}

Deno.test("1: index signatures have JSDoc; every generated module passes deno doc --lint", async () => {
  for (const name of ["MeshStatus", "MeshSpecTemplateMetadata"]) {
    match(iface(name), /\*\/\n\s+\[key: string\]: unknown;/, name);
  }
  doesNotMatch(types, /;\n\s+\[key: string\]/, "an index signature without JSDoc");
  // Every generated golden module, with the in-repo modules they import (a user's package would
  // take those from the registry).
  const lib = (p: string) => fileURLToPath(new URL(`../../lib/${p}`, import.meta.url));
  const goldenRoot = fileURLToPath(new URL("./golden/", import.meta.url));
  const modules: string[] = [];
  for await (const group of Deno.readDir(goldenRoot)) {
    for await (const version of Deno.readDir(`${goldenRoot}${group.name}`)) {
      modules.push(`${goldenRoot}${group.name}/${version.name}/mod.ts`);
    }
  }
  ok(modules.length >= 6, modules.join());
  const lint = await new Deno.Command(Deno.execPath(), {
    args: [
      "doc",
      "--lint",
      ...modules.sort(),
      lib("client/mod.ts"),
      lib("apis/meta/v1/mod.ts"),
      lib("apis/autoscaling/v1/mod.ts"),
      lib("apis/core/v1/mod.ts"),
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  equal(lint.code, 0, new TextDecoder().decode(lint.stderr));
  const status: MeshStatus = { observedGeneration: 2, anything: { else: [1] } };
  ok(status);
});

Deno.test("2: an embedded resource that preserves unknown fields takes a typed ObjectMeta", () => {
  match(
    iface("PipelineSpecSteps"),
    /input\?: \{[^}]*metadata\?: ObjectMeta;[^}]*\[key: string\]: unknown;/,
  );
  doesNotMatch(types, /& JSONObject/);
  const metadata: ObjectMeta = { name: "input", labels: { a: "b" } };
  const step: PipelineSpecSteps = {
    step: "render",
    input: { apiVersion: "example.org/v1", kind: "Input", metadata, data: { x: 1 } },
  };
  ok(step);
});

Deno.test("3: an empty object admits only {} and says why", () => {
  match(
    iface("StoreSpecVolumeClaimTemplate"),
    /Only an empty object survives here[^]*\n\s+metadata\?: Record<string, never>;/,
  );
  const ok1: StoreSpec = { volumeClaimTemplate: { metadata: {} } };
  // @ts-expect-error the server would prune the labels: they must not type-check
  const pruned: StoreSpec = { volumeClaimTemplate: { metadata: { labels: { a: "b" } } } };
  ok(ok1 && pruned);
});

Deno.test("4: two oneOfs under one allOf are both kept (an intersection of unions)", () => {
  const hash = iface("BalancerSpec");
  match(hash, /consistentHash\?:\n\s+& \(\n[^]*\)\n\s+& \(\n[^]*\);/);
  const both: BalancerSpec = {
    consistentHash: { httpHeaderName: "x-user", maglev: { tableSize: 65537 } },
  };
  const neither: BalancerSpec = { consistentHash: {} };
  // @ts-expect-error first oneOf: a header name and the source IP are exclusive
  const twoKeys: BalancerSpec = { consistentHash: { httpHeaderName: "x", useSourceIp: true } };
  // @ts-expect-error second oneOf (the one that used to be dropped): ringHash and maglev are exclusive
  const twoHashes: BalancerSpec = { consistentHash: { ringHash: {}, maglev: {} } };
  ok(both && neither && twoKeys && twoHashes);
});

Deno.test("5: 'at most one of' rejects both fields, as the server does", () => {
  match(iface("FaultSpecAbortVariant2"), /grpcStatus\?: never;[^]*httpStatus: number;/);
  const none: FaultSpec = { abort: { percentage: 10 } };
  const http: FaultSpec = { abort: { httpStatus: 503 } };
  const grpc: FaultSpec = { abort: { grpcStatus: "UNAVAILABLE" } };
  // @ts-expect-error the server answers 422 for both (crd_integration_test.ts shows it)
  const both: FaultSpec = { abort: { httpStatus: 503, grpcStatus: "UNAVAILABLE" } };
  ok(none && http && grpc && both);
});

Deno.test("7: a required field with a default is optional on input, default documented", () => {
  const spec = iface("OperationSpec");
  match(spec, /optional on input: the server fills in the default\.\n[^]*@default "Background"/);
  match(spec, /\n\s+mode\?: "Background"/);
  match(spec, /\n\s+target: string;/);
  const spec1: OperationSpec = { target: "db" };
  // @ts-expect-error target has no default: still required
  const spec2: OperationSpec = { mode: "Foreground" };
  ok(spec1 && spec2);
});

Deno.test("8: int-or-string documents that fractions are refused", () => {
  match(
    iface("RolloutSpec"),
    /the server refuses a fractional number such as `0\.5` \(422\)\.\n\s+\*\/\n\s+maxSurge\?: number \| string;/,
  );
});

Deno.test("9: preserve-unknown-fields without properties takes interface-typed values", () => {
  match(iface("ApplicationSpec"), /valuesObject\?: Record<string, unknown>;/);
  interface Image {
    repository: string;
    tag: string;
  }
  const image: Image = { repository: "nginx", tag: "1.27" };
  // JSONObject refused this: an interface is not assignable to JSONValue.
  const spec: ApplicationSpec = { valuesObject: { image, replicas: 2 } };
  ok(spec);
});
