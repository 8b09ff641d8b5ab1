/**
 * Delivery: the Greeting operator's deployment manifests (deploy/greeting/) against the real
 * control plane: server-side dry-run with strict field validation, the restricted Pod Security
 * Standard, and RBAC that grants exactly the requests the operator makes (asked of the API
 * server's authorizer verb by verb, and exercised by a LeaderElector impersonating the
 * ServiceAccount).
 *
 * @module
 */
import assert from "node:assert/strict";
import { parseAllDocuments } from "yaml";
import {
  type JSONValue,
  KubernetesApiError,
  type RequestOptions,
  type RestClient,
} from "../../lib/client/mod.ts";
import { LeaderElector } from "../../lib/controller/mod.ts";
import { API_VERBS } from "../../codegen/common/api_spec.ts";
import { type TestCluster, withNamespace } from "../../lib/testing/mod.ts";
import { Namespaces, ServiceAccounts } from "../../lib/apis/core/v1/mod.ts";
import { CustomResourceDefinitions } from "../../lib/apis/apiextensions.k8s.io/v1/mod.ts";
import {
  ClusterRoleBindings,
  ClusterRoles,
  RoleBindings,
  Roles,
} from "../../lib/apis/rbac.authorization.k8s.io/v1/mod.ts";
import { Deployments } from "../../lib/apis/apps/v1/mod.ts";
import { type LogRecord, recordingLogger, timeToLead } from "../controller/_leader.ts";

const DEPLOY = new URL("../../deploy/greeting/", import.meta.url);
const OPERATOR_NAMESPACE = "greeting-system";
const SERVICE_ACCOUNT = "greeting-operator";
const LEASE_NAME = "greeting-operator";
const HEALTH_PORT = 8081;
const METRICS_PORT = 9090;

// deno-lint-ignore no-explicit-any
type Manifest = { apiVersion: string; kind: string; metadata: any; [key: string]: any };

/** Every object of the kustomization, in its order. */
async function loadManifests(): Promise<Manifest[]> {
  const kustomization = parseAllDocuments(
    await Deno.readTextFile(new URL("kustomization.yaml", DEPLOY)),
  )[0].toJS() as { resources: string[] };
  const objects: Manifest[] = [];
  for (const file of kustomization.resources) {
    for (const doc of parseAllDocuments(await Deno.readTextFile(new URL(file, DEPLOY)))) {
      assert.deepEqual(doc.errors, [], `${file}: YAML errors`);
      const object = doc.toJS() as Manifest | null;
      if (object) objects.push(object);
    }
  }
  return objects;
}

/** The kinds the manifests hold, by kind name (their generated resource tokens). */
const KINDS: Record<string, { plural: string; namespaced: boolean }> = Object.fromEntries(
  [
    Namespaces,
    CustomResourceDefinitions,
    ServiceAccounts,
    ClusterRoles,
    ClusterRoleBindings,
    Roles,
    RoleBindings,
    Deployments,
  ].map((token) => [token.kind, token]),
);
function objectPath(object: Manifest, name = object.metadata.name): string {
  const kind = KINDS[object.kind];
  assert.ok(kind, `no path known for kind ${object.kind}`);
  const base = object.apiVersion === "v1" ? "/api/v1" : `/apis/${object.apiVersion}`;
  const ns = kind.namespaced ? `/namespaces/${object.metadata.namespace}` : "";
  return `${base}${ns}/${kind.plural}/${name}`;
}

interface Answer {
  status: number;
  body: unknown;
  warnings: string[];
}

