/**
 * Leader election on a `coordination.k8s.io/v1` Lease, with the protocol and defaults of
 * client-go's `leaderelection` package (15 s lease, 10 s renew deadline, 2 s retry period).
 *
 * Safety rests on two local clocks, never on comparing wall clocks across machines:
 * - a candidate treats the Lease as expired only when its record has not changed for the
 *   record's `leaseDurationSeconds`, counted from the moment **this process** saw it change;
 * - the leader ends its term (aborts the term's signal) when no renewal has succeeded within
 *   `renewDeadlineMs` of the start of the last successful attempt. As `renewDeadlineMs <
 *   leaseDurationMs`, the old term is over before anyone may take the Lease over.
 *
 * Every write carries the `resourceVersion` read just before, so two candidates can never both
 * win the same Lease: the loser's write fails with a conflict, which is a lost race, not an error.
 *
 * @module
 */

import type { Lease, LeaseSpec } from "../apis/coordination.k8s.io/v1/mod.ts";
import { isAlreadyExists, isConflict, isNotFound } from "../client/api_error.ts";
import type { RestClient } from "../client/contract.ts";
import { ResourceClient } from "../client/resource_client.ts";
import { resourceType } from "../client/resource_type.ts";
import { sleep } from "../client/sleep.ts";
import { defaultLogger, type Logger } from "../steps/logger.ts";

// Until the generated `Leases` token lands, the one place the Lease kind is named.
const Leases = resourceType<Lease>()({
  group: "coordination.k8s.io",
  version: "v1",
  kind: "Lease",
  plural: "leases",
  namespaced: true,
});

/** client-go's rule: the renew deadline must leave room for jittered retries. */
const JITTER_FACTOR = 1.2;
/** Followers wait `retryPeriodMs × (1 + random × FOLLOWER_JITTER)` between attempts. */
const FOLLOWER_JITTER = 0.2;

const now = (): number => performance.now();

/**
 * Options of {@linkcode LeaderElector}.
 *
 * @example
 * ```ts
 * import type { LeaderElectorOptions } from "@staircase/staircase/controller";
 * import type { RestClient } from "@staircase/staircase/client";
 *
 * function electionOptions(client: RestClient): LeaderElectorOptions {
 *   return {
 *     client,
 *     name: "greeting-operator",
 *     namespace: Deno.env.get("POD_NAMESPACE") ?? "default",
 *     onStartedLeading: (term) => term.addEventListener("abort", () => console.log("lost it")),
 *   };
 * }
 * console.log(typeof electionOptions);
 * ```
 */
export interface LeaderElectorOptions {
  /** The client that reads and writes the Lease. */
  client: RestClient;
  /** The Lease's name (a DNS subdomain); every replica of one operator uses the same. */
  name: string;
  /** The Lease's namespace, usually the operator's own. */
  namespace: string;
  /**
   * This candidate's identity, written to `spec.holderIdentity`; unique per process.
   *
   * @default {"<hostname>_<8 random hex digits>"} (the hostname when `--allow-sys=hostname` is
   * granted, else env `HOSTNAME` when readable, else `staircase`)
   */
  identity?: string;
  /**
   * How long a candidate waits after the Lease last changed before taking it over. Written to
   * the Lease rounded up to whole seconds (its field counts seconds), and candidates use the
   * value written there.
   *
   * @default {15000}
   */
  leaseDurationMs?: number;
  /**
   * How long the leader keeps leading without a successful renewal; must be below
   * `leaseDurationMs`.
   *
   * @default {10000}
   */
  renewDeadlineMs?: number;
  /**
   * The wait between attempts to acquire or renew; must be below `renewDeadlineMs / 1.2`.
   * Followers add up to 20 % random jitter so candidates do not retry in lockstep.
   *
   * @default {2000}
   */
  retryPeriodMs?: number;
  /**
   * Whether {@linkcode LeaderElector.run} releases the Lease when it stops while leading, so
   * that a follower takes over at its next attempt instead of after `leaseDurationMs`.
   *
   * @default {true}
   */
  releaseOnStop?: boolean;
  /**
   * Called when a term starts, with the signal that aborts when it ends. Errors it throws are
   * logged and ignored.
   */
  onStartedLeading?: (term: AbortSignal) => void;
  /** Called when a term ends, with the reason (also the term signal's `reason`). */
  onStoppedLeading?: (reason: LeadershipEndedError) => void;
  /** Called when the observed holder of the Lease changes (`undefined`: nobody holds it). */
  onNewLeader?: (identity: string | undefined) => void;
  /**
   * Where to log term changes and failed attempts.
   *
   * @default {defaultLogger(["leader-election"])}
   */
  logger?: Logger;
}

