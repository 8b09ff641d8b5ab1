import assert from "node:assert/strict";
import { Apps } from "../_fixtures.ts";
import { KubernetesApiError, type RestClient } from "../../lib/client/mod.ts";
import { type ConfigMap, ConfigMaps } from "../../lib/apis/core/v1/mod.ts";
import { NotCachedError, type ObjectCache } from "../../lib/controller/cache.ts";
import {
  childLabels,
  childName,
  controllerOf,
  controllerReference,
  getChild,
  getOnlyChild,
  InvalidOwnerError,
  isControlledBy,
  listChildren,
  serviceHost,
  serviceUrl,
  TooManyChildrenError,
} from "../../lib/status/mod.ts";

Deno.test("childName is deterministic and fits the limit with a hash", () => {
  const owner = { metadata: { name: "web" } };
  assert.equal(childName(owner, "config"), "web-config");
  assert.equal(childName(owner, "config"), childName(owner, "config"));
  const long = { metadata: { name: "a".repeat(80) } };
  const short = childName(long, "svc", { maxLength: 63 });
  assert.equal(short.length, 63);
  assert.match(short, /^a+-[0-9a-z]{7}$/);
  assert.notEqual(
    short,
    childName({ metadata: { name: "a".repeat(81) } }, "svc", { maxLength: 63 }),
  );
  assert.throws(() => childName({ metadata: {} }, "x"), InvalidOwnerError);
  assert.throws(
    () => childName(owner, "Bad_Suffix"),
    (e) => e instanceof TypeError && /DNS label/.test(e.message),
  );
});

Deno.test("childLabels are valid label values", () => {
  assert.deepEqual(
    childLabels({ metadata: { name: "web" } }, { managedBy: "op", component: "db" }),
    {
      "app.kubernetes.io/instance": "web",
      "app.kubernetes.io/managed-by": "op",
      "app.kubernetes.io/component": "db",
    },
  );
  const value = childLabels({ metadata: { name: "x".repeat(100) } })["app.kubernetes.io/instance"];
  assert.ok(value.length <= 63);
  assert.match(value, /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/);
});

Deno.test("controllerReference from the object or the token; isControlledBy by UID", () => {
  const owner = { apiVersion: "example.com/v1", kind: "App", metadata: { name: "web", uid: "u1" } };
  const ref = controllerReference(owner);
  assert.deepEqual(ref, {
    apiVersion: "example.com/v1",
    kind: "App",
    name: "web",
    uid: "u1",
    controller: true,
    blockOwnerDeletion: true,
  });
  assert.deepEqual(controllerReference({ metadata: { name: "web", uid: "u1" } }, Apps), ref);
  assert.throws(() => controllerReference({ metadata: { name: "web" } }, Apps), /no metadata.uid/);
  assert.throws(
    () => controllerReference({ metadata: { name: "web", uid: "u1" } }),
    (e) => e instanceof InvalidOwnerError && /resource token/.test(e.message),
  );
  const child = { metadata: { ownerReferences: [ref] } };
  assert.equal(isControlledBy(child, owner), true);
  assert.equal(isControlledBy(child, { metadata: { uid: "u2" } }), false);
  assert.equal(
    isControlledBy({ metadata: { ownerReferences: [{ ...ref, controller: false }] } }, owner),
    false,
  );
  assert.equal(controllerOf(child)?.uid, "u1");
});

Deno.test("serviceHost and serviceUrl", () => {
  const svc = { metadata: { name: "web", namespace: "prod" } };
  assert.equal(serviceHost(svc), "web.prod.svc");
  assert.equal(serviceHost(svc, { clusterDomain: "cluster.local" }), "web.prod.svc.cluster.local");
  assert.equal(serviceUrl(svc), "http://web.prod.svc");
  assert.equal(
    serviceUrl(svc, { scheme: "https", port: 8443, path: "healthz" }),
    "https://web.prod.svc:8443/healthz",
  );
  assert.throws(() => serviceUrl(svc, { port: 70000 }), RangeError);
  assert.throws(
    () => serviceHost({ metadata: { name: "web" } }),
    (e) => e instanceof TypeError && /namespace/.test(e.message),
  );
});

