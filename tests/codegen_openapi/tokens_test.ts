// Resource tokens and literal kinds of the generated built-in modules, and the one Status,
// Scale and CustomResourceDefinition type of the package (issue 9).
import { deepEqual, equal, ok } from "node:assert/strict";
import { tokenName } from "../../codegen/common/naming.ts";
import { DEFAULT_SPECS_DIR } from "../../codegen/openapi/main.ts";
import { moduleDir, placeSchemas } from "../../codegen/openapi/model.ts";
import { discoverResources } from "../../codegen/openapi/resources.ts";
import { loadSpecs } from "../../codegen/openapi/specs.ts";
import type { ObjectOf, ResourceType, Scale, Status } from "../../lib/client/mod.ts";
import { ResourceClient } from "../../lib/client/mod.ts";
import type { RestClient } from "../../lib/client/mod.ts";
import type { CustomResourceDefinition as CrdOfInstall } from "../../lib/crds/mod.ts";
import type { CustomResourceDefinition as CrdOfCodegen } from "../../codegen/mod.ts";
import {
  type ConfigMap,
  ConfigMaps,
  type Endpoints as EndpointsType,
  EndpointsResource,
  Events as CoreEvents,
} from "../../lib/apis/core/v1/mod.ts";
import { Deployments } from "../../lib/apis/apps/v1/mod.ts";
import { Leases } from "../../lib/apis/coordination.k8s.io/v1/mod.ts";
import { Events } from "../../lib/apis/events.k8s.io/v1/mod.ts";
import type { Status as MetaStatus } from "../../lib/apis/meta/v1/mod.ts";
import type { Scale as AutoscalingScale } from "../../lib/apis/autoscaling/v1/mod.ts";
import type { CustomResourceDefinition } from "../../lib/apis/apiextensions.k8s.io/v1/mod.ts";

/** Compiles only when A and B are the same type. */
type Same<A, B> = (<X>() => X extends A ? 1 : 2) extends (<X>() => X extends B ? 1 : 2) ? true
  : false;
function sameType<A, B>(proof: Same<A, B>): void {
  ok(proof);
}

Deno.test("tokens carry the facts of their kind", () => {
  const facts = (t: ResourceType) => ({
    apiVersion: t.apiVersion,
    kind: t.kind,
    plural: t.plural,
    namespaced: t.namespaced,
    listKind: t.listKind,
  });
  deepEqual(facts(ConfigMaps), {
    apiVersion: "v1",
    kind: "ConfigMap",
    plural: "configmaps",
    namespaced: true,
    listKind: "ConfigMapList",
  });
  deepEqual(facts(Deployments), {
    apiVersion: "apps/v1",
    kind: "Deployment",
    plural: "deployments",
    namespaced: true,
    listKind: "DeploymentList",
  });
  equal(Leases.apiVersion, "coordination.k8s.io/v1");
  equal(Events.apiVersion, "events.k8s.io/v1");
  equal(CoreEvents.apiVersion, "v1");
  // Kind Endpoints has the plural `endpoints`: the type keeps the name, the token gets `Resource`.
  equal(EndpointsResource.kind, "Endpoints");
  equal(EndpointsResource.plural, "endpoints");
  ok(Object.isFrozen(ConfigMaps));
});

Deno.test("token names: plural of the kind, `Resource` then a number on collisions", () => {
  const taken = new Set(["Endpoints", "ConfigMap"]);
  equal(tokenName("ConfigMap", "configmaps", taken), "ConfigMaps");
  equal(tokenName("Endpoints", "endpoints", taken), "EndpointsResource");
  taken.add("DataResource").add("Data");
  equal(tokenName("Data", "data", taken), "DataResource2");
  equal(tokenName("Data", "data", taken), "DataResource3");
  ok(taken.has("ConfigMaps") && taken.has("EndpointsResource"));
});

Deno.test("every resource of every generated built-in module has a token", async () => {
  const docs = await loadSpecs(DEFAULT_SPECS_DIR);
  const placements = placeSchemas(docs);
  let count = 0;
  for (const doc of docs) {
    const dir = moduleDir(doc.group, doc.version);
    const resources = discoverResources(doc).filter((r) =>
      placements.get(r.typeSchema)?.module === dir
    );
    if (resources.length === 0) continue;
    const mod = await import(`../../lib/apis/${dir}/mod.ts`) as Record<string, unknown>;
    const tokens = Object.values(mod).filter((v): v is ResourceType =>
      typeof v === "object" && v !== null && "plural" in v && "listKind" in v
    );
    for (const r of resources) {
      const token = tokens.find((t) => t.plural === r.plural);
      ok(token !== undefined, `${dir} ${r.plural} has no token`);
      equal(token.kind, r.kind);
      equal(token.group, doc.group);
      equal(token.namespaced, r.namespaced);
      count++;
    }
    equal(tokens.length, resources.length, `${dir}: one token per resource`);
  }
  ok(count > 50, `only ${count} tokens`);
});

Deno.test("built-in apiVersion and kind are literal types", () => {
  const cm: ConfigMap = { apiVersion: "v1", kind: "ConfigMap", data: { a: "1" } };
  // @ts-expect-error the apiVersion of a ConfigMap is "v1"
  const wrongVersion: ConfigMap = { apiVersion: "v2" };
  // @ts-expect-error the kind of a ConfigMap is "ConfigMap"
  const wrongKind: ConfigMap = { kind: "Secret" };
  // @ts-expect-error Endpoints (the type) is not a token
  const notAToken: ResourceType = {} as EndpointsType;
  ok(cm && wrongVersion && wrongKind && notAToken);
});

Deno.test("a token gives ResourceClient and ObjectOf the object type", () => {
  const client = {} as RestClient;
  const configMaps = new ResourceClient(client, ConfigMaps);
  sameType<Awaited<ReturnType<typeof configMaps.get>>, ConfigMap>(true);
  sameType<ObjectOf<typeof ConfigMaps>, ConfigMap>(true);
  // @ts-expect-error a Deployment is not a ConfigMap
  sameType<ObjectOf<typeof Deployments>, ConfigMap>(true);
});

Deno.test("one Status, one Scale and one CustomResourceDefinition type in the package", () => {
  sameType<Status, MetaStatus>(true);
  sameType<Scale, AutoscalingScale>(true);
  sameType<CrdOfInstall, CustomResourceDefinition>(true);
  sameType<CrdOfCodegen, CustomResourceDefinition>(true);
});
