// Integration tests against the real control plane: installing CRDs from code, then using the
// generated modules (the golden files, which golden_test.ts proves equal to the generator's
// output) for every verb, and generating from the live cluster with --from-cluster.
import { deepStrictEqual, equal, ok, rejects } from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { type HttpRestClient, isNotFound, kubeConfigClient } from "../../lib/client/mod.ts";
import {
  CrdNotEstablishedError,
  type CustomResourceDefinition,
  installCrd,
  installCrds,
} from "../../lib/crds/install.ts";
import { isInvalid, ResourceClient } from "../../lib/client/mod.ts";
import { CustomResourceDefinitions } from "../../lib/apis/apiextensions.k8s.io/v1/mod.ts";
import { type Fault, Faults } from "./golden/defects.staircase.dev/v1/mod.ts";
import { testKubeconfig, withNamespace } from "../../lib/testing/mod.ts";
import { runCrdCommand } from "../../codegen/crd/cli.ts";
import { generateCrdFiles } from "../../codegen/crd/generate.ts";
import { readCrdSources } from "../../codegen/crd/read.ts";
import { ExampleStaircaseDevV1Api, type Widget } from "./golden/example.staircase.dev/v1/mod.ts";
import { OpsStaircaseDevV1alpha1Api } from "./golden/ops.staircase.dev/v1alpha1/mod.ts";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

async function withClient<T>(fn: (client: HttpRestClient, kubeconfig: string) => Promise<T>) {
  const kubeconfig = await testKubeconfig();
  const client = await kubeConfigClient({ paths: [kubeconfig] });
  try {
    return await fn(client, kubeconfig);
  } finally {
    client.close();
  }
}

async function fixtureCrds(): Promise<CustomResourceDefinition[]> {
  return (await readCrdSources([here("./fixtures")])).crds.map((c) =>
    c.crd as CustomResourceDefinition
  );
}

Deno.test(
  "installCrd creates, keeps, replaces and waits for Established",
  () =>
    withClient(async (client) => {
      const group = `it${crypto.randomUUID().slice(0, 8)}.staircase.dev`;
      const crd = (extra: Record<string, unknown>): CustomResourceDefinition => ({
        metadata: { name: `probes.${group}`, labels: { "staircase.dev/test": "true" } },
        spec: {
          group,
          scope: "Namespaced",
          names: { plural: "probes", kind: "Probe" },
          versions: [{
            name: "v1",
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: "object",
                properties: {
                  spec: { type: "object", properties: { a: { type: "string" }, ...extra } },
                },
              },
            },
          }],
        },
      });
      const path = `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/probes.${group}`;
      try {
        deepStrictEqual(await installCrd(client, crd({})), {
          name: `probes.${group}`,
          action: "created",
          changed: true,
        });
        // Established: the resource is served right away.
        await client.performRequest({
          method: "GET",
          path: `/apis/${group}/v1/probes`,
          expectJson: true,
        });
        equal((await installCrd(client, crd({}))).action, "unchanged");
        equal((await installCrd(client, crd({ b: { type: "integer" } }))).action, "replaced");
        const stored = await client.performRequest({ method: "GET", path, expectJson: true });
        ok(JSON.stringify(stored).includes('"b":{"type":"integer"}'), "replacement stored");
        equal(await installCrds(client, [crd({ b: { type: "integer" } })]), false);
      } finally {
        await client.performRequest({ method: "DELETE", path, expectJson: true }).catch(() => {});
      }
    }),
);

Deno.test(
  "the fixture CRDs install, and a second install changes nothing",
  () =>
    withClient(async (client) => {
      const crds = await fixtureCrds();
      await installCrds(client, crds);
      equal(await installCrds(client, crds), false);
    }),
);

