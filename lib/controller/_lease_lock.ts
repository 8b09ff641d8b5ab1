/**
 * The Lease record behind leader election: reads, creates, takes over or renews, and releases
 * it, and remembers when (on this process's monotonic clock) it last saw the record change.
 *
 * Every write carries the `resourceVersion` read just before, so two candidates can never both
 * win the same Lease: the loser's write fails with a conflict, reported as `false`.
 *
 * @module
 */

import { type Lease, Leases, type LeaseSpec } from "../apis/coordination.k8s.io/v1/mod.ts";
import { isAlreadyExists, isConflict, isNotFound } from "../client/api_error.ts";
import type { RestClient } from "../client/contract.ts";
import { ResourceClient } from "../client/resource_client.ts";

const now = (): number => performance.now();

/** A `MicroTime` (RFC 3339 with exactly six fractional digits) for `date`. */
function microTime(date: Date = new Date()): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

/** What a {@linkcode LeaseLock} needs to know. */
export interface LeaseLockOptions {
  client: RestClient;
  name: string;
  namespace: string;
  /** The identity written as holder. */
  identity: string;
  /** Written to the Lease rounded up to whole seconds. */
  leaseDurationMs: number;
  /** Called with every version of the Lease read or written. */
  onObserve: (lease: Lease) => void;
}

/** One Lease as one candidate sees and writes it. */
export class LeaseLock {
  readonly #leases: ResourceClient<Lease>;
  readonly #options: LeaseLockOptions;
  /** The Lease as last read or written, and when (local monotonic clock) it last changed. */
  #observed?: Lease;
  #observedAt = 0;

  constructor(options: LeaseLockOptions) {
    this.#options = options;
    this.#leases = new ResourceClient(options.client, Leases).namespace(options.namespace);
  }

  /** The Lease as last read or written (`undefined` before the first answer). */
  get observed(): Lease | undefined {
    return this.#observed;
  }

  /** Forgets the observed Lease: a record seen earlier says nothing about how long it is unchanged now. */
  forget(): void {
    this.#observed = undefined;
  }

  /** Reads the Lease; `undefined` when it does not exist. */
  async read(abortSignal: AbortSignal): Promise<Lease | undefined> {
    let current: Lease | undefined;
    try {
      current = await this.#leases.get(this.#options.name, { abortSignal });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    if (current !== undefined) this.#observe(current);
    return current;
  }

  /** Creates the Lease held by this candidate; `false` when another candidate created it first. */
  async create(abortSignal: AbortSignal): Promise<boolean> {
    const stamp = microTime();
    try {
      const created = await this.#leases.create({
        apiVersion: "coordination.k8s.io/v1",
        kind: "Lease",
        metadata: { name: this.#options.name, namespace: this.#options.namespace },
        spec: {
          holderIdentity: this.#options.identity,
          leaseDurationSeconds: this.#seconds(),
          acquireTime: stamp,
          renewTime: stamp,
          leaseTransitions: 0,
        },
      }, { abortSignal });
      this.#observe(created);
      return true;
    } catch (error) {
      if (isAlreadyExists(error)) return false;
      throw error;
    }
  }

  /**
   * Writes `current` (as just read) with this candidate as holder: a renewal when it already
   * holds it, else a takeover. `false` when the Lease was written since the read.
   */
  async write(current: Lease, abortSignal: AbortSignal): Promise<boolean> {
    const stamp = microTime();
    const spec: LeaseSpec = {
      ...current.spec,
      holderIdentity: this.#options.identity,
      leaseDurationSeconds: this.#seconds(),
      renewTime: stamp,
    };
    if ((current.spec?.holderIdentity || undefined) !== this.#options.identity) {
      spec.acquireTime = stamp;
      spec.leaseTransitions = (current.spec?.leaseTransitions ?? 0) + 1;
    }
    try {
      // `current` carries its resourceVersion: a write since the read makes this a conflict.
      this.#observe(
        await this.#leases.replace(this.#options.name, { ...current, spec }, { abortSignal }),
      );
      return true;
    } catch (error) {
      if (isConflict(error)) return false; // lost a race; the next attempt reads again
      throw error;
    }
  }

  /** Whether `lease` is within its duration, counted from when this process saw it change. */
  unexpired(lease: Lease): boolean {
    const seconds = lease.spec?.leaseDurationSeconds;
    const durationMs = typeof seconds === "number" && seconds > 0
      ? seconds * 1000
      : this.#options.leaseDurationMs;
    return now() < this.#observedAt + durationMs;
  }

  /** Whether the observed Lease names this candidate as holder. */
  get held(): boolean {
    return this.#observed?.spec?.holderIdentity === this.#options.identity;
  }

  /**
   * Clears the holder of the observed Lease and sets a one-second duration, so a follower
   * takes over at its next attempt. `false` when someone else wrote it since: nothing left to
   * release.
   */
  async release(abortSignal: AbortSignal): Promise<boolean> {
    const lease = this.#observed;
    if (lease === undefined) return false;
    const stamp = microTime();
    const spec: LeaseSpec = {
      ...lease.spec,
      holderIdentity: undefined,
      leaseDurationSeconds: 1,
      acquireTime: stamp,
      renewTime: stamp,
    };
    try {
      this.#observe(
        await this.#leases.replace(this.#options.name, { ...lease, spec }, { abortSignal }),
      );
      return true;
    } catch (error) {
      if (isConflict(error)) return false;
      throw error;
    }
  }

  #seconds(): number {
    return Math.ceil(this.#options.leaseDurationMs / 1000);
  }

  /** Records the Lease; its change time is when this process first sees a new version. */
  #observe(lease: Lease): void {
    if (lease.metadata?.resourceVersion !== this.#observed?.metadata?.resourceVersion) {
      this.#observedAt = now();
    }
    this.#observed = lease;
    this.#options.onObserve(lease);
  }
}
