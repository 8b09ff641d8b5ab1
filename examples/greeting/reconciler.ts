/**
 * The Greeting operator's {@linkcode Reconciler}: three steps, one change per Run.
 *
 * 1. `ensure-configmap`: create the child ConfigMap `greeting-<name>` when it is missing
 *    (*modified*), or wait when a ConfigMap of that name belongs to someone else.
 * 2. `sync-message`: merge-patch `data.message` and the derived labels when they drifted from
 *    the Greeting (*modified*).
 * 3. `report-status`: nothing to change; attaches `status.ready` / `observedGeneration` as a
 *    best-effort status write when the reported status is out of date.
 *
 * Steps 1 and 2 flip a `ready: true` status back to `false` (best effort) when they change
 * something, so the status never claims readiness for a Run that found drift.
 *
 * @module
 */

import { isAlreadyExists, isNotFound, resourceType } from "../../lib/client/mod.ts";
import { NotCachedError, runCache } from "../../lib/controller/mod.ts";
import { CoreV1Api, type CoreV1NamespacedApi } from "../../lib/apis/core/v1/mod.ts";
import type { ConfigMap } from "../../lib/apis/core/v1/mod.ts";
import {
  modified,
  noModification,
  plan,
  type Reconciler,
  type RunContext,
  type StatusTarget,
  type StepOutcome,
  wait,
} from "../../lib/steps/mod.ts";
import type { Greeting, GreetingStatus } from "./api/demo.staircase.dev/v1/mod.ts";
import { desiredConfigMap, InvalidGreetingError, isControlledBy } from "./child.ts";

/**
 * Where the best-effort status writes go: the Greeting's `/status` subresource (pass it to
 * `MergePatchStatusWriter`).
 *
 * @example
 * ```ts
 * import { MergePatchStatusWriter, type RestClient } from "../../lib/steps/mod.ts";
 * import { GREETING_STATUS_TARGET } from "./reconciler.ts";
 *
 * const writer = new MergePatchStatusWriter({} as RestClient, GREETING_STATUS_TARGET);
 * console.log(writer.pathFor({ metadata: { name: "hello", namespace: "default" } }));
 * ```
 */
export const GREETING_STATUS_TARGET: StatusTarget = {
  group: "demo.staircase.dev",
  version: "v1",
  plural: "greetings",
  namespaced: true,
};

/**
 * The Greeting kind's token (what the controller watches).
 *
 * @example
 * ```ts
 * import { Greetings } from "./reconciler.ts";
 *
 * console.log(Greetings.apiVersion, Greetings.plural); // demo.staircase.dev/v1 greetings
 * ```
 */
export const Greetings = resourceType<Greeting>()({
  group: "demo.staircase.dev",
  version: "v1",
  kind: "Greeting",
  plural: "greetings",
  namespaced: true,
});

/**
 * The ConfigMap kind's token (the children the controller owns).
 *
 * @example
 * ```ts
 * import { ConfigMaps } from "./reconciler.ts";
 *
 * console.log(ConfigMaps.apiVersion, ConfigMaps.kind); // v1 ConfigMap
 * ```
 */
export const ConfigMaps = resourceType<ConfigMap>()({
  group: "",
  version: "v1",
  kind: "ConfigMap",
  plural: "configmaps",
  namespaced: true,
});

/** The field manager recorded on the operator's writes. */
const FIELD_MANAGER = "greeting-operator";

/** What step 1 hands on: the child as desired and as found. */
interface Child {
  desired: ConfigMap;
  current: ConfigMap;
}

function configMaps(context: RunContext<Greeting>): CoreV1NamespacedApi {
  return new CoreV1Api(context.client).namespace(context.resource.metadata?.namespace ?? "");
}

/** The status to write when a step changes something: not ready, if it currently says ready. */
function notReady(greeting: Greeting): GreetingStatus | undefined {
  if (greeting.status?.ready !== true) return undefined;
  return { ready: false, observedGeneration: greeting.metadata?.generation };
}

/** Lists which parts of `current` differ from `desired` (empty when in sync). */
function drift(current: ConfigMap, desired: ConfigMap): string[] {
  const found: string[] = [];
  const want = desired.data?.message;
  const have = current.data?.message;
  if (have !== want) {
    found.push(
      have === undefined
        ? "data.message (missing)"
        : `data.message (${JSON.stringify(have)} → ${JSON.stringify(want)})`,
    );
  }
  const labels = current.metadata?.labels ?? {};
  for (const [key, value] of Object.entries(desired.metadata?.labels ?? {})) {
    if (labels[key] !== value) found.push(`label ${key}`);
  }
  return found;
}

