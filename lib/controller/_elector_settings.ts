/**
 * Validates {@linkcode LeaderElectorOptions} and fills in client-go's defaults (15 s lease,
 * 10 s renew deadline, 2 s retry period).
 *
 * @module
 */

import { LeaderElectionOptionsError } from "./leader_election_errors.ts";
import { defaultLeaderIdentity, type LeaderElectorOptions } from "./leader_election_options.ts";
import { isTimerMs, MAX_TIMER_MS } from "../client/_timers.ts";

/** client-go's rule: the renew deadline must leave room for jittered retries. */
const JITTER_FACTOR = 1.2;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** {@linkcode LeaderElectorOptions} after validation, with every default filled in. */
export interface ElectorSettings {
  identity: string;
  name: string;
  namespace: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

function positiveMs(value: unknown, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!isTimerMs(value, 0, true)) {
    throw new LeaderElectionOptionsError(
      `${field} must be a number of milliseconds in (0, ${MAX_TIMER_MS}], got ${String(value)}`,
    );
  }
  return value;
}

/**
 * The settings `options` ask for.
 *
 * @throws {LeaderElectionOptionsError} If an option is missing or the durations do not fit
 * together (`leaseDurationMs > renewDeadlineMs > 1.2 × retryPeriodMs`).
 */
export function electorSettings(options: LeaderElectorOptions): ElectorSettings {
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
  const leaseDurationMs = positiveMs(options.leaseDurationMs, "leaseDurationMs", 15_000);
  const renewDeadlineMs = positiveMs(options.renewDeadlineMs, "renewDeadlineMs", 10_000);
  const retryPeriodMs = positiveMs(options.retryPeriodMs, "retryPeriodMs", 2_000);
  if (leaseDurationMs <= renewDeadlineMs) {
    throw new LeaderElectionOptionsError(
      `leaseDurationMs (${leaseDurationMs}) must be greater than renewDeadlineMs ` +
        `(${renewDeadlineMs})`,
    );
  }
  if (renewDeadlineMs <= JITTER_FACTOR * retryPeriodMs) {
    throw new LeaderElectionOptionsError(
      `renewDeadlineMs (${renewDeadlineMs}) must be greater than ${JITTER_FACTOR} × ` +
        `retryPeriodMs (${retryPeriodMs})`,
    );
  }
  return {
    identity: options.identity ?? defaultLeaderIdentity(),
    name: options.name,
    namespace: options.namespace,
    leaseDurationMs,
    renewDeadlineMs,
    retryPeriodMs,
  };
}