/** One request as admin (or as `impersonate`), keeping the `Warning` headers. */
async function send(
  cluster: TestCluster,
  method: string,
  path: string,
  body?: unknown,
  options: { contentType?: string; impersonate?: { user: string; groups: string[] } } = {},
): Promise<Answer> {
  const headers = new Headers();
  if (options.impersonate) {
    headers.set("impersonate-user", options.impersonate.user);
    for (const group of options.impersonate.groups) headers.append("impersonate-group", group);
  }
  const response = await cluster.request(method, path, body, {
    contentType: options.contentType,
    headers,
    throwOnError: false,
  });
  const warnings = (response.headers.get("warning") ?? "").split(/,\s*(?=\d{3} )/)
    .filter((w) => w !== "");
  return { status: response.status, body: response.body, warnings };
}

/** Server-side apply with `dryRun=All` and strict field validation. */
function dryRunApply(cluster: TestCluster, object: Manifest): Promise<Answer> {
  const query = "fieldManager=manifests-test&dryRun=All&fieldValidation=Strict&force=true";
  return send(cluster, "PATCH", `${objectPath(object)}?${query}`, object, {
    contentType: "application/apply-patch+yaml",
  });
}

/** The manifests moved into `ns`, cluster-scoped names suffixed, references kept consistent. */
function relocate(objects: Manifest[], ns: string): Manifest[] {
  const copy = structuredClone(objects) as Manifest[];
  for (const object of copy) {
    if (KINDS[object.kind].namespaced) object.metadata.namespace = ns;
    if (object.kind === "ClusterRole" || object.kind === "ClusterRoleBinding") {
      object.metadata.name = `${object.metadata.name}-${ns}`;
    }
    if (object.kind === "ClusterRoleBinding") object.roleRef.name = `${object.roleRef.name}-${ns}`;
    for (const subject of object.subjects ?? []) subject.namespace = ns;
  }
  return copy;
}

function only<T extends Manifest>(objects: Manifest[], kind: string): T {
  const found = objects.filter((o) => o.kind === kind);
  assert.equal(found.length, 1, `exactly one ${kind}`);
  return found[0] as T;
}

Deno.test("the manifests: every file in the kustomization, consistent with each other and the operator", async () => {
  const files = [...Deno.readDirSync(DEPLOY)].map((e) => e.name)
    .filter((n) => n.endsWith(".yaml") && n !== "kustomization.yaml").sort();
  const kustomization = parseAllDocuments(
    await Deno.readTextFile(new URL("kustomization.yaml", DEPLOY)),
  )[0].toJS() as { resources: string[] };
  assert.deepEqual([...kustomization.resources].sort(), files);
  // One CRD, two copies: the deployable one may not drift from the example's.
  assert.equal(
    await Deno.readTextFile(new URL("crd.yaml", DEPLOY)),
    await Deno.readTextFile(new URL("../../examples/greeting/crd.yaml", import.meta.url)),
  );

  const objects = await loadManifests();
  for (const object of objects) {
    assert.ok(KINDS[object.kind], `unexpected kind ${object.kind}`);
    if (KINDS[object.kind].namespaced) {
      assert.equal(object.metadata.namespace, OPERATOR_NAMESPACE, object.metadata.name);
    }
  }
  const deployment = only(objects, "Deployment");
  const pod = deployment.spec.template.spec;
  assert.equal(pod.serviceAccountName, only(objects, "ServiceAccount").metadata.name);
  assert.equal(pod.serviceAccountName, SERVICE_ACCOUNT);
  assert.deepEqual(deployment.spec.selector.matchLabels, deployment.spec.template.metadata.labels);
  for (const binding of objects.filter((o) => o.kind.endsWith("Binding"))) {
    assert.deepEqual(binding.subjects, [
      { kind: "ServiceAccount", name: SERVICE_ACCOUNT, namespace: OPERATOR_NAMESPACE },
    ]);
    const role = objects.find((o) =>
      o.kind === binding.roleRef.kind && o.metadata.name === binding.roleRef.name
    );
    assert.ok(role, `${binding.metadata.name} refers to a role in the manifests`);
  }

  const [container] = pod.containers;
  assert.equal(pod.containers.length, 1);
  assert.deepEqual(container.ports, [
    { name: "health", containerPort: HEALTH_PORT, protocol: "TCP" },
    { name: "metrics", containerPort: METRICS_PORT, protocol: "TCP" },
  ]);
  assert.deepEqual(container.livenessProbe.httpGet, { path: "/healthz", port: "health" });
  assert.deepEqual(container.readinessProbe.httpGet, { path: "/readyz", port: "health" });
  // The operator's command line (examples/greeting/main.ts): election on, health on 8081,
  // Prometheus metrics on 9090.
  assert.deepEqual(container.args, [
    "--leader-elect",
    "--health-port",
    String(HEALTH_PORT),
    "--metrics-port",
    String(METRICS_PORT),
  ]);
  assert.deepEqual(container.env, [{
    name: "POD_NAMESPACE",
    valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } },
  }]);
  assert.equal(container.securityContext.allowPrivilegeEscalation, false);
  assert.equal(container.securityContext.readOnlyRootFilesystem, true);
  assert.equal(container.securityContext.runAsNonRoot, true);
  assert.deepEqual(container.securityContext.capabilities, { drop: ["ALL"] });
  assert.equal(pod.securityContext.runAsNonRoot, true);
  assert.ok(pod.securityContext.runAsUser > 0);
});