Deno.test(
  "generated module: create, get, list, watch, patch, status, scale, delete",
  () =>
    withClient(async (client) => {
      await installCrds(client, await fixtureCrds());
      await withNamespace(async (ns) => {
        const api = new ExampleStaircaseDevV1Api(client);
        const widgets = api.namespace(ns);
        const widget = (name: string): Widget => ({
          apiVersion: "example.staircase.dev/v1",
          kind: "Widget",
          metadata: { name, labels: { app: "demo" } },
          spec: {
            mode: "Slow",
            primary: { host: "a.example", port: 80 },
            port: "http",
            "timeout-seconds": 5,
            default: "d",
            nickname: null,
            source: { git: "https://example.invalid/repo" },
            limits: { cpu: "1", memory: "1Gi" },
            ports: [{ name: "web", protocol: "TCP", number: 8080 }],
            config: { free: { form: [1, 2] } },
            template: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "t" }, data: {} },
          },
        });
        const watchAbort = new AbortController();
        const seen: string[] = [];
        const watching = (async () => {
          for await (const ev of widgets.watchWidgets({ abortSignal: watchAbort.signal })) {
            if (ev.type !== "BOOKMARK") seen.push(`${ev.type} ${ev.object.metadata?.name}`);
            if (seen.includes("DELETED w1")) break;
          }
        })();
        const created = await widgets.createWidget(widget("w1"));
        equal(created.spec?.mode, "Slow");
        equal(created.spec?.replicas, 1, "server default applied");
        equal(created.spec?.["timeout-seconds"], 5);
        const got = await widgets.getWidget("w1");
        equal(got.metadata?.uid, created.metadata?.uid);
        equal(got.spec?.template?.kind, "ConfigMap");
        await widgets.createWidget(widget("w2"));
        const page = await widgets.listWidgets({ labelSelector: "app=demo", limit: 1 });
        equal(page.items.length, 1);
        ok(page.metadata?.continue, "paginated");
        const all: string[] = [];
        for await (const w of widgets.listAllWidgets({ limit: 1 })) all.push(w.metadata!.name!);
        deepStrictEqual(all.sort(), ["w1", "w2"]);
        equal(
          (await api.listWidgetsForAllNamespaces({ labelSelector: "app=demo" })).items.length >= 2,
          true,
        );

        const status = await widgets.patchWidgetStatus("w1", {
          status: { replicas: 2, selector: "app=demo", phase: "Ready" },
        }, { type: "merge" });
        equal(status.status?.phase, "Ready");
        equal((await widgets.getWidgetStatus("w1")).status?.replicas, 2);
        const scale = await widgets.getWidgetScale("w1");
        equal(scale.spec?.replicas, 1);
        equal(scale.status?.replicas, 2);
        await widgets.patchWidgetScale("w1", { spec: { replicas: 4 } }, { type: "merge" });
        equal((await widgets.getWidget("w1")).spec?.replicas, 4);

        const jsonPatched = await widgets.patchWidget("w1", [
          { op: "replace", path: "/spec/mode", value: "Fast" },
        ], { type: "json" });
        equal(jsonPatched.spec?.mode, "Fast");
        const applied = await widgets.patchWidget("w1", {
          apiVersion: "example.staircase.dev/v1",
          kind: "Widget",
          metadata: { name: "w1" },
          spec: { mode: "Fast", primary: { host: "b.example" } },
        }, { type: "apply", fieldManager: "crd-it", force: true });
        equal(applied.spec?.primary.host, "b.example");
        await rejects(() => widgets.getWidget("missing"), (err: unknown) => isNotFound(err));

        await widgets.deleteWidget("w1");
        await widgets.deleteWidgetCollection({ labelSelector: "app=demo" });
        await Promise.race([
          watching,
          new Promise((_, reject) =>
            setTimeout(() => reject(new Error(`watch saw ${seen}`)), 20_000)
          ),
        ]).finally(() => watchAbort.abort());
        ok(seen.includes("ADDED w1") && seen.includes("ADDED w2"), seen.join(", "));
        ok(seen.some((s) => s.startsWith("MODIFIED w1")), seen.join(", "));
        equal((await widgets.listWidgets()).items.length, 0);
      }, { prefix: "crd-it" });

      // Cluster-scoped kinds live on the top-level Api.
      const gadget = await new ExampleStaircaseDevV1Api(client).createGadget({
        apiVersion: "example.staircase.dev/v1",
        kind: "Gadget",
        metadata: { generateName: "g-" },
        spec: { color: "red", owner: { host: "h" } },
      });
      const backups = new OpsStaircaseDevV1alpha1Api(client);
      const name = `b-${crypto.randomUUID().slice(0, 8)}`;
      await backups.createBackup({
        apiVersion: "ops.staircase.dev/v1alpha1",
        kind: "Backup",
        metadata: { name },
        spec: { schedule: "@daily" },
      });
      const run = "2026-01-01T00:00:00Z";
      equal(
        (await backups.patchBackupStatus(name, { status: { lastRun: run } }, { type: "merge" }))
          .status?.lastRun,
        run,
      );
      equal((await backups.getBackup(name)).spec.retain, 7);
      await backups.deleteBackup(name);
      await new ExampleStaircaseDevV1Api(client).deleteGadget(gadget.metadata!.name!);
    }),
);