/**
 * Where an elector stands: not running, running but without any answer from the server yet,
 * leading, or following (someone else holds the Lease, or it could not be renewed in time).
 *
 * @example
 * ```ts
 * import type { LeaderElectionState } from "@staircase/staircase/controller";
 *
 * const known = (state: LeaderElectionState) => state === "leader" || state === "follower";
 * console.log(known("unknown")); // false
 * ```
 */
export type LeaderElectionState = "stopped" | "unknown" | "leader" | "follower";

/**
 * Why a term ended:
 * - `"taken"`: another candidate holds the Lease (it expired, or someone overwrote it);
 * - `"renew-deadline"`: no renewal succeeded within `renewDeadlineMs`;
 * - `"stopped"`: {@linkcode LeaderElector.run} was asked to stop.
 *
 * @example
 * ```ts
 * import type { LeadershipEndReason } from "@staircase/staircase/controller";
 *
 * const reason: LeadershipEndReason = "renew-deadline";
 * console.log(reason);
 * ```
 */
export type LeadershipEndReason = "taken" | "renew-deadline" | "stopped";

/**
 * The reason a term's signal carries when the term ends.
 *
 * @example
 * ```ts
 * import { LeadershipEndedError } from "@staircase/staircase/controller";
 *
 * const error = new LeadershipEndedError("taken", "pod-a_1234abcd");
 * console.log(error.name, error.reason, error.message);
 * ```
 */
export class LeadershipEndedError extends Error {
  /** Why the term ended. */
  readonly reason: LeadershipEndReason;
  /** The identity whose term ended. */
  readonly identity: string;

  /** Creates the error. */
  constructor(reason: LeadershipEndReason, identity: string) {
    const why = {
      taken: "another candidate holds the lease",
      "renew-deadline": "the lease could not be renewed within the renew deadline",
      stopped: "leader election was stopped",
    }[reason];
    super(`leadership of ${identity} ended: ${why}`);
    this.name = "LeadershipEndedError";
    this.reason = reason;
    this.identity = identity;
  }
}

/**
 * {@linkcode LeaderElectorOptions} that cannot work, e.g. a renew deadline not below the lease
 * duration.
 *
 * @example
 * ```ts
 * import { LeaderElectionOptionsError } from "@staircase/staircase/controller";
 *
 * const error = new LeaderElectionOptionsError("leaseDurationMs must be greater than renewDeadlineMs");
 * console.log(error instanceof TypeError, error.message);
 * ```
 */
export class LeaderElectionOptionsError extends TypeError {
  /** Creates the error. */
  constructor(problem: string) {
    super(`invalid leader election options: ${problem}`);
    this.name = "LeaderElectionOptionsError";
  }
}

/**
 * {@linkcode LeaderElector.run} was called while the elector was already running.
 *
 * @example
 * ```ts
 * import { LeaderElectorRunningError } from "@staircase/staircase/controller";
 *
 * console.log(new LeaderElectorRunningError("pod-a_1234abcd").message);
 * ```
 */
export class LeaderElectorRunningError extends Error {
  /** Creates the error. */
  constructor(identity: string) {
    super(`leader elector ${identity} is already running`);
    this.name = "LeaderElectorRunningError";
  }
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function positiveMs(value: unknown, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new LeaderElectionOptionsError(
      `${field} must be a positive number of milliseconds, got ${String(value)}`,
    );
  }
  return value;
}

function readHostname(): string {
  // querySync never prompts: an operator must not stop to ask for a permission.
  try {
    if (Deno.permissions.querySync({ name: "sys", kind: "hostname" }).state === "granted") {
      return Deno.hostname();
    }
  } catch { /* not available here: try the environment */ }
  try {
    if (Deno.permissions.querySync({ name: "env", variable: "HOSTNAME" }).state === "granted") {
      const fromEnv = Deno.env.get("HOSTNAME");
      if (fromEnv) return fromEnv;
    }
  } catch { /* fall through */ }
  return "staircase";
}

