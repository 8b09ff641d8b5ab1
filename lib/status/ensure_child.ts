/**
 * {@linkcode ensureChild}: the generic "this child exists and looks as the operator wants"
 * step. Create when absent, patch drift in the fields the operator owns, else pass the child
 * on: at most one change per Run.
 *
 * @module
 */

import { isAlreadyExists } from "../client/api_error.ts";
import type { JSONValue } from "../client/contract.ts";
import { ResourceClient } from "../client/resource_client.ts";
import type { ResourceType } from "../client/resource_type.ts";
import type { RunContext } from "../steps/context.ts";
import { modified, noModification } from "../steps/outcome.ts";
import type { Step } from "../steps/step.ts";
import { getChild } from "./child_reads.ts";
import { controllerOf, type ControllerReference, controllerReference } from "./children.ts";
import type { ObjectIdentity } from "./object_identity.ts";
import { objectReference } from "./event_reference.ts";
import { containsFields } from "./strict_status.ts";

/**
 * The metadata of a child as {@linkcode ensureChild} reads and writes it.
 *
 * @example
 * ```ts
 * import { type ChildObject, containsFields } from "@staircase/staircase/status";
 *
 * const desired: ChildObject = { metadata: { name: "web-config", labels: { app: "web" } } };
 * const actual = { metadata: { name: "web-config", labels: { app: "web", team: "a" }, uid: "7" } };
 * console.log(containsFields(desired.metadata?.labels, actual.metadata.labels)); // true
 * ```
 */
export interface ChildObject {
  /** The child's metadata. */
  readonly metadata?: {
    readonly name?: string;
    readonly namespace?: string;
    readonly uid?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly ownerReferences?: readonly ControllerReference[];
  };
}

/**
 * Thrown when the child ensureChild should manage is controlled by another owner: taking it
 * over could fight another controller, so the step fails and names both.
 *
 * @example
 * ```ts
 * import { ChildOwnedElsewhereError } from "@staircase/staircase/status";
 *
 * const error = new ChildOwnedElsewhereError("ConfigMap", "web-config", "App/other");
 * console.log(error.message);
 * ```
 */
export class ChildOwnedElsewhereError extends Error {
  /**
   * Creates the error.
   *
   * @param kind The child's kind.
   * @param name The child's name.
   * @param controller The kind/name of the child's actual controller.
   */
  constructor(kind: string, name: string, controller: string) {
    super(
      `${kind} ${name} is controlled by ${controller}, not by this resource: not taking it over`,
    );
    this.name = "ChildOwnedElsewhereError";
  }
}

/**
 * Options of {@linkcode ensureChild}.
 *
 * @typeParam R The Run's resource type (the owner).
 * @typeParam D The data the step receives.
 * @typeParam C The child's type (from its token).
 *
 * @example
 * ```ts
 * import { plan } from "@staircase/staircase";
 * import { ensureChild, type EnsureChildOptions } from "@staircase/staircase/status";
 * import { type ConfigMap, ConfigMaps } from "@staircase/staircase/apis/core/v1";
 *
 * interface Site { metadata?: { name?: string; namespace?: string; uid?: string } }
 * const options: EnsureChildOptions<Site, undefined, ConfigMap> = {
 *   resource: ConfigMaps,
 *   desired: () => ({ metadata: { name: "web-config" }, data: { a: "1" } }),
 * };
 * const steps = plan<Site>().step(ensureChild(options));
 * console.log(steps.steps.map((step) => step.name)); // [ "ensure-configmap" ]
 * ```
 */
