/**
 * Shared set-up of the controller tests: an operator over the shared test control plane.
 *
 * @module
 */
import {
  type HttpRestClient,
  kubeConfigClient,
  ResourceClient,
  type RestClient,
} from "../../lib/client/mod.ts";
import { decorateRestClient } from "../../lib/client/decorate.ts";
import {
  Controller,
  type ControllerOptions,
  type ControllerRun,
  type HealthServer,
  type LeaderElection,
  type LeaderElector,
  Operator,
  SharedInformers,
} from "../../lib/controller/mod.ts";
import type { Reconciler } from "../../lib/steps/mod.ts";
import type { TestCluster } from "../../lib/testing/mod.ts";
import type { Greeting } from "../../examples/greeting/api/demo.staircase.dev/v1/mod.ts";
import { ConfigMaps, Greetings } from "./_three_steps.ts";

export { greetingCluster } from "../delivery/_greeting.ts";
export { waitFor } from "./_helpers.ts";

/** An admin client of the test cluster. */
export function adminClient(cluster: TestCluster): Promise<HttpRestClient> {
  return kubeConfigClient({ paths: [cluster.kubeconfigPath] });
}

/** Creates a Greeting per name in `namespace` (`spec.message` = `hello <name>`), 16 at a time. */
export async function createGreetings(
  client: RestClient,
  namespace: string,
  names: string[],
): Promise<void> {
  const api = new ResourceClient(client, Greetings).namespace(namespace);
  for (let i = 0; i < names.length; i += 16) {
    await Promise.all(
      names.slice(i, i + 16).map((name) =>
        api.create({
          apiVersion: "demo.staircase.dev/v1",
          kind: "Greeting",
          metadata: { name },
          spec: { message: `hello ${name}` },
        })
      ),
    );
  }
}

/** A running operator with one Greeting controller that owns ConfigMaps. */
export interface Harness {
  readonly operator: Operator;
  readonly controller: Controller<Greeting>;
  readonly informers: SharedInformers;
  /** Every Run so far, in the order they ended. */
  readonly runs: ControllerRun[];
  /** Stops the operator and waits for it. */
  stop(): Promise<void>;
}

/** Starts an operator in `namespace` (call `stop()` in a finally). */
export function startOperator(
  client: RestClient,
  namespace: string,
  reconciler: Reconciler<Greeting>,
  options: Partial<ControllerOptions<Greeting>> & {
    leaderElection?: LeaderElection | LeaderElector;
    shutdownGraceMs?: number;
    health?: HealthServer;
    /** The informers to share. @default new informers over `client` */
    informers?: SharedInformers;
  } = {},
): Harness {
  const runs: ControllerRun[] = [];
  const { leaderElection, shutdownGraceMs, health, ...rest } = options;
  const { informers = new SharedInformers(client), ...controllerOptions } = rest;
  const controller = new Controller<Greeting>({
    resource: Greetings,
    reconciler,
    client,
    namespace,
    ...controllerOptions,
    onRun: (run) => {
      runs.push(run);
      controllerOptions.onRun?.(run);
    },
  }).owns(ConfigMaps);
  const operator = new Operator({ informers, leaderElection, shutdownGraceMs, health }).add(
    controller,
  );
  const stop = new AbortController();
  const done = operator.run(stop.signal);
  return {
    operator,
    controller,
    informers,
    runs,
    stop: async () => {
      stop.abort();
      await done;
    },
  };
}

/** Counts the requests a client sends, by method. */
export function countingClient(
  inner: RestClient,
): { client: RestClient; counts: Map<string, number> } {
  const counts = new Map<string, number>();
  const client = decorateRestClient(inner, (options, next) => {
    const watch = options.querystring?.get("watch") === "true" || options.expectStream;
    const key = watch ? "WATCH" : options.method;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    return next(options);
  });
  return { client, counts };
}

/**
 * Creates the ServiceAccount `name` in `namespace`, bound to a Role with exactly `rules`, and
 * writes to `path` the test cluster's kubeconfig with its user replaced by that account (a
 * TokenRequest token).
 */
export async function writeServiceAccountKubeconfig(
  cluster: TestCluster,
  namespace: string,
  name: string,
  rules: unknown[],
  path: string,
): Promise<void> {
  await cluster.request("POST", `/api/v1/namespaces/${namespace}/serviceaccounts`, {
    metadata: { name },
  });
  await cluster.request(
    "POST",
    `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/roles`,
    { metadata: { name }, rules },
  );
  await cluster.request(
    "POST",
    `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/rolebindings`,
    {
      metadata: { name },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
      subjects: [{ kind: "ServiceAccount", name, namespace }],
    },
  );
  const { body } = await cluster.request<{ status: { token: string } }>(
    "POST",
    `/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`,
    { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: {} },
  );
  const config = JSON.parse(await Deno.readTextFile(cluster.kubeconfigPath));
  for (const user of config.users) user.user = { token: body.status.token };
  await Deno.writeTextFile(path, JSON.stringify(config));
}
