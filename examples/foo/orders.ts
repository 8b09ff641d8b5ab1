/**
 * The external order service a Foo's steps talk to: the {@linkcode OrderService} interface
 * (what the steps depend on) and an in-memory implementation for tests and demos.
 *
 * @module
 */

/** An order as the service knows it. */
export interface Order {
  /** The caller's idempotency key. */
  readonly id: string;
  /** What is ordered. */
  readonly item: string;
  /** How many. */
  readonly quantity: number;
  /** `pending` until the supplier confirms it. */
  readonly state: "pending" | "confirmed";
}

/** The order service's API, as the steps use it. Every call honours `signal`. */
export interface OrderService {
  /** The order with this id, or `undefined` when there is none. */
  find(id: string, signal: AbortSignal): Promise<Order | undefined>;
  /** Places an order (a second order with the same id is refused by the service). */
  place(order: Omit<Order, "state">, signal: AbortSignal): Promise<void>;
  /** Cancels an order; cancelling an unknown id does nothing. */
  cancel(id: string, signal: AbortSignal): Promise<void>;
}

/**
 * An {@linkcode OrderService} in memory. Orders start `pending`; {@linkcode confirm} confirms
 * them (or pass `confirmAtOnce`).
 *
 * @example
 * ```ts
 * import { InMemoryOrders } from "./orders.ts";
 *
 * const orders = new InMemoryOrders({ confirmAtOnce: true });
 * const signal = new AbortController().signal;
 * await orders.place({ id: "o-1", item: "bolts", quantity: 3 }, signal);
 * console.log((await orders.find("o-1", signal))?.state); // confirmed
 * ```
 */
export class InMemoryOrders implements OrderService {
  /** Every call, in order, e.g. `place o-1`. */
  readonly calls: string[] = [];
  readonly #orders = new Map<string, Order>();
  readonly #confirmAtOnce: boolean;

  /** Creates an empty service. */
  constructor(options: { readonly confirmAtOnce?: boolean } = {}) {
    this.#confirmAtOnce = options.confirmAtOnce ?? false;
  }

  /** See {@linkcode OrderService.find}. */
  find(id: string, signal: AbortSignal): Promise<Order | undefined> {
    signal.throwIfAborted();
    this.calls.push(`find ${id}`);
    return Promise.resolve(this.#orders.get(id));
  }

  /** See {@linkcode OrderService.place}. */
  place(order: Omit<Order, "state">, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    this.calls.push(`place ${order.id}`);
    if (this.#orders.has(order.id)) {
      return Promise.reject(new Error(`order ${order.id} exists already`));
    }
    this.#orders.set(order.id, { ...order, state: this.#confirmAtOnce ? "confirmed" : "pending" });
    return Promise.resolve();
  }

  /** See {@linkcode OrderService.cancel}. */
  cancel(id: string, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    this.calls.push(`cancel ${id}`);
    this.#orders.delete(id);
    return Promise.resolve();
  }

  /** The supplier confirms the order `id`. */
  confirm(id: string): void {
    const order = this.#orders.get(id);
    if (order !== undefined) this.#orders.set(id, { ...order, state: "confirmed" });
  }
}
