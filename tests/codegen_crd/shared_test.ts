// Readable, shared types (issue 13): identical shapes of one group-version are declared once
// across kinds, named after the shortest path they are seen at, capped in length, and never
// named after another property (configMapKeyRef is not typed ...SecretKeyRef).
import { equal, match, ok } from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { MAX_TYPE_NAME_LENGTH } from "../../codegen/crd/type_registry.ts";
import type { WorkerSpec } from "./golden/shared.staircase.dev/v1/mod.ts";

const golden = fileURLToPath(new URL("./golden/", import.meta.url));
const types = await Deno.readTextFile(`${golden}shared.staircase.dev/v1/types.ts`);

function iface(name: string): string {
  const start = types.indexOf(`export interface ${name} {`);
  ok(start >= 0, `no interface ${name}`);
  return types.slice(start, types.indexOf("\n}\n", start));
}

Deno.test("identical schemas of two kinds share every declaration", () => {
  match(iface("Issuer"), /spec\?: IssuerSpec;/);
  match(iface("ClusterIssuer"), /spec\?: IssuerSpec;/);
  for (const name of ["IssuerSpec", "IssuerSpecAcme", "IssuerSpecAcmeSolversHttp01Ingress"]) {
    equal(types.split(`export interface ${name} {`).length, 2, name);
  }
  // ClusterIssuer sorts first, yet the shorter name wins.
  ok(!/ClusterIssuerSpec/.test(types), "a ClusterIssuer... declaration");
  match(types, /The object at `\.spec` of Issuer \(and 1 more place\)\./);
});

Deno.test("shapes identical to built-in types reuse them, with the right name", () => {
  // One shape, two built-in types: the property name picks (Strimzi's configMapKeyRef was
  // typed ...SecretKeyRef).
  const env = iface("IssuerSpecEnv");
  match(env, /configMapKeyRef\?: ConfigMapKeySelector;/);
  match(env, /secretKeyRef\?: SecretKeySelector;/);
  const worker = iface("WorkerSpec");
  match(worker, /selector\?: LabelSelector;/);
  match(worker, /resources\?: ResourceRequirements;/);
  // One field more: not the built-in type.
  match(worker, /almostSelector\?: WorkerSpecAlmostSelector;/);
  // The built-in shape of two types, and a property name like neither: declared locally.
  match(worker, /keyRef\?: WorkerSpecKeyRef;/);
  match(
    types,
    /import type \{\n\s+ConfigMapKeySelector,\n\s+ResourceRequirements,\n\s+SecretKeySelector,\n\} from "[./]+lib\/apis\/core\/v1\/mod\.ts";/,
  );
  match(
    types,
    /import type \{ LabelSelector, ListMeta, ObjectMeta \} from "[./]+lib\/apis\/meta\/v1\/mod\.ts";/,
  );
  ok(
    !/interface \w*(MatchExpressions|Claims)\b/.test(
      types.replace(/WorkerSpecAlmostSelectorMatchExpressions/g, ""),
    ),
  );
});

Deno.test("reused built-in types accept what the built-in API accepts", () => {
  const spec: WorkerSpec = {
    selector: { matchLabels: { app: "web" } },
    resources: { limits: { cpu: "500m", memory: "1Gi" }, claims: [{ name: "gpu" }] },
  };
  ok(spec);
});

Deno.test("a shape is named after the shortest path it is seen at, not the first", () => {
  // .spec.level1.level2.target is visited before .spec.target.
  match(iface("DeepSpecLevel1Level2"), /target\?: DeepSpecTarget;/);
  match(iface("DeepSpec"), /target\?: DeepSpecTarget;/);
  ok(!/DeepSpecLevel1Level2Target/.test(types));
});

Deno.test("names are capped: the kind and the last path segments that fit", async () => {
  match(
    iface("DeepSpecAaaaaaaaaaaaaaaaBbbbbbbbbbbbbbbbCccccccccccccccc"),
    /dddddddddddddddd\?: DeepBbbbbbbbbbbbbbbbCcccccccccccccccDddddddddddddddd;/,
  );
  for await (const entry of Deno.readDir(golden)) {
    for await (const version of Deno.readDir(`${golden}${entry.name}`)) {
      const text = await Deno.readTextFile(`${golden}${entry.name}/${version.name}/types.ts`);
      for (const [, name] of text.matchAll(/^export (?:interface|type) (\w+)/gm)) {
        ok(name.length <= MAX_TYPE_NAME_LENGTH, `${name} is ${name.length} characters`);
      }
    }
  }
});