Deno.test(
  "--from-cluster generates what the files generate, and it type-checks",
  () =>
    withClient(async (client, kubeconfig) => {
      await installCrds(client, await fixtureCrds());
      const out = await Deno.makeTempDir({ prefix: "crd-from-cluster-" });
      try {
        const options = {
          outDir: out,
          runtimeImport: here("../../lib/client/mod.ts"),
          metaImport: here("../../lib/apis/meta/v1/mod.ts"),
        };
        const lines: string[] = [];
        const code = await runCrdCommand([
          "--from-cluster",
          "--group",
          "example.staircase.dev",
          "--kubeconfig",
          kubeconfig,
          "--out",
          out,
          "--runtime-import",
          options.runtimeImport,
          "--meta-import",
          options.metaImport,
        ], { out: (l) => lines.push(l), err: (l) => lines.push(l) });
        equal(code, 0, lines.join("\n"));
        const fromFiles = (await readCrdSources([here("./fixtures")])).crds
          .map((c) => c.crd).filter((c) => c.spec.group === "example.staircase.dev");
        const expected = await generateCrdFiles(fromFiles, options);
        deepStrictEqual(
          lines.map((l) => l.split(/\s+/)[1]),
          [...expected.map((f) => `${out}/${f.path}`), `${out}/staircase-codegen.json`],
        );
        for (const f of expected) {
          equal(await Deno.readTextFile(`${out}/${f.path}`), f.content, f.path);
        }
        const check = await new Deno.Command(Deno.execPath(), {
          args: [
            "check",
            "--config",
            here("../../deno.json"),
            ...expected.map((f) => `${out}/${f.path}`),
          ],
          stdout: "piped",
          stderr: "piped",
        }).output();
        equal(check.code, 0, new TextDecoder().decode(check.stderr));
      } finally {
        await Deno.remove(out, { recursive: true });
      }
    }),
);

/** A small CRD of `group`: any object allowed. */
function probeCrd(
  group: string,
  names: { plural: string; kind: string },
  extra: Partial<CustomResourceDefinition["spec"]> = {},
): CustomResourceDefinition {
  const schema = {
    openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
  };
  return {
    metadata: { name: `${names.plural}.${group}` },
    spec: {
      group,
      scope: "Namespaced",
      names,
      versions: [{ name: "v1", served: true, storage: true, schema }],
      ...extra,
    },
  };
}

async function deleteCrd(client: HttpRestClient, name: string): Promise<void> {
  await client.performRequest({
    method: "DELETE",
    path: `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`,
    expectJson: true,
  }).catch(() => {});
}

