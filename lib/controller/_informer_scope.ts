// Which informer can see a written object: shared by read-your-own-writes and the controller.

import type { Informer } from "./cache.ts";

/**
 * The informer, if it can ever see an object in `namespace`: one scoped to another namespace
 * would only catch up through bookmarks, so such writes are not waited for.
 */
export function covering(
  informer: Informer<unknown> | undefined,
  namespace: string | undefined,
): Informer<unknown> | undefined {
  const scope = (informer as { options?: { namespace?: string } } | undefined)?.options?.namespace;
  return scope === undefined || namespace === undefined || scope === namespace
    ? informer
    : undefined;
}
