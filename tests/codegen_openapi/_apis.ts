/**
 * Shared set-up of the generated-API integration tests: the shared test control plane and a
 * namespace with the generated Api classes over an admin client.
 *
 * @module
 */
import { kubeConfigClient } from "../../lib/client/mod.ts";
import { type TestCluster, useTestControlPlane, withNamespace } from "../../lib/testing/mod.ts";
import { CoreV1Api } from "../../lib/apis/core/v1/mod.ts";
import { AppsV1Api } from "../../lib/apis/apps/v1/mod.ts";

/** The shared test control plane. */
export const cluster: TestCluster = await useTestControlPlane();

/** What a test gets: a fresh namespace and the core and apps Api classes. */
export type ApisTest = (ns: string, core: CoreV1Api, apps: AppsV1Api) => Promise<void>;

/** Runs tests in fresh namespaces named with `prefix`, each with its own admin client. */
export function apisWithin(prefix: string): (test: ApisTest) => Promise<void> {
  return async (test) => {
    using client = await kubeConfigClient({ paths: [cluster.kubeconfigPath] });
    await withNamespace((ns) => test(ns, new CoreV1Api(client), new AppsV1Api(client)), {
      prefix,
      cluster,
    });
  };
}
