// Internal: deep freezing of the resource a Run reads.

// Roots frozen by us: a resource object handed to many Runs (e.g. from a cache) is walked once.
const frozenRoots = new WeakSet<object>();

/**
 * Freezes `value` and everything reachable through its own enumerable properties, in place.
 * Sub-objects that are already frozen are taken as deeply frozen (this also stops cycles).
 * Typed arrays cannot be frozen and are left alone.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== "object" || value === null) return value;
  if (frozenRoots.has(value)) return value;
  freezeTree(value);
  frozenRoots.add(value);
  return value;
}

function freezeTree(node: object): void {
  if (ArrayBuffer.isView(node)) return;
  Object.freeze(node);
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) visit(node[i]);
    return;
  }
  const record = node as Record<string, unknown>;
  for (const key in record) {
    if (Object.hasOwn(record, key)) visit(record[key]);
  }
}

function visit(child: unknown): void {
  if (typeof child === "object" && child !== null && !Object.isFrozen(child)) freezeTree(child);
}
