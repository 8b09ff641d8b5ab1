// Readable, shared types (issue 13): identical shapes of one group-version are declared once
// across kinds, named after the shortest path they are seen at, capped in length, and never
// named after another property (configMapKeyRef is not typed ...SecretKeyRef).
import { equal, match, ok } from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { MAX_TYPE_NAME_LENGTH } from "../../codegen/crd/type_registry.ts";

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

Deno.test("one shape under two property names keeps both names", () => {
  const env = iface("IssuerSpecEnv");
  match(env, /configMapKeyRef\?: IssuerSpecEnvConfigMapKeyRef;/);
  match(env, /secretKeyRef\?: IssuerSpecEnvSecretKeyRef;/);
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