/**
 * The default identity: the hostname (the pod name in a pod) and 8 random hex digits, so two
 * processes on one host never share an identity.
 *
 * @returns `<hostname>_<8 hex digits>`.
 *
 * @example
 * ```ts
 * import { defaultLeaderIdentity } from "@staircase/staircase/controller";
 *
 * console.log(defaultLeaderIdentity()); // e.g. greeting-operator-7d9f8-x2x4q_3f2a9c1e
 * ```
 */
export function defaultLeaderIdentity(): string {
  return `${readHostname()}_${crypto.randomUUID().slice(0, 8)}`;
}

/** A `MicroTime` (RFC 3339 with exactly six fractional digits) for `date`. */
function microTime(date: Date = new Date()): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

/**
 * Campaigns for leadership of one Lease and keeps it renewed; tells the caller when each term
 * starts and hands out a signal that aborts the moment the term ends.
 *
 * A follower reads the Lease every `retryPeriodMs` (plus jitter) and takes it over when it is
 * free (no holder, e.g. released) or expired (unchanged for the record's lease duration since
 * this process saw it change). The leader renews every `retryPeriodMs`; its term ends when
 * another holder appears, when no renewal succeeded within `renewDeadlineMs`, or when
 * {@linkcode LeaderElector.run} stops. After a term ends the elector keeps campaigning until
 * `run`'s signal aborts. API errors are logged and retried; they never end `run`.
 *
 * As with client-go, do not delete a Lease that is held: a follower then finds it missing,
 * creates it and leads at once, while the old leader notices only at its next renewal (within
 * `retryPeriodMs`).
 *
 * @example Running work only while leading
 * ```ts ignore
 * import { LeaderElector } from "@staircase/staircase/controller";
 * import { autoDetectClient } from "@staircase/staircase/client";
 *
 * const client = await autoDetectClient();
 * const elector = new LeaderElector({ client, name: "greeting-operator", namespace: "default" });
 * const stop = new AbortController();
 * const campaign = elector.run(stop.signal);
 * const term = await elector.leading(stop.signal); // resolves when this process leads
 * term.addEventListener("abort", () => console.log("no longer leader:", term.reason.message));
 * // ... do the leader's work with `term` as its abort signal, then:
 * stop.abort();
 * await campaign; // released: a follower takes over at its next attempt
 * ```
 */
export class LeaderElector {
  /** This candidate's identity. */
  readonly identity: string;
  /** The Lease's name. */
  readonly name: string;
  /** The Lease's namespace. */
  readonly namespace: string;
  /** The lease duration in use. */
  readonly leaseDurationMs: number;
  /** The renew deadline in use. */
  readonly renewDeadlineMs: number;
  /** The retry period in use. */
  readonly retryPeriodMs: number;

  readonly #leases: ResourceClient<Lease>;
  readonly #options: LeaderElectorOptions;
  readonly #log: Logger;
  readonly #waiters = new Set<(term: AbortSignal) => void>();
  readonly #knownWaiters = new Set<(state: "leader" | "follower") => void>();
  #running = false;
  /** The Lease as last read or written, and when (local monotonic clock) it last changed. */
  #observed?: Lease;
  #observedAt = 0;
  #leader?: string;
  #term?: AbortController;
  /** Start of the last successful acquire or renew attempt (local monotonic clock). */
  #renewedAt = 0;
  #deadlineTimer?: ReturnType<typeof setTimeout>;
  #failures = 0;