/**
 * The child as the Run sees it: from the controller's cache (no request; the controller makes
 * sure the cache has seen the previous Run's writes), or read live when the Run was not
 * started by a controller (e.g. a RunExecutor in a test).
 */
async function readConfigMap(
  context: RunContext<Greeting>,
  name: string,
): Promise<ConfigMap | undefined> {
  const namespace = context.resource.metadata?.namespace ?? "";
  try {
    return runCache(context).get(ConfigMaps, name, namespace);
  } catch (error) {
    if (!(error instanceof NotCachedError)) throw error;
  }
  try {
    return await configMaps(context).getConfigMap(name, { abortSignal: context.signal });
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

async function ensureConfigMap(
  context: RunContext<Greeting>,
): Promise<StepOutcome<Child>> {
  const greeting = context.resource;
  let desired: ConfigMap;
  try {
    desired = desiredConfigMap(greeting);
  } catch (error) {
    // Bad input cannot be fixed by retrying: wait until the Greeting changes.
    if (error instanceof InvalidGreetingError) return wait({ reason: error.message });
    throw error;
  }
  const name = desired.metadata!.name!;
  const api = configMaps(context);
  const current = await readConfigMap(context, name);
  if (current === undefined) {
    try {
      await api.createConfigMap(desired, {
        fieldManager: FIELD_MANAGER,
        abortSignal: context.signal,
      });
    } catch (error) {
      // Created concurrently since the read: the next Run sees it.
      if (isAlreadyExists(error)) return modified({ reason: `ConfigMap ${name} appeared` });
      throw error;
    }
    return modified({ reason: `created ConfigMap ${name}`, status: notReady(greeting) });
  }
  if (!isControlledBy(current, greeting)) {
    return wait({
      reason: `ConfigMap ${name} exists but is not controlled by this Greeting; ` +
        "delete or rename it",
    });
  }
  return noModification({ desired, current });
}

async function syncMessage(
  context: RunContext<Greeting>,
  child: Child,
): Promise<StepOutcome<Child>> {
  const found = drift(child.current, child.desired);
  if (found.length === 0) return noModification(child);
  // One write: a merge patch sets exactly our keys and leaves other labels and data alone.
  await configMaps(context).patchConfigMap(
    child.desired.metadata!.name!,
    { metadata: { labels: child.desired.metadata!.labels }, data: child.desired.data },
    { type: "merge", fieldManager: FIELD_MANAGER, abortSignal: context.signal },
  );
  return modified({
    reason: `patched ${found.join(", ")}`,
    status: notReady(context.resource),
  });
}

function reportStatus(
  context: RunContext<Greeting>,
  child: Child,
): Promise<StepOutcome<undefined>> {
  const greeting = context.resource;
  const status: GreetingStatus = {
    ready: true,
    observedGeneration: greeting.metadata?.generation,
    configMap: child.desired.metadata!.name!,
  };
  const current = greeting.status ?? {};
  const upToDate = current.ready === status.ready &&
    current.observedGeneration === status.observedGeneration &&
    current.configMap === status.configMap;
  // The status is the allowed-to-fail exception: nothing reads it back, so it is best effort.
  return Promise.resolve(noModification(undefined, upToDate ? undefined : { status }));
}

/**
 * The Greeting reconciler: the same three steps for every Greeting (none while it is being
 * deleted: the garbage collector removes the child through its owner reference).
 *
 * @example Running one Run of a Greeting
 * ```ts ignore
 * import { MergePatchStatusWriter, RunExecutor } from "../../lib/steps/mod.ts";
 * import { kubeConfigClient } from "../../lib/client/mod.ts";
 * import { DemoStaircaseDevV1Api } from "./api/demo.staircase.dev/v1/mod.ts";
 * import { GREETING_STATUS_TARGET, greetingReconciler } from "./reconciler.ts";
 *
 * const client = await kubeConfigClient();
 * const executor = new RunExecutor({
 *   client,
 *   statusWriter: new MergePatchStatusWriter(client, GREETING_STATUS_TARGET),
 * });
 * const greeting = await new DemoStaircaseDevV1Api(client).namespace("default").getGreeting("hello");
 * const result = await executor.reconcile(greeting, greetingReconciler);
 * console.log(result.reason, result.endedBy?.name, result.action.type);
 * ```
 */
export const greetingReconciler: Reconciler<Greeting> = {
  plan: (greeting) =>
    greeting.metadata?.deletionTimestamp ? plan<Greeting>() : plan<Greeting>()
      .step({ name: "ensure-configmap", run: ensureConfigMap })
      .step({ name: "sync-message", run: syncMessage })
      .step({ name: "report-status", run: reportStatus }),
};
