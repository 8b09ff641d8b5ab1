/**
 * Shared set-up of the Greeting operator tests: the CRD installed once on the shared test
 * control plane, small helpers over the admin `TestCluster`, and the operator as a process.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import type { RestClient } from "../../lib/client/mod.ts";
import type { CustomResourceDefinition } from "../../lib/apis/apiextensions.k8s.io/v1/mod.ts";
import { installCrd } from "../../lib/crds/mod.ts";
import type { TestCluster } from "../../lib/testing/mod.ts";
import { getIfExists, sharedClusterWith } from "../_fixtures.ts";
import type { Greeting } from "../../examples/greeting/api/demo.staircase.dev/v1/mod.ts";
import type { ConfigMap } from "../../lib/apis/core/v1/mod.ts";
import { OPERATOR_ENTRY_POINT, OPERATOR_PERMISSION_FLAGS } from "../../tools/compile.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Installs `examples/greeting/crd.yaml` and waits until it is established. */
export async function installGreetingCrd(client: RestClient): Promise<void> {
  const crdText = await Deno.readTextFile(
    new URL("../../examples/greeting/crd.yaml", import.meta.url),
  );
  await installCrd(client, parseYaml(crdText) as CustomResourceDefinition);
}

/** The shared control plane with the Greeting CRD installed (once per process). */
export const greetingCluster: () => Promise<TestCluster> = sharedClusterWith(installGreetingCrd);

/** The path of Greetings in `namespace`, or of one Greeting. */
export function greetingPath(namespace: string, name?: string): string {
  const base = `/apis/demo.staircase.dev/v1/namespaces/${namespace}/greetings`;
  return name === undefined ? base : `${base}/${name}`;
}

/** The path of ConfigMaps in `namespace`, or of one ConfigMap. */
export function configMapPath(namespace: string, name?: string): string {
  const base = `/api/v1/namespaces/${namespace}/configmaps`;
  return name === undefined ? base : `${base}/${name}`;
}

/** Creates a Greeting and returns it as the server stored it. */
export async function createGreeting(
  cluster: TestCluster,
  namespace: string,
  name: string,
  message: string,
): Promise<Greeting> {
  const { body } = await cluster.request<Greeting>("POST", greetingPath(namespace), {
    apiVersion: "demo.staircase.dev/v1",
    kind: "Greeting",
    metadata: { name },
    spec: { message },
  });
  return body;
}

/** Reads a Greeting. */
export async function getGreeting(
  cluster: TestCluster,
  namespace: string,
  name: string,
): Promise<Greeting> {
  return (await cluster.request<Greeting>("GET", greetingPath(namespace, name))).body;
}

/** Reads a ConfigMap, or `undefined` when there is none. */
export async function getConfigMap(
  cluster: TestCluster,
  namespace: string,
  name: string,
): Promise<ConfigMap | undefined> {
  return await getIfExists<ConfigMap>(cluster, configMapPath(namespace, name));
}

/** Merge-patches a ConfigMap as an admin would by hand. */
export async function patchConfigMap(
  cluster: TestCluster,
  namespace: string,
  name: string,
  patch: unknown,
): Promise<void> {
  await cluster.request("PATCH", configMapPath(namespace, name), patch, {
    contentType: "application/merge-patch+json",
  });
}

/**
 * `deno run <the compile flags> examples/greeting/main.ts ...args` from the repository root, as
 * a user would run the operator: stdout and stderr piped, no colours.
 */
export function operatorCommand(args: string[]): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", ...OPERATOR_PERMISSION_FLAGS, OPERATOR_ENTRY_POINT, ...args],
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  });
}

/** The holder of the operator's leader-election Lease in `namespace`, if any. */
export async function leaseHolder(
  client: RestClient,
  namespace: string,
): Promise<string | undefined> {
  const lease = await client.performRequest({
    method: "GET",
    path: `/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases/greeting-operator`,
    expectJson: true,
  }) as { spec?: { holderIdentity?: string } };
  return lease.spec?.holderIdentity || undefined;
}