Deno.test("every object passes a server-side dry-run with strict field validation", () =>
  withNamespace(async (ns, cluster) => {
    // The Deployment's namespace enforces the restricted Pod Security Standard, as ours does.
    await labelRestricted(cluster, ns);
    for (const object of relocate(await loadManifests(), ns)) {
      const answer = await dryRunApply(cluster, object);
      assert.equal(answer.status < 300, true, `${object.kind}: ${JSON.stringify(answer.body)}`);
      assert.deepEqual(answer.warnings, [], `${object.kind} ${object.metadata.name}`);
    }
    // Nothing was created.
    const existing = await send(cluster, "GET", `/apis/apps/v1/namespaces/${ns}/deployments`);
    assert.deepEqual((existing.body as { items: unknown[] }).items, []);
  }, { prefix: "manifests" }));

Deno.test("the dry-run check can fail: an unknown field and a privileged container are reported", () =>
  withNamespace(async (ns, cluster) => {
    await labelRestricted(cluster, ns);
    const deployment = only(relocate(await loadManifests(), ns), "Deployment");

    const typo = structuredClone(deployment);
    typo.spec.template.spec.containers[0].readinesProbe = typo.spec.template.spec.containers[0]
      .readinessProbe;
    const strict = await dryRunApply(cluster, typo);
    // Server-side apply answers a field outside the schema with a failure (a 500 here).
    assert.ok(strict.status >= 400, JSON.stringify(strict.body));
    assert.match(JSON.stringify(strict.body), /readinesProbe/);

    const loose = structuredClone(deployment);
    delete loose.spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation;
    const warned = await dryRunApply(cluster, loose);
    assert.ok(warned.status < 300);
    assert.match(warned.warnings.join("\n"), /allowPrivilegeEscalation/);
  }, { prefix: "manifests" }));

async function labelRestricted(cluster: TestCluster, ns: string): Promise<void> {
  await cluster.request("PATCH", `/api/v1/namespaces/${ns}`, {
    metadata: {
      labels: {
        "pod-security.kubernetes.io/enforce": "restricted",
        "pod-security.kubernetes.io/warn": "restricted",
      },
    },
  }, { contentType: "application/merge-patch+json" });
}

/** What the authorizer is asked: one verb on one resource (and maybe one name). */
interface Access {
  group: string;
  resource: string;
  subresource?: string;
  name?: string;
  namespace: string;
}

function describeAccess(verb: string, a: Access): string {
  const resource = `${a.group === "" ? "" : `${a.group}/`}${a.resource}` +
    (a.subresource ? `/${a.subresource}` : "") + (a.name ? `#${a.name}` : "");
  return `${verb} ${resource} in ${a.namespace}`;
}