Deno.test(
  "10: a CRD with webhook conversion installs once; the server's defaults are no change",
  () =>
    withClient(async (client) => {
      const group = `conv${crypto.randomUUID().slice(0, 8)}.staircase.dev`;
      const schema = {
        openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
      };
      const withWebhook = (service: string) =>
        probeCrd(group, { plural: "probes", kind: "Probe" }, {
          versions: [
            { name: "v1", served: true, storage: true, schema },
            { name: "v1beta1", served: true, storage: false, schema },
          ],
          // The server fills in clientConfig.service.port (443): a comparison with the manifest
          // as sent never matched, so every start replaced the CRD.
          conversion: {
            strategy: "Webhook",
            webhook: {
              conversionReviewVersions: ["v1"],
              clientConfig: { service: { namespace: "default", name: service } },
            },
          },
        });
      try {
        equal((await installCrd(client, withWebhook("converter"))).action, "created");
        const stored = await new ResourceClient(client, CustomResourceDefinitions)
          .get(`probes.${group}`);
        equal(stored.spec.conversion?.webhook?.clientConfig?.service?.port, 443, "defaulted");
        // A CRD as read back (resourceVersion, managedFields, status) installs as unchanged.
        ok(stored.metadata?.managedFields && stored.metadata.resourceVersion && stored.status);
        equal((await installCrd(client, stored)).action, "unchanged");
        deepStrictEqual(await installCrd(client, withWebhook("converter")), {
          name: `probes.${group}`,
          action: "unchanged",
          changed: false,
        });
        equal(await installCrds(client, [withWebhook("converter")]), false);
        equal((await installCrd(client, withWebhook("other-converter"))).action, "replaced");
        equal((await installCrd(client, withWebhook("other-converter"))).action, "unchanged");
      } finally {
        await deleteCrd(client, `probes.${group}`);
      }
    }),
);

Deno.test(
  "installCrd: a CRD whose names conflict with an existing one is CrdNotEstablishedError",
  () =>
    withClient(async (client) => {
      const group = `names${crypto.randomUUID().slice(0, 8)}.staircase.dev`;
      const first = probeCrd(group, { plural: "alphas", kind: "Alpha" });
      // Another plural, the same kind in the same group: the server never accepts its names.
      const second = probeCrd(group, { plural: "betas", kind: "Alpha" });
      try {
        equal((await installCrd(client, first)).action, "created");
        await rejects(
          installCrd(client, second, { timeoutMs: 30_000 }),
          (err: unknown) =>
            err instanceof CrdNotEstablishedError && err.crd === `betas.${group}` &&
            /is not established: names not accepted: .*Alpha/.test(err.message),
        );
        // The first one is untouched.
        equal((await installCrd(client, first)).action, "unchanged");
      } finally {
        await deleteCrd(client, `betas.${group}`);
        await deleteCrd(client, `alphas.${group}`);
      }
    }),
);

Deno.test(
  "5: the server refuses what the exclusive variants do not compile: both abort fields",
  () =>
    withClient(async (client) => {
      const { crds } = await readCrdSources([here("./fixtures/defects/05_at_most_one.yaml")]);
      await installCrds(client, crds.map((c) => c.crd));
      await withNamespace(async (ns) => {
        const faults = new ResourceClient(client, Faults).namespace(ns);
        const fault = (name: string, spec: Fault["spec"]): Fault => ({
          apiVersion: "defects.staircase.dev/v1",
          kind: "Fault",
          metadata: { name },
          spec,
        });
        await faults.create(fault("http", { abort: { httpStatus: 503 } }));
        await faults.create(fault("none", { abort: { percentage: 5 } }));
        // The type refuses this (defects_test.ts), even as a cast; the server refuses it too.
        const both = {
          abort: { httpStatus: 503, grpcStatus: "UNAVAILABLE" },
        } as unknown as Fault["spec"];
        await rejects(faults.create(fault("both", both)), (err: unknown) => isInvalid(err));
      }, { prefix: "crd-it" });
    }),
);
