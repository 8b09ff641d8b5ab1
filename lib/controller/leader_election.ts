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

import type { Lease } from "../apis/coordination.k8s.io/v1/mod.ts";
import { sleep } from "../client/sleep.ts";
import { defaultLogger, type Logger } from "../steps/logger.ts";
import { electorSettings } from "./_elector_settings.ts";
import { LeaseLock } from "./_lease_lock.ts";
import type { LeaderElectorOptions } from "./leader_election_options.ts";
import {
  LeaderElectorRunningError,
  LeadershipEndedError,
  type LeadershipEndReason,
} from "./leader_election_errors.ts";

/** Followers wait `retryPeriodMs × (1 + random × FOLLOWER_JITTER)` between attempts. */
const FOLLOWER_JITTER = 0.2;

const now = (): number => performance.now();

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
 * ```ts
 * import { LeaderElector } from "@staircase/staircase/controller";
 * import { autoDetectClient } from "@staircase/staircase/client";
 *
 * async function whileLeading(work: (term: AbortSignal) => Promise<void>): Promise<void> {
 *   const client = await autoDetectClient();
 *   const elector = new LeaderElector({ client, name: "greeting-operator", namespace: "default" });
 *   const stop = new AbortController();
 *   const campaign = elector.run(stop.signal);
 *   const term = await elector.leading(stop.signal); // resolves when this process leads
 *   term.addEventListener("abort", () => console.log("no longer leader:", term.reason.message));
 *   await work(term); // the leader's work, with the term as its abort signal
 *   stop.abort();
 *   await campaign; // released: a follower takes over at its next attempt
 * }
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

  readonly #lock: LeaseLock;
  readonly #options: LeaderElectorOptions;
  readonly #log: Logger;
  readonly #waiters = new Set<(term: AbortSignal) => void>();
  readonly #knownWaiters = new Set<(state: "leader" | "follower") => void>();
  #running = false;
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
    const settings = electorSettings(options);
    this.identity = settings.identity;
    this.name = settings.name;
    this.namespace = settings.namespace;
    this.leaseDurationMs = settings.leaseDurationMs;
    this.renewDeadlineMs = settings.renewDeadlineMs;
    this.retryPeriodMs = settings.retryPeriodMs;
    this.#options = options;
    this.#log = options.logger ?? defaultLogger(["leader-election"]);
    this.#lock = new LeaseLock({
      ...settings,
      client: options.client,
      onObserve: (lease) => this.#observe(lease),
    });
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
    return this.#lock.observed === undefined ? "unknown" : "follower";
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
   * ```ts
   * import type { LeaderElector } from "@staircase/staircase/controller";
   *
   * // For a startup log line: who leads, once the first attempt settled it.
   * async function describeLeadership(elector: LeaderElector, signal: AbortSignal): Promise<string> {
   *   const state = await elector.known(signal);
   *   return state === "follower" ? `following ${elector.leader}` : "leading";
   * }
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
    this.#lock.forget();
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
    const current = await this.#lock.read(abortSignal);
    if (current === undefined) return await this.#lock.create(abortSignal);
    const holder = current.spec?.holderIdentity || undefined;
    if (holder !== undefined && holder !== this.identity) {
      this.#endTerm("taken");
      if (this.#lock.unexpired(current)) return false;
    }
    return await this.#lock.write(current, abortSignal);
  }

  /** Follows the holder of each version of the Lease read or written. */
  #observe(lease: Lease): void {
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
    if (!this.#lock.held) return;
    const request = new AbortController();
    const timer = setTimeout(
      () => request.abort(new Error("lease release timed out")),
      this.renewDeadlineMs,
    );
    try {
      // `false`: someone else wrote it since, so nothing is left to release.
      if (await this.#lock.release(request.signal)) {
        this.#log.info(`${this.identity} released lease ${this.namespace}/${this.name}`);
      }
    } catch (error) {
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
