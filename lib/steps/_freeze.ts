// Internal: deep freezing of the resource a Run reads.

// Roots frozen by us: a resource object handed to many Runs (e.g. from a cache) is walked once.
// (Only roots: a WeakSet entry per node would cost more than the freezing itself.)
const frozenRoots = new WeakSet<object>();

/**
 * Freezes `value` and everything reachable through its own enumerable properties, in place.
 * Sub-objects someone else froze (perhaps only shallowly) are walked too, so a partly frozen
 * resource still ends up deeply frozen. Iterative, so deep nesting cannot overflow the stack;
 * cycles end the walk. Typed arrays cannot be frozen and are left alone.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== "object" || value === null || frozenRoots.has(value)) return value;
  const walk = new Walk();
  walk.add(value);
  walk.run();
  frozenRoots.add(value);
  return value;
}

class Walk {
  readonly pending: object[] = [];
  /** Nodes found frozen on arrival and queued: each is walked at most once more. */
  seen: Set<object> | undefined = undefined;

  /** Freezes `child` (if it is an object) and queues it, unless already queued. */
  add(child: unknown): void {
    if (typeof child !== "object" || child === null || ArrayBuffer.isView(child)) return;
    if (Object.isFrozen(child)) {
      // Frozen by someone else, or queued earlier in this walk (a cycle or a shared node).
      const seen = this.seen ??= new Set();
      if (seen.has(child)) return;
      seen.add(child);
    } else {
      // Frozen before it is queued: meeting it again (cycle, shared node) takes the branch above.
      Object.freeze(child);
    }
    this.pending.push(child);
  }

  run(): void {
    const pending = this.pending;
    let node: object | undefined;
    while ((node = pending.pop()) !== undefined) {
      if (Array.isArray(node)) {
        for (let i = 0; i < node.length; i++) this.add(node[i]);
      } else {
        const record = node as Record<string, unknown>;
        for (const key in record) if (Object.hasOwn(record, key)) this.add(record[key]);
      }
    }
  }
}