  /**
   * Creates an elector; nothing happens until {@linkcode LeaderElector.run}.
   *
   * @throws {LeaderElectionOptionsError} If an option is missing or the durations do not fit
   * together (`leaseDurationMs > renewDeadlineMs > 1.2 × retryPeriodMs`).
   */
  constructor(options: LeaderElectorOptions) {
    if (typeof options?.client?.performRequest !== "function") {
      throw new LeaderElectionOptionsError("client must be a RestClient");
    }
    if (
      typeof options.name !== "string" || options.name.length > 253 ||
      !DNS_SUBDOMAIN.test(options.name)
    ) {
      throw new LeaderElectionOptionsError(
        `name must be a DNS subdomain (a Lease name), got ${JSON.stringify(options.name)}`,
      );
    }
    if (
      typeof options.namespace !== "string" || options.namespace.length > 63 ||
      !DNS_LABEL.test(options.namespace)
    ) {
      throw new LeaderElectionOptionsError(
        `namespace must be a DNS label, got ${JSON.stringify(options.namespace)}`,
      );
    }
    if (
      options.identity !== undefined &&
      (typeof options.identity !== "string" || options.identity.trim() === "")
    ) {
      throw new LeaderElectionOptionsError("identity must be a non-empty string");
    }
    this.leaseDurationMs = positiveMs(options.leaseDurationMs, "leaseDurationMs", 15_000);
    this.renewDeadlineMs = positiveMs(options.renewDeadlineMs, "renewDeadlineMs", 10_000);
    this.retryPeriodMs = positiveMs(options.retryPeriodMs, "retryPeriodMs", 2_000);
    if (this.leaseDurationMs <= this.renewDeadlineMs) {
      throw new LeaderElectionOptionsError(
        `leaseDurationMs (${this.leaseDurationMs}) must be greater than renewDeadlineMs ` +
          `(${this.renewDeadlineMs})`,
      );
    }
    if (this.renewDeadlineMs <= JITTER_FACTOR * this.retryPeriodMs) {
      throw new LeaderElectionOptionsError(
        `renewDeadlineMs (${this.renewDeadlineMs}) must be greater than ${JITTER_FACTOR} × ` +
          `retryPeriodMs (${this.retryPeriodMs})`,
      );
    }
    if (Math.ceil(this.leaseDurationMs / 1000) > 2 ** 31 - 1) {
      throw new LeaderElectionOptionsError("leaseDurationMs is too large for a Lease");
    }
    this.identity = options.identity ?? defaultLeaderIdentity();
    this.name = options.name;
    this.namespace = options.namespace;
    this.#options = options;
    this.#log = options.logger ?? defaultLogger(["leader-election"]);
    this.#leases = new ResourceClient(options.client, Leases).namespace(options.namespace);
  }

  /**
   * Whether this process leads right now: a term is open and its renew deadline has not
   * passed (checked against the clock, so it turns `false` even before a late timer fires).
   */
  get isLeader(): boolean {
    return this.#term !== undefined && now() - this.#renewedAt < this.renewDeadlineMs;
  }

  /** The holder of the Lease as last observed (`undefined` when nobody holds it or unknown). */
  get leader(): string | undefined {
    return this.#leader;
  }