export interface EnsureChildOptions<R, D, C> {
  /** The step's name. @default {`ensure-<kind in lower case>`} */
  readonly name?: string;
  /** The child's resource token. */
  readonly resource: ResourceType<C>;
  /**
   * The child as the operator wants it: `metadata.name` (see `childName`), labels and
   * annotations it owns, and the fields it owns (e.g. `data`, `spec`). apiVersion and kind
   * come from the token; a namespaced child defaults to the owner's namespace.
   */
  readonly desired: (context: RunContext<R>, data: D) => C;
  /**
   * Give the child a controller reference to the Run's resource (garbage collection with the
   * owner, and `owns()` watches map it back). A child controlled by another owner is then a
   * {@linkcode ChildOwnedElsewhereError}.
   * @default {true}
   */
  readonly controlled?: boolean;
  /**
   * The owner's token, when the Run's resource lacks apiVersion or kind (needed for the
   * controller reference).
   */
  readonly ownerResource?: ResourceType;
  /**
   * Whether the existing child matches. The default compares the fields the operator owns:
   * every field of `desired` except apiVersion, kind and metadata, plus its labels and
   * annotations, must hold in the child ({@linkcode containsFields}: fields set by others or
   * defaulted by the server do not count as drift).
   *
   * @default {the owned fields of `desired` are contained in `actual`}
   */
  readonly inSync?: (desired: C, actual: C) => boolean;
  /**
   * How drift is repaired: `merge` sends the owned fields as a JSON merge patch; `apply`
   * server-side-applies the desired child as `fieldManager` (forced), which also removes
   * fields this manager stopped setting.
   * @default {"merge"}
   */
  readonly patch?: "merge" | "apply";
  /**
   * The field manager of creates and patches.
   * @default {context.controller, else "staircase"}
   */
  readonly fieldManager?: string;
  /**
   * Record a `Created` / `Updated` Event about the owner through `context.events`.
   * @default {true}
   */
  readonly events?: boolean;
}

/** The fields the operator owns, as a merge-patch body. */
function ownedFields(desired: Record<string, unknown>): Record<string, unknown> {
  const owned: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(desired)) {
    if (key !== "apiVersion" && key !== "kind" && key !== "metadata" && key !== "status") {
      owned[key] = value;
    }
  }
  const meta = (desired.metadata ?? {}) as ChildObject["metadata"] & object;
  const metadata: Record<string, unknown> = {};
  if (meta.labels !== undefined) metadata.labels = meta.labels;
  if (meta.annotations !== undefined) metadata.annotations = meta.annotations;
  if (Object.keys(metadata).length > 0) owned.metadata = metadata;
  return owned;
}

/**
 * A step that makes sure one child exists as the operator wants it, reading it from the
 * controller's cache (`context.cache`; a kind the controller does not cache is read live with
 * a GET, see {@linkcode getChild}):
 *
 * - absent: create it (with a controller reference to the Run's resource): the Run's
 *   modification. If the cache was behind and the child exists after all (409
 *   AlreadyExists), it is read live and compared as below.
 * - present, but an owned field drifted: patch the owned fields: the Run's modification.
 * - present and in sync: pass the child on to the next step (no modification).
 *
 * A cache that lags behind the step's own patch can make the next Run patch the same values
 * once more (a no-op on the server): harmless, and it converges.
 *
 * @typeParam R The Run's resource type.
 * @typeParam D The data the step receives.
 * @typeParam C The child's type.
 * @param options The child's token, its desired state and how to compare and repair.
 * @returns The step; its output is the child as found.
 * @throws {TypeError} If `resource` is not a token or `desired` not a function.
 *
 * @example A ConfigMap per App
 * ```ts
 * import { plan } from "@staircase/staircase";
 * import { resourceType } from "@staircase/staircase/client";
 * import { childLabels, childName, ensureChild } from "@staircase/staircase/status";
 * import { ConfigMaps } from "@staircase/staircase/apis/core/v1";
 *
 * interface App { metadata?: { name?: string; namespace?: string; uid?: string }; spec?: { message?: string } }
 * const Apps = resourceType<App>()({
 *   group: "example.com", version: "v1", kind: "App", plural: "apps", namespaced: true,
 * });
 *
 * const p = plan(Apps).step(ensureChild({
 *   resource: ConfigMaps,
 *   ownerResource: Apps,
 *   desired: ({ resource }) => ({
 *     metadata: { name: childName(resource, "config"), labels: childLabels(resource) },
 *     data: { message: resource.spec?.message ?? "" },
 *   }),
 * }));
 * console.log(p.steps[0].name); // ensure-configmap
 * ```
 */
