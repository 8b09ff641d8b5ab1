/**
 * The options of {@linkcode LeaderElector}, and the default candidate identity.
 *
 * @module
 */

import type { RestClient } from "../client/contract.ts";
import type { Logger } from "../steps/logger.ts";
import type { LeadershipEndedError } from "./leader_election_errors.ts";

/**
 * Options of {@linkcode LeaderElector}.
 *
 * @example
 * ```ts
 * import { LeaderElector, type LeaderElectorOptions } from "@staircase/staircase/controller";
 * import { type RestClient, restClientFromHandler } from "@staircase/staircase/client";
 *
 * function electionOptions(client: RestClient): LeaderElectorOptions {
 *   return {
 *     client,
 *     name: "greeting-operator",
 *     namespace: "operators", // usually the pod's own namespace
 *     identity: "greeting-operator-7d9f-x2x4c", // usually the pod's name
 *     leaseDurationMs: 30_000,
 *     onStartedLeading: (term) => term.addEventListener("abort", () => console.log("lost it")),
 *   };
 * }
 * const client = restClientFromHandler(() => Promise.reject(new Error("not run here")));
 * const elector = new LeaderElector(electionOptions(client));
 * console.log(elector.identity, elector.leaseDurationMs, elector.renewDeadlineMs); // greeting-operator-7d9f-x2x4c 30000 10000
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