  /**
   * Where this elector stands: `"stopped"` outside {@linkcode LeaderElector.run}, `"unknown"`
   * until the Lease has been read or written once, then `"leader"` or `"follower"`. Leadership
   * is *known* in the last two.
   */
  get state(): LeaderElectionState {
    if (!this.#running) return "stopped";
    if (this.isLeader) return "leader";
    return this.#observed === undefined ? "unknown" : "follower";
  }

  /**
   * Waits until this process leads and returns the current term's signal, which aborts (with a
   * {@linkcode LeadershipEndedError}) the moment the term ends. Resolves at once while
   * leading. Waits across stops and restarts of {@linkcode LeaderElector.run}: pass `signal`
   * to give up.
   *
   * @param signal Gives up waiting; the promise rejects with its reason.
   * @returns The term's signal.
   */
  leading(signal?: AbortSignal): Promise<AbortSignal> {
    if (this.#term && this.isLeader) return Promise.resolve(this.#term.signal);
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        this.#waiters.delete(waiter);
        reject(signal?.reason);
      };
      const waiter = (term: AbortSignal): void => {
        signal?.removeEventListener("abort", onAbort);
        resolve(term);
      };
      this.#waiters.add(waiter);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /**
   * Waits until leadership is *known*: this process has read or written the Lease since
   * {@linkcode LeaderElector.run} started, so it is the leader or a follower (what a readiness
   * check waits for). Resolves at once when it is already known.
   *
   * @param signal Gives up waiting; the promise rejects with its reason.
   * @returns The state at that moment, `"leader"` or `"follower"`.
   *
   * @example
   * ```ts ignore
   * const state = await elector.known(shutdown.signal);
   * console.log(state === "follower" ? `following ${elector.leader}` : "leading");
   * ```
   */
  known(signal?: AbortSignal): Promise<"leader" | "follower"> {
    const state = this.state;
    if (state === "leader" || state === "follower") return Promise.resolve(state);
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        this.#knownWaiters.delete(waiter);
        reject(signal?.reason);
      };
      const waiter = (known: "leader" | "follower"): void => {
        signal?.removeEventListener("abort", onAbort);
        resolve(known);
      };
      this.#knownWaiters.add(waiter);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /**
   * Campaigns until `signal` aborts: acquires the Lease when it is free or expired, renews it
   * while leading, and keeps campaigning after losing it. When `signal` aborts, ends the term
   * (if any) and then, with `releaseOnStop`, releases the Lease (clears the holder and sets a
   * one-second duration) so that a follower takes over at its next attempt.
   *
   * Stop the leader's work before aborting `signal`: the term signal aborts first, then the
   * Lease is released.
   *
   * @param signal Stops the campaign. Without it, `run` never returns.
   * @returns Resolves after the term ended and the Lease was released (release failures are
   * logged, not thrown).
   * @throws {LeaderElectorRunningError} If this elector is already running.
   */
  async run(signal?: AbortSignal): Promise<void> {
    if (this.#running) throw new LeaderElectorRunningError(this.identity);
    this.#running = true;
    // A record seen in an earlier run says nothing about how long it has been unchanged now.
    this.#observed = undefined;
    this.#failures = 0;
    try {
      while (!signal?.aborted) {
        await this.#attempt(signal);
        const wait = this.isLeader
          ? this.retryPeriodMs
          : this.retryPeriodMs * (1 + Math.random() * FOLLOWER_JITTER);
        try {
          await sleep(wait, signal);
        } catch {
          break; // aborted
        }
      }
    } finally {
      this.#endTerm("stopped");
      if (this.#options.releaseOnStop ?? true) await this.#release();
      this.#running = false;
    }
  }

  /** One acquire-or-renew attempt; errors are logged, never thrown. */
  async #attempt(signal: AbortSignal | undefined): Promise<void> {
    const startedAt = now();
    // A leader's requests may not outlive its deadline; a follower's get the renew deadline.
    const budget = this.#term
      ? Math.max(1, this.#renewedAt + this.renewDeadlineMs - startedAt)
      : this.renewDeadlineMs;
    const request = new AbortController();
    const timer = setTimeout(
      () => request.abort(new Error(`lease request timed out after ${Math.round(budget)} ms`)),
      budget,
    );
    const onAbort = (): void => request.abort(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      if (await this.#tryAcquireOrRenew(request.signal)) this.#renewed(startedAt);
      if (this.#failures > 0) {
        this.#log.info(`lease ${this.namespace}/${this.name} is reachable again`, {
          identity: this.identity,
          failedAttempts: this.#failures,
        });
      }
      this.#failures = 0;
    } catch (error) {
      if (signal?.aborted) return;
      this.#failures++;
      // The first failure of a streak is a warning; the rest would repeat it every retry.
      const log = this.#failures === 1 ? this.#log.warn : this.#log.debug;
      log.call(this.#log, `could not acquire or renew lease ${this.namespace}/${this.name}`, {
        identity: this.identity,
        leading: this.isLeader,
        error: error instanceof Error ? error.message : String(error),
      });
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      const state = this.state;
      if (state === "leader" || state === "follower") {
        const waiters = [...this.#knownWaiters];
        this.#knownWaiters.clear();
        for (const waiter of waiters) waiter(state);
      }
    }
  }

  /** Reads the Lease and writes it if this candidate may hold it; `true` when it holds it. */
  async #tryAcquireOrRenew(abortSignal: AbortSignal): Promise<boolean> {
    let current: Lease | undefined;
    try {
      current = await this.#leases.get(this.name, { abortSignal });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    const stamp = microTime();
    const seconds = Math.ceil(this.leaseDurationMs / 1000);
    if (current === undefined) {
      try {
        const created = await this.#leases.create({
          apiVersion: Leases.apiVersion,
          kind: Leases.kind,
          metadata: { name: this.name, namespace: this.namespace },
          spec: {
            holderIdentity: this.identity,
            leaseDurationSeconds: seconds,
            acquireTime: stamp,
            renewTime: stamp,
            leaseTransitions: 0,
          },
        }, { abortSignal });
        this.#observe(created);
        return true;
      } catch (error) {
        if (isAlreadyExists(error)) return false; // another candidate created it first
        throw error;
      }
    }
    this.#observe(current);
    const holder = current.spec?.holderIdentity || undefined;
    if (holder !== undefined && holder !== this.identity) {
      this.#endTerm("taken");
      if (this.#unexpired(current)) return false;
    }
    const spec: LeaseSpec = {
      ...current.spec,
      holderIdentity: this.identity,
      leaseDurationSeconds: seconds,
      renewTime: stamp,
    };
    if (holder !== this.identity) {
      spec.acquireTime = stamp;
      spec.leaseTransitions = (current.spec?.leaseTransitions ?? 0) + 1;
    }
    try {
      // `current` carries its resourceVersion: a write since the read makes this a conflict.
      this.#observe(await this.#leases.replace(this.name, { ...current, spec }, { abortSignal }));
      return true;
    } catch (error) {
      if (isConflict(error)) return false; // lost a race; the next attempt reads again
      throw error;
    }
  }

  /** Records the Lease; its change time is when this process first sees a new version. */
  #observe(lease: Lease): void {
    if (lease.metadata?.resourceVersion !== this.#observed?.metadata?.resourceVersion) {
      this.#observedAt = now();
    }
    this.#observed = lease;
    const holder = lease.spec?.holderIdentity || undefined;
    if (holder !== this.#leader) {
      this.#leader = holder;
      if (holder !== this.identity) {
        this.#log.info(
          holder === undefined ? `lease ${this.name} has no holder` : `${holder} leads`,
          { identity: this.identity, lease: `${this.namespace}/${this.name}` },
        );
      }
      this.#callback("onNewLeader", () => this.#options.onNewLeader?.(holder));
    }
  }

