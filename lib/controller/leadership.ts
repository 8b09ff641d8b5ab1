/**
 * The leader-election seam of an `Operator`: what it calls when leadership starts and
 * ends, and the Lease-based election that drives those calls.
 *
 * @module
 */

import type { LeaderElector } from "./leader_election.ts";

/**
 * What a leader election tells the operator.
 *
 * @example
 * ```ts
 * import type { LeadershipCallbacks } from "@staircase/staircase/controller";
 *
 * // What an election calls; the operator passes its own (starting and pausing controllers).
 * const callbacks: LeadershipCallbacks = {
 *   onStartedLeading: () => console.log("leading"),
 *   onStoppedLeading: () => console.log("following"),
 *   onFollowing: (leader) => console.log(`following ${leader}`),
 * };
 * callbacks.onStartedLeading(); // leading
 * callbacks.onFollowing?.("replica-2"); // following replica-2
 * ```
 */
export interface LeadershipCallbacks {
  /** This process holds the lease now. */
  onStartedLeading(): void;
  /** This process lost (or released) the lease. */
  onStoppedLeading(): void;
  /** Another process holds the lease (this one follows). */
  onFollowing?(leader: string | undefined): void;
}

/**
 * A leader election (e.g. on a `coordination.k8s.io/v1` Lease): campaigns until `signal`
 * aborts, then releases what it holds.
 *
 * @example
 * ```ts
 * import type { LeaderElection } from "@staircase/staircase/controller";
 *
 * // A single replica: always the leader, until stopped.
 * const alone: LeaderElection = {
 *   run: async (signal, callbacks) => {
 *     callbacks.onStartedLeading();
 *     await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
 *     callbacks.onStoppedLeading();
 *   },
 * };
 * const stop = new AbortController();
 * const campaign = alone.run(stop.signal, {
 *   onStartedLeading: () => console.log("leading"),
 *   onStoppedLeading: () => console.log("stopped leading"),
 * }); // leading
 * stop.abort();
 * await campaign; // stopped leading
 * ```
 */
export interface LeaderElection {
  /** Campaigns and holds the lease until `signal` aborts; then releases it. */
  run(signal: AbortSignal, callbacks: LeadershipCallbacks): Promise<void>;
}

/**
 * Adapts a Lease {@linkcode LeaderElector} to the operator's {@linkcode LeaderElection}: its
 * terms become started/stopped callbacks, and the first observed other holder makes this
 * process a known follower.
 *
 * @param elector The elector (its own callbacks stay in place).
 * @returns The election.
 *
 * @example
 * ```ts
 * import type { RestClient } from "@staircase/staircase/client";
 * import {
 *   LeaderElector,
 *   leaseElection,
 *   Operator,
 *   SharedInformers,
 * } from "@staircase/staircase/controller";
 *
 * // One replica at a time runs Runs: they take turns on the Lease default/greeting-operator.
 * function operatorFor(client: RestClient): Operator {
 *   const elector = new LeaderElector({ client, name: "greeting-operator", namespace: "default" });
 *   return new Operator({
 *     informers: new SharedInformers(client),
 *     leaderElection: leaseElection(elector),
 *   });
 * }
 * ```
 */
export function leaseElection(elector: LeaderElector): LeaderElection {
  return {
    run: async (signal, callbacks) => {
      const campaign = elector.run(signal);
      const follow = elector.known(signal).then(
        (state) => {
          if (state === "follower") callbacks.onFollowing?.(elector.leader);
        },
        () => {}, // stopped before leadership was known
      );
      const terms = (async () => {
        while (!signal.aborted) {
          let term: AbortSignal;
          try {
            term = await elector.leading(signal);
          } catch {
            return; // stopped
          }
          callbacks.onStartedLeading();
          if (!term.aborted) {
            await new Promise((resolve) => term.addEventListener("abort", resolve, { once: true }));
          }
          callbacks.onStoppedLeading();
          if (!signal.aborted) callbacks.onFollowing?.(elector.leader);
        }
      })();
      await Promise.all([campaign, follow, terms]);
    },
  };
}
