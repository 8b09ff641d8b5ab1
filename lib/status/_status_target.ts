// The object a status writer writes to: shared by MergePatchStatusWriter and ApplyStatusWriter.

import type { ResourceType } from "../client/resource_type.ts";

/**
 * The name and (for a namespaced kind) the namespace of `resource`, checked.
 *
 * @param verb What the writer does, for the error message ("write", "apply").
 * @throws {TypeError} If the name, or for a namespaced kind the namespace, is missing.
 */
export function statusTarget(
  resource: { readonly metadata?: { readonly name?: string; readonly namespace?: string } },
  resourceType: ResourceType<unknown, boolean>,
  verb: string,
): { name: string; namespace: string | undefined } {
  const name = resource?.metadata?.name;
  if (typeof name !== "string" || name === "") {
    throw new TypeError(`cannot ${verb} status: the resource has no metadata.name`);
  }
  if (!resourceType.namespaced) return { name, namespace: undefined };
  const namespace = resource.metadata?.namespace;
  if (typeof namespace !== "string" || namespace === "") {
    throw new TypeError(
      `cannot ${verb} status: ${resourceType.kind} is namespaced and the resource has no metadata.namespace`,
    );
  }
  return { name, namespace };
}
