/**
 * Shared set-up of the status integration tests: a `Widget` custom resource (status
 * subresource, conditions, a `phase` enum the server enforces) installed once on the shared
 * test control plane.
 *
 * @module
 */
import { type HttpRestClient, kubeConfigClient, resourceType } from "../../lib/client/mod.ts";
import type { CustomResourceDefinition } from "../../lib/apis/apiextensions.k8s.io/v1/mod.ts";
import { installCrd } from "../../lib/crds/mod.ts";
import type { TestCluster } from "../../lib/testing/mod.ts";
import { getIfExists, sharedClusterWith } from "../_fixtures.ts";
import type { Condition } from "../../lib/status/mod.ts";
import type { ResourceOf, RunResource } from "../../lib/steps/mod.ts";

export interface Widget {
  apiVersion?: "tests.staircase.dev/v1";
  kind?: "Widget";
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    finalizers?: string[];
    deletionTimestamp?: string;
    labels?: Record<string, string>;
  };
  spec?: { size?: number };
  status?: {
    phase?: "Pending" | "Ready";
    observedGeneration?: number;
    conditions?: Condition[];
    note?: string;
  };
}

export const Widgets = resourceType<Widget>()({
  group: "tests.staircase.dev",
  version: "v1",
  kind: "Widget",
  plural: "widgets",
  namespaced: true,
});

const conditionSchema = {
  type: "object",
  required: ["type", "status", "reason", "message", "lastTransitionTime"],
  properties: {
    type: { type: "string" },
    status: { type: "string", enum: ["True", "False", "Unknown"] },
    reason: { type: "string", minLength: 1 },
    message: { type: "string" },
    lastTransitionTime: { type: "string", format: "date-time" },
    observedGeneration: { type: "integer" },
  },
};

/** The Widget CRD (namespaced, `v1` with the status subresource). */
export const widgetCrd = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "widgets.tests.staircase.dev" },
  spec: {
    group: "tests.staircase.dev",
    scope: "Namespaced",
    names: { plural: "widgets", singular: "widget", kind: "Widget", listKind: "WidgetList" },
    versions: [{
      name: "v1",
      served: true,
      storage: true,
      subresources: { status: {} },
      schema: {
        openAPIV3Schema: {
          type: "object",
          properties: {
            spec: { type: "object", properties: { size: { type: "integer" } } },
            status: {
              type: "object",
              properties: {
                phase: { type: "string", enum: ["Pending", "Ready"] },
                observedGeneration: { type: "integer" },
                note: { type: "string" },
                conditions: {
                  type: "array",
                  items: conditionSchema,
                  "x-kubernetes-list-type": "map",
                  "x-kubernetes-list-map-keys": ["type"],
                },
              },
            },
          },
        },
      },
    }],
  },
} as unknown as CustomResourceDefinition;

/** A Widget as the server returns it: name, namespace, UID, resourceVersion, generation set. */
export type StoredWidget = RunResource<ResourceOf<typeof Widgets>>;

/** The shared control plane with the Widget CRD installed (once per process). */
export const widgetCluster: () => Promise<TestCluster> = sharedClusterWith((client) =>
  installCrd(client, widgetCrd)
);

/** An admin client for the shared control plane; close it after use. */
export async function adminClient(cluster: TestCluster): Promise<HttpRestClient> {
  return await kubeConfigClient({ paths: [cluster.kubeconfigPath] });
}

/** The path of Widgets in `namespace`, or of one Widget. */
export function widgetPath(namespace: string, name?: string): string {
  const base = `/apis/tests.staircase.dev/v1/namespaces/${namespace}/widgets`;
  return name === undefined ? base : `${base}/${name}`;
}

/** Creates a Widget and returns it as stored. */
export async function createWidget(
  cluster: TestCluster,
  namespace: string,
  name: string,
  extra: Partial<Widget> = {},
): Promise<StoredWidget> {
  const { body } = await cluster.request<StoredWidget>("POST", widgetPath(namespace), {
    apiVersion: "tests.staircase.dev/v1",
    kind: "Widget",
    spec: { size: 1 },
    ...extra,
    metadata: { name, ...extra.metadata },
  });
  return body;
}

/** Reads a Widget, or `undefined` when it is gone. */
export async function getWidget(
  cluster: TestCluster,
  namespace: string,
  name: string,
): Promise<StoredWidget | undefined> {
  return await getIfExists<StoredWidget>(cluster, widgetPath(namespace, name));
}
