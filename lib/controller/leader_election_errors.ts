/**
 * The errors of leader election, and why a term ends.
 *
 * @module
 */

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
