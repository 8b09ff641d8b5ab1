// Which informer can see a written object, and waiting until those informers observed a Run's
// writes: shared by read-your-own-writes and the controller.

import { compareResourceVersions } from "../client/resource_version.ts";
import type { Informer } from "./cache.ts";
import type { InformerLookup } from "./read_your_writes.ts";
import type { RecordedWrite } from "./write_record.ts";

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

/** Whether `informer` has observed `version` (false when the versions are not comparable). */
export function observed(informer: Informer<unknown>, version: string): boolean {
  try {
    return informer.hasObserved(version);
  } catch {
    return false;
  }
}

/**
 * Waits until every informer that can see a write in `writes` has observed the newest
 * resourceVersion written to it, at most `timeoutMs` (or until `signal` aborts; never
 * throws).
 *
 * @returns The writes whose resourceVersion is not comparable (a server before KEP-5504):
 * not waited for.
 */
export async function awaitObserved(
  writes: readonly RecordedWrite[],
  informerFor: InformerLookup,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<RecordedWrite[]> {
  // The newest version written per informer is the only one to wait for.
  const newest = new Map<Informer<unknown>, string>();
  const unwaitable: RecordedWrite[] = [];
  for (const write of writes) {
    if (!write.apiVersion || !write.kind || !write.resourceVersion) continue;
    const informer = covering(informerFor(write.apiVersion, write.kind), write.namespace);
    if (informer === undefined) continue;
    const known = newest.get(informer);
    try {
      if (known === undefined || compareResourceVersions(write.resourceVersion, known) > 0) {
        newest.set(informer, write.resourceVersion);
      }
    } catch {
      unwaitable.push(write);
    }
  }
  const pending = [...newest].filter(([informer, version]) => !observed(informer, version));
  if (pending.length > 0) {
    const timeout = AbortSignal.timeout(Math.max(0, timeoutMs));
    const until = signal ? AbortSignal.any([signal, timeout]) : timeout;
    await Promise.all(
      pending.map(([informer, version]) =>
        informer.waitUntilObserved(version, until).catch(() => {})
      ),
    );
  }
  return unwaitable;
}