function cacheOf(items: ConfigMap[], cachedKinds = ["ConfigMap"]): ObjectCache {
  return {
    get: <T>(resource: { kind: string; apiVersion: string }, name: string, ns?: string) => {
      if (!cachedKinds.includes(resource.kind)) {
        throw new NotCachedError(resource.apiVersion, resource.kind);
      }
      return items.find((i) => i.metadata?.name === name && i.metadata?.namespace === ns) as
        | T
        | undefined;
    },
    list: <T>(resource: { kind: string; apiVersion: string }) => {
      if (!cachedKinds.includes(resource.kind)) {
        throw new NotCachedError(resource.apiVersion, resource.kind);
      }
      return items as T[];
    },
  } as ObjectCache;
}

/** A client answering from a fixed map of paths; records every request. */
function liveClient(answers: Record<string, unknown>, seen: string[]): RestClient {
  return {
    performRequest: (req: { method: string; path: string; querystring?: URLSearchParams }) => {
      const q = req.querystring?.toString();
      seen.push(`${req.method} ${req.path}${q ? `?${q}` : ""}`);
      if (req.path in answers) return Promise.resolve(answers[req.path]);
      return Promise.reject(new KubernetesApiError({ code: 404, reason: "NotFound" }));
    },
  } as unknown as RestClient;
}

Deno.test("getChild reads the cache for cached kinds, with no request", async () => {
  const seen: string[] = [];
  const cm = { metadata: { name: "a", namespace: "ns" } };
  const context = { client: liveClient({}, seen), cache: cacheOf([cm]) };
  assert.equal(await getChild(context, ConfigMaps, "a", "ns"), cm);
  assert.equal(await getChild(context, ConfigMaps, "b", "ns"), undefined);
  assert.deepEqual(seen, []);
});

Deno.test("getOnlyChild: one, none, or TooManyChildrenError naming them", async () => {
  const context = (items: ConfigMap[]) => ({ client: liveClient({}, []), cache: cacheOf(items) });
  const a = { metadata: { name: "a" } };
  assert.equal(await getOnlyChild(context([a]), ConfigMaps, { labelSelector: { x: "1" } }), a);
  assert.equal(
    await getOnlyChild(context([]), ConfigMaps, { labelSelector: { x: "1" } }),
    undefined,
  );
  await assert.rejects(
    getOnlyChild(context([{ metadata: { name: "b" } }, a]), ConfigMaps, {
      labelSelector: { x: "1" },
    }),
    (e) =>
      e instanceof TooManyChildrenError && /found 2: a, b/.test(e.message) && /x=1/.test(e.message),
  );
});

Deno.test("a kind the cache does not hold falls back to live reads (404 is absent)", async () => {
  const seen: string[] = [];
  const answers = {
    "/api/v1/namespaces/ns/configmaps/a": { metadata: { name: "a" } },
    "/api/v1/namespaces/ns/configmaps": {
      items: [
        { metadata: { name: "a", ownerReferences: [{ uid: "u1" }] } },
        { metadata: { name: "b" } },
      ],
      metadata: {},
    },
  };
  const context = { client: liveClient(answers, seen), cache: cacheOf([], ["Secret"]) };
  assert.deepEqual(await getChild(context, ConfigMaps, "a", "ns"), { metadata: { name: "a" } });
  assert.equal(await getChild(context, ConfigMaps, "missing", "ns"), undefined);
  const all = await listChildren(context, ConfigMaps, {
    namespace: "ns",
    labelSelector: { app: "web", tier: "db" },
  });
  assert.equal(all.length, 2);
  const owned = await listChildren(context, ConfigMaps, { namespace: "ns", ownerUid: "u1" });
  assert.deepEqual(owned.map((c) => c.metadata?.name), ["a"]);
  assert.equal(seen[0], "GET /api/v1/namespaces/ns/configmaps/a");
  assert.match(seen[2], /labelSelector=app%3Dweb%2Ctier%3Ddb/);
  // No cache at all: live too.
  assert.equal(
    await getChild({ client: liveClient(answers, seen) }, ConfigMaps, "a", "ns") !== undefined,
    true,
  );
});
