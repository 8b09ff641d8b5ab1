/**
 * The Greeting operator's {@linkcode Reconciler}: three steps, one change per Run.
 *
 * 1. `ensure-configmap`: create the child ConfigMap `greeting-<name>` when it is missing
 *    (*modified*), or report *blocked* when a ConfigMap of that name belongs to someone else.
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

import { isAlreadyExists, isNotFound } from "@staircase/staircase/client";
import { NotCachedError } from "@staircase/staircase/controller";
import {
  type ConfigMap,
  CoreV1Api,
  type CoreV1NamespacedApi,
} from "@staircase/staircase/apis/core/v1";
import {
  blocked,
  modified,
  noModification,
  plan,
  type Reconciler,
  type ResourceOf,
  type RunContext,
  type RunResource,
  type StepOutcome,
} from "@staircase/staircase";
import type { GreetingStatus } from "./api/demo.staircase.dev/v1/mod.ts";
import { configMapName, desiredConfigMap, InvalidGreetingError } from "./child.ts";
import { isControlledBy } from "@staircase/staircase/status";
import { Greetings } from "./api/demo.staircase.dev/v1/mod.ts";
import { ConfigMaps } from "@staircase/staircase/apis/core/v1";

/** A Greeting as a Run sees it: namespaced, with its metadata present. */
type GreetingResource = ResourceOf<typeof Greetings>;

/** The field manager recorded on the operator's writes. */
const FIELD_MANAGER = "greeting-operator";

/** What step 1 hands on: the child as desired and as found. */
interface Child {
  name: string;
  desired: ConfigMap;
  current: ConfigMap;
}

function configMaps(context: RunContext<GreetingResource>): CoreV1NamespacedApi {
  return new CoreV1Api(context.client).namespace(context.resource.metadata.namespace);
}

/** The status to write when a step changes something: not ready, if it currently says ready. */
function notReady(greeting: RunResource<GreetingResource>): GreetingStatus | undefined {
  if (greeting.status?.ready !== true) return undefined;
  return { ready: false, observedGeneration: greeting.metadata.generation };
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
 * The child as the Run sees it: from the controller's cache (no request: the controller makes
 * sure the cache has seen the previous Run's writes), or read live when the Run has no cache of
 * ConfigMaps (e.g. a RunExecutor without a controller, as in a test).
 */
async function readConfigMap(
  context: RunContext<GreetingResource>,
  name: string,
): Promise<ConfigMap | undefined> {
  try {
    return context.cache.get(ConfigMaps, name, context.resource.metadata.namespace);
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
  context: RunContext<GreetingResource>,
): Promise<StepOutcome<Child, GreetingStatus>> {
  const greeting = context.resource;
  let desired: ConfigMap;
  let name: string;
  try {
    desired = desiredConfigMap(greeting);
    name = configMapName(greeting);
  } catch (error) {
    // Bad input cannot be fixed by retrying: nothing can be done until the Greeting changes.
    if (error instanceof InvalidGreetingError) return blocked({ message: error.message });
    throw error;
  }
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
      if (isAlreadyExists(error)) return modified({ message: `ConfigMap ${name} appeared` });
      throw error;
    }
    // An Event about the Greeting (the controller's default subject), for `kubectl events`.
    context.events.record({
      type: "Normal",
      reason: "ConfigMapCreated",
      action: "Create",
      note: `created ConfigMap ${name}`,
    });
    return modified({ message: `created ConfigMap ${name}`, status: notReady(greeting) });
  }
  if (!isControlledBy(current, greeting)) {
    return blocked({
      message: `ConfigMap ${name} exists but is not controlled by this Greeting; ` +
        "delete or rename it",
    });
  }
  return noModification({ name, desired, current });
}

async function syncMessage(
  context: RunContext<GreetingResource>,
  child: Child,
): Promise<StepOutcome<Child, GreetingStatus>> {
  const found = drift(child.current, child.desired);
  if (found.length === 0) return noModification(child);
  // One write: a merge patch sets exactly our keys and leaves other labels and data alone.
  await configMaps(context).patchConfigMap(
    child.name,
    { metadata: { labels: child.desired.metadata?.labels }, data: child.desired.data },
    { type: "merge", fieldManager: FIELD_MANAGER, abortSignal: context.signal },
  );
  context.events.record({
    type: "Normal",
    reason: "ConfigMapUpdated",
    action: "Update",
    note: `patched ConfigMap ${child.name}: ${found.join(", ")}`,
  });
  return modified({
    message: `patched ${found.join(", ")}`,
    status: notReady(context.resource),
  });
}

function reportStatus(
  context: RunContext<GreetingResource>,
  child: Child,
): StepOutcome<undefined, GreetingStatus> {
  const greeting = context.resource;
  const status: GreetingStatus = {
    ready: true,
    observedGeneration: greeting.metadata.generation,
    configMap: child.name,
  };
  const current = greeting.status ?? {};
  const upToDate = current.ready === status.ready &&
    current.observedGeneration === status.observedGeneration &&
    current.configMap === status.configMap;
  // The status is the allowed-to-fail exception: nothing reads it back, so it is best effort.
  return noModification(undefined, upToDate ? undefined : { status });
}

/**
 * The Greeting reconciler: the same three steps for every Greeting (none while it is being
 * deleted: the garbage collector removes the child through its owner reference).
 *
 * @example Running one Run of a Greeting
 * ```ts ignore
 * import { RunExecutor } from "@staircase/staircase";
 * import { kubeConfigClient } from "@staircase/staircase/client";
 * import { MergePatchStatusWriter } from "@staircase/staircase/status";
 * import { DemoStaircaseDevV1Api } from "./api/demo.staircase.dev/v1/mod.ts";
 * import { Greetings } from "./api/demo.staircase.dev/v1/mod.ts";
import { ConfigMaps } from "@staircase/staircase/apis/core/v1";
 * import { greetingReconciler } from "./reconciler.ts";
 *
 * const client = await kubeConfigClient();
 * const executor = new RunExecutor({
 *   client,
 *   resourceType: Greetings,
 *   statusWriter: new MergePatchStatusWriter(client, Greetings),
 * });
 * const greeting = await new DemoStaircaseDevV1Api(client).namespace("default").getGreeting("hello");
 * const result = await executor.reconcile(greeting, greetingReconciler);
 * console.log(result.end, result.endedBy?.name, result.action.type);
 * ```
 */
export const greetingReconciler: Reconciler<GreetingResource> = {
  plan: (greeting) =>
    greeting.metadata.deletionTimestamp ? plan(Greetings) : plan(Greetings)
      .step({ name: "ensure-configmap", run: ensureConfigMap })
      .step({ name: "sync-message", run: syncMessage })
      .step({ name: "report-status", run: reportStatus }),
};