  /** Whether `lease` is within its duration, counted from when this process saw it change. */
  #unexpired(lease: Lease): boolean {
    const seconds = lease.spec?.leaseDurationSeconds;
    const durationMs = typeof seconds === "number" && seconds > 0
      ? seconds * 1000
      : this.leaseDurationMs;
    return now() < this.#observedAt + durationMs;
  }

  /** A successful attempt that started at `startedAt`: open a term or extend it. */
  #renewed(startedAt: number): void {
    const left = startedAt + this.renewDeadlineMs - now();
    if (left <= 0) {
      // Too slow to count: the deadline of this attempt is already over.
      this.#endTerm("renew-deadline");
      return;
    }
    this.#renewedAt = startedAt;
    clearTimeout(this.#deadlineTimer);
    this.#deadlineTimer = setTimeout(() => this.#endTerm("renew-deadline"), left);
    if (this.#term) return;
    const term = new AbortController();
    this.#term = term;
    this.#log.info(`${this.identity} leads`, { lease: `${this.namespace}/${this.name}` });
    this.#callback("onStartedLeading", () => this.#options.onStartedLeading?.(term.signal));
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const waiter of waiters) waiter(term.signal);
  }

  /** Ends the current term, if any: aborts its signal, then tells `onStoppedLeading`. */
  #endTerm(reason: LeadershipEndReason): void {
    const term = this.#term;
    if (!term) return;
    this.#term = undefined;
    clearTimeout(this.#deadlineTimer);
    this.#deadlineTimer = undefined;
    const error = new LeadershipEndedError(reason, this.identity);
    this.#log.info(error.message, { lease: `${this.namespace}/${this.name}`, reason });
    term.abort(error);
    this.#callback("onStoppedLeading", () => this.#options.onStoppedLeading?.(error));
  }

  /** Gives the Lease up if this candidate holds it, so a follower need not wait for expiry. */
  async #release(): Promise<void> {
    const lease = this.#observed;
    if (lease?.spec?.holderIdentity !== this.identity) return;
    const stamp = microTime();
    const spec: LeaseSpec = {
      ...lease.spec,
      holderIdentity: undefined,
      leaseDurationSeconds: 1,
      acquireTime: stamp,
      renewTime: stamp,
    };
    const request = new AbortController();
    const timer = setTimeout(
      () => request.abort(new Error("lease release timed out")),
      this.renewDeadlineMs,
    );
    try {
      this.#observe(
        await this.#leases.replace(this.name, { ...lease, spec }, {
          abortSignal: request.signal,
        }),
      );
      this.#log.info(`${this.identity} released lease ${this.namespace}/${this.name}`);
    } catch (error) {
      // A conflict means someone else wrote it since: nothing left to release.
      if (isConflict(error)) return;
      this.#log.warn(`could not release lease ${this.namespace}/${this.name}`, {
        identity: this.identity,
        error: error instanceof Error ? error.message : String(error),
      });
    } finally {
      clearTimeout(timer);
    }
  }

  #callback(name: string, call: () => void): void {
    try {
      call();
    } catch (error) {
      this.#log.error(`${name} callback threw`, {
        identity: this.identity,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}