export function ensureChild<R, D, C extends ChildObject>(
  options: EnsureChildOptions<R, D, C>,
): Step<R, D, C> {
  const token = options?.resource;
  if (typeof token?.kind !== "string" || typeof token.plural !== "string") {
    throw new TypeError("ensureChild(): options.resource must be a resource token");
  }
  if (typeof options.desired !== "function") {
    throw new TypeError("ensureChild(): options.desired must be a function");
  }
  const name = options.name ?? `ensure-${token.kind.toLowerCase()}`;
  const controlled = options.controlled ?? true;
  return {
    name,
    run: async (context, data) => {
      const owner = context.resource as ObjectIdentity;
      const wanted = options.desired(context, data) as C & Record<string, unknown>;
      const childNameValue = wanted?.metadata?.name;
      if (typeof childNameValue !== "string" || childNameValue === "") {
        throw new TypeError(`${name}: the desired ${token.kind} has no metadata.name`);
      }
      const namespace = token.namespaced
        ? wanted.metadata?.namespace ?? owner.metadata?.namespace
        : undefined;
      const ref = controlled ? controllerReference(owner, options.ownerResource) : undefined;
      const manager = options.fieldManager ??
        (typeof context.controller === "string" && context.controller !== ""
          ? context.controller.slice(0, 128)
          : "staircase");
      const client = new ResourceClient<C>(context.client, token);
      const view = namespace === undefined ? client : client.namespace(namespace);
      const record = (reason: string, action: string, note: string, child?: C): void => {
        if (options.events === false) return;
        context.events?.record({
          type: "Normal",
          reason,
          action,
          note,
          related: objectReference({
            apiVersion: token.apiVersion,
            kind: token.kind,
            metadata: { name: childNameValue, namespace, uid: child?.metadata?.uid },
          }),
        });
      };

      // The whole child as wanted: the body of a create, and of an apply patch.
      const whole = (): C => ({
        ...wanted,
        apiVersion: token.apiVersion,
        kind: token.kind,
        metadata: {
          ...wanted.metadata,
          name: childNameValue,
          ...(namespace === undefined ? {} : { namespace }),
          ...(ref === undefined ? {} : { ownerReferences: [ref] }),
        },
      } as C);
      let actual = await getChild(context, token, childNameValue, namespace);
      if (actual === undefined) {
        try {
          const created = await view.create(whole(), {
            fieldManager: manager,
            abortSignal: context.signal,
          });
          record("Created", "Create", `created ${token.kind} ${childNameValue}`, created);
          return modified({ message: `created ${token.kind} ${childNameValue}` });
        } catch (error) {
          if (!isAlreadyExists(error)) throw error;
          // The cache was behind: compare with the live object instead.
          actual = await view.get(childNameValue, { abortSignal: context.signal });
        }
      }

      const current = controllerOf(actual);
      if (ref !== undefined && current !== undefined && current.uid !== ref.uid) {
        throw new ChildOwnedElsewhereError(
          token.kind,
          childNameValue,
          `${current.kind}/${current.name}`,
        );
      }
      const owned = ownedFields(wanted);
      const adopted = ref === undefined || current !== undefined;
      const inSync = options.inSync === undefined
        ? containsFields(owned, actual)
        : options.inSync(wanted, actual);
      if (inSync && adopted) return noModification(actual);

      if (options.patch === "apply") {
        await view.patchRaw(childNameValue, whole() as JSONValue, {
          type: "apply",
          fieldManager: manager,
          force: true,
          abortSignal: context.signal,
        });
      } else {
        const patch = { ...owned } as Record<string, unknown>;
        if (!adopted) {
          // A merge patch replaces lists whole: keep the owner references already there, and
          // send the resourceVersion they were read at, so a concurrent change is a conflict
          // (the step fails and is retried) instead of being overwritten.
          patch.metadata = {
            ...(patch.metadata as object | undefined),
            ownerReferences: [...(actual.metadata?.ownerReferences ?? []), ref],
            resourceVersion: (actual.metadata as { resourceVersion?: string } | undefined)
              ?.resourceVersion,
          };
        }
        await view.patchRaw(childNameValue, patch as JSONValue, {
          type: "merge",
          fieldManager: manager,
          abortSignal: context.signal,
        });
      }
      const what = adopted ? "repaired drift in" : "adopted";
      record("Updated", "Update", `${what} ${token.kind} ${childNameValue}`, actual);
      return modified({ message: `${what} ${token.kind} ${childNameValue}` });
    },
  };
}