Deno.test("RBAC grants the ServiceAccount exactly the operator's requests", () =>
  withNamespace(async (ns, cluster) => {
    const objects = relocate(
      (await loadManifests()).filter((o) =>
        o.kind !== "Namespace" && o.kind !== "Deployment" &&
        o.kind !== "CustomResourceDefinition"
      ),
      ns,
    );
    const created: string[] = [];
    try {
      for (const object of objects) {
        const answer = await send(
          cluster,
          "PATCH",
          `${objectPath(object)}?fieldManager=manifests-test`,
          object,
          {
            contentType: "application/apply-patch+yaml",
          },
        );
        assert.ok(answer.status < 300, JSON.stringify(answer.body));
        if (!KINDS[object.kind].namespaced) created.push(objectPath(object));
      }
      const user = `system:serviceaccount:${ns}:${SERVICE_ACCOUNT}`;
      const groups = [
        "system:serviceaccounts",
        `system:serviceaccounts:${ns}`,
        "system:authenticated",
      ];
      const allowed = async (verb: string, access: Access): Promise<boolean> => {
        const answer = await send(
          cluster,
          "POST",
          "/apis/authorization.k8s.io/v1/subjectaccessreviews",
          {
            apiVersion: "authorization.k8s.io/v1",
            kind: "SubjectAccessReview",
            spec: { user, groups, resourceAttributes: { verb, ...access } },
          },
        );
        assert.equal(answer.status, 201, JSON.stringify(answer.body));
        return (answer.body as { status: { allowed: boolean } }).status.allowed;
      };

      const elsewhere = "some-team"; // Greetings live in any namespace
      const accesses: Access[] = [
        { group: "demo.staircase.dev", resource: "greetings", namespace: elsewhere },
        {
          group: "demo.staircase.dev",
          resource: "greetings",
          subresource: "status",
          namespace: elsewhere,
        },
        {
          group: "demo.staircase.dev",
          resource: "greetings",
          subresource: "finalizers",
          namespace: elsewhere,
        },
        { group: "", resource: "configmaps", namespace: elsewhere },
        { group: "events.k8s.io", resource: "events", namespace: elsewhere },
        { group: "", resource: "events", namespace: elsewhere },
        { group: "coordination.k8s.io", resource: "leases", name: LEASE_NAME, namespace: ns },
        { group: "coordination.k8s.io", resource: "leases", name: "another-lease", namespace: ns },
        { group: "coordination.k8s.io", resource: "leases", namespace: ns },
        {
          group: "coordination.k8s.io",
          resource: "leases",
          name: LEASE_NAME,
          namespace: elsewhere,
        },
        { group: "", resource: "secrets", namespace: elsewhere },
        { group: "", resource: "secrets", namespace: ns },
        { group: "", resource: "pods", namespace: ns },
        { group: "apps", resource: "deployments", namespace: ns },
      ];
      const expected = new Set([
        `get demo.staircase.dev/greetings in ${elsewhere}`,
        `list demo.staircase.dev/greetings in ${elsewhere}`,
        `watch demo.staircase.dev/greetings in ${elsewhere}`,
        `patch demo.staircase.dev/greetings/status in ${elsewhere}`,
        ...["get", "list", "watch", "create", "patch"].map((v) =>
          `${v} configmaps in ${elsewhere}`
        ),
        `create events.k8s.io/events in ${elsewhere}`,
        `patch events.k8s.io/events in ${elsewhere}`,
        `get coordination.k8s.io/leases#${LEASE_NAME} in ${ns}`,
        `update coordination.k8s.io/leases#${LEASE_NAME} in ${ns}`,
        // A create request carries no name, so RBAC cannot limit it to one.
        `create coordination.k8s.io/leases#${LEASE_NAME} in ${ns}`,
        `create coordination.k8s.io/leases#another-lease in ${ns}`,
        `create coordination.k8s.io/leases in ${ns}`,
      ]);
      // RBAC caches: wait until the bindings are seen.
      const probe: Access = { group: "", resource: "configmaps", namespace: elsewhere };
      for (let i = 0; !(await allowed("create", probe)); i++) {
        assert.ok(i < 100, "the role bindings never took effect");
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const granted = new Set<string>();
      await Promise.all(accesses.flatMap((access) =>
        API_VERBS.map(async (verb) => {
          if (await allowed(verb, access)) granted.add(describeAccess(verb, access));
        })
      ));
      assert.deepEqual([...granted].sort(), [...expected].sort());
    } finally {
      for (const path of created) await send(cluster, "DELETE", path);
    }
  }, { prefix: "manifests" }));

/** A RestClient (JSON requests only) that impersonates a user, for a LeaderElector. */
function impersonatingClient(
  cluster: TestCluster,
  impersonate: { user: string; groups: string[] },
): RestClient {
  return {
    async performRequest(options: RequestOptions): Promise<JSONValue> {
      const query = options.querystring?.toString();
      const path = options.path + (query ? `?${query}` : "");
      const answer = await send(cluster, options.method, path, options.bodyJson, { impersonate });
      if (answer.status >= 400) {
        throw KubernetesApiError.fromResponseBody(answer.status, JSON.stringify(answer.body), {
          method: options.method,
          path: options.path,
        });
      }
      return answer.body as JSONValue;
    },
  } as RestClient;
}

Deno.test("a LeaderElector as the ServiceAccount acquires, renews and releases its Lease; no other", () =>
  withNamespace(async (ns, cluster) => {
    for (const object of relocate(await loadManifests(), ns)) {
      if (object.kind !== "Role" && object.kind !== "RoleBinding") continue;
      await send(cluster, "PATCH", `${objectPath(object)}?fieldManager=manifests-test`, object, {
        contentType: "application/apply-patch+yaml",
      });
    }
    const impersonate = {
      user: `system:serviceaccount:${ns}:${SERVICE_ACCOUNT}`,
      groups: ["system:serviceaccounts", `system:serviceaccounts:${ns}`, "system:authenticated"],
    };
    const timing = { leaseDurationMs: 2_000, renewDeadlineMs: 1_200, retryPeriodMs: 200 };
    const records: LogRecord[] = [];
    const elector = new LeaderElector({
      client: impersonatingClient(cluster, impersonate),
      name: LEASE_NAME,
      namespace: ns,
      ...timing,
      logger: recordingLogger(records),
    });
    const stop = new AbortController();
    const run = elector.run(stop.signal);
    try {
      await timeToLead(elector, 15_000); // the bindings may take a moment to apply
      const term = await elector.leading();
      await new Promise((resolve) => setTimeout(resolve, 5 * timing.retryPeriodMs)); // renewals
      assert.equal(term.aborted, false);
    } finally {
      stop.abort();
      await run;
    }
    const lease = await send(
      cluster,
      "GET",
      `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases/${LEASE_NAME}`,
    );
    assert.equal(
      (lease.body as { spec: { leaseDurationSeconds: number } }).spec.leaseDurationSeconds,
      1,
      "released",
    );
    assert.deepEqual(
      records.filter((r) => r.level === "error" || /release/.test(r.message) && r.level === "warn"),
      [],
    );

    // Another Lease name: created, then never readable or renewable.
    const other: LogRecord[] = [];
    const intruder = new LeaderElector({
      client: impersonatingClient(cluster, impersonate),
      name: "another-lease",
      namespace: ns,
      ...timing,
      logger: recordingLogger(other),
    });
    const stopOther = new AbortController();
    const runOther = intruder.run(stopOther.signal);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    stopOther.abort();
    await runOther;
    assert.equal(intruder.isLeader, false);
    assert.match(JSON.stringify(other), /403 Forbidden/);
  }, { prefix: "manifests" }));
