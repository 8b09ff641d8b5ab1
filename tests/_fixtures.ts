/**
 * Fixtures shared by the tests of several areas.
 *
 * @module
 */
import type { Deployment } from "../lib/apis/apps/v1/mod.ts";
import type { RestClient } from "../lib/client/contract.ts";
import { type HttpRestClient, kubeConfigClient } from "../lib/client/mod.ts";
import { type TestCluster, TestRequestError, useTestControlPlane } from "../lib/testing/mod.ts";
import { resourceType } from "../lib/client/resource_type.ts";

/**
 * A valid one-replica Deployment: one container `main` (busybox, env `A=1`), selected by
 * the label `app: <name>`.
 */
export function deployment(name: string): Deployment {
  const labels = { app: name };
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [{ name: "main", image: "busybox", env: [{ name: "A", value: "1" }] }],
        },
      },
    },
  };
}

/** An example custom resource, `example.com/v1` App, for tests that never reach a server. */
export interface App {
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    finalizers?: string[];
    deletionTimestamp?: string;
  };
  status?: { phase?: string; message?: string };
}

/** The token of {@linkcode App} (namespaced). */
export const Apps = resourceType<App>()({
  group: "example.com",
  version: "v1",
  kind: "App",
  plural: "apps",
  namespaced: true,
});

/** Who the server says `client` is: a SelfSubjectReview's user name and groups. */
export async function whoAmI(client: RestClient): Promise<{ username: string; groups: string[] }> {
  const review = await client.performRequest({
    method: "POST",
    path: "/apis/authentication.k8s.io/v1/selfsubjectreviews",
    bodyJson: { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" },
    expectJson: true,
  }) as { status: { userInfo: { username: string; groups: string[] } } };
  return review.status.userInfo;
}

/**
 * The shared test control plane, set up once per process by `install` (given an admin client,
 * closed after): e.g. a CRD installed before the first test uses it.
 */
export function sharedClusterWith(
  install: (admin: HttpRestClient) => Promise<unknown>,
): () => Promise<TestCluster> {
  let installed: Promise<TestCluster> | undefined;
  return () =>
    installed ??= (async () => {
      const cluster = await useTestControlPlane();
      using client = await kubeConfigClient({ paths: [cluster.kubeconfigPath] });
      await install(client);
      return cluster;
    })();
}

/** GETs `path` as admin: the object, or `undefined` when the server answers 404. */
export async function getIfExists<T>(cluster: TestCluster, path: string): Promise<T | undefined> {
  const res = await cluster.request<T>("GET", path, undefined, { throwOnError: false });
  if (res.status === 404) return undefined;
  if (res.status !== 200) {
    throw new TestRequestError("GET", path, res.status, JSON.stringify(res.body));
  }
  return res.body;
}

/** What {@linkcode countTimersArmed} hands back. */
export interface TimerCount extends Disposable {
  /** `setTimeout` calls so far. */
  readonly count: number;
  /** Waits `ms` on the real `setTimeout` (not counted). */
  wait(ms: number): Promise<void>;
}

/**
 * Counts the `setTimeout` calls made until disposed (which puts the real one back): a timer
 * asked to wait longer than 2^31 - 1 ms fires at once, so code that re-arms it shows up as a
 * stream of calls.
 */
export function countTimersArmed(): TimerCount {
  const real = globalThis.setTimeout;
  let count = 0;
  globalThis.setTimeout = ((...args: Parameters<typeof setTimeout>) => {
    count++;
    return real(...args);
  }) as typeof setTimeout;
  return {
    get count() {
      return count;
    },
    wait: (ms) => new Promise((resolve) => real(resolve, ms)),
    [Symbol.dispose]() {
      globalThis.setTimeout = real;
    },
  };
}
