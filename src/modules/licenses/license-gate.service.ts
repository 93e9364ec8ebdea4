import type { Counter } from "prom-client";
import type { FailedLookupGuard } from "../throttle/failed-lookup-guard";
import type { LicenseCheckService, LicenseRefusal, LicenseVerdict } from "./license-check.service";
import type { License } from "./license.model";

/** The failed-lookup guard refused the caller before its key was looked up. */
export interface LookupsBlocked {
  valid: false;
  code: "LOOKUPS_BLOCKED";
  /** "20 failed license lookups per 1 minute" (contract §1.5). */
  message: string;
  until: Date;
  /** Whole seconds until `until` (at least 1), by the guard's clock. */
  retryAfter: number;
}

export type GateVerdict = LicenseVerdict | LookupsBlocked;

const required: LicenseRefusal = { valid: false, code: "LICENSE_REQUIRED", detail: "License key required" };

/**
 * The one way in for a license key, whatever the surface (`/api`, `/v1`, the legacy usage path, GraphQL):
 * guard → lookup → check → record → cache, answering a verdict that each surface only renders. A caller becomes a
 * license holder only through a valid verdict from here.
 */
export class LicenseGate {
  constructor(
    private readonly check: LicenseCheckService,
    private readonly guard: FailedLookupGuard,
    /** Off only with THROTTLE=off (benchmarks). */
    private readonly guardEnabled: boolean,
    /** Verdicts by code (VALID for a grant), for /metrics. */
    private readonly verdicts?: Counter<"code">,
  ) {}

  async admit(key: string | undefined, ip: string): Promise<GateVerdict> {
    const verdict = await this.decide(key, ip);
    this.verdicts?.inc({ code: verdict.valid ? "VALID" : verdict.code });
    return verdict;
  }

  private async decide(key: string | undefined, ip: string): Promise<GateVerdict> {
    if (key === undefined || key === "") return required;
    return this.guarded(
      ip,
      () => this.check.check(key),
      (verdict) => verdict.valid || verdict.license !== undefined,
    );
  }

  /**
   * The legacy usage path (contract §6.8): the key alone grants access, so the license is only looked up, not
   * checked (no status, no expiry, no last_check), but through the same guard.
   */
  async identify(key: string, ip: string): Promise<{ license: License | null } | LookupsBlocked> {
    return this.guarded(
      ip,
      async () => ({ license: await this.check.lookup(key) }),
      (found) => found.license !== null,
    );
  }

  private async guarded<T>(ip: string, lookup: () => Promise<T>, known: (result: T) => boolean): Promise<T | LookupsBlocked> {
    if (!this.guardEnabled) return lookup();
    const admission = await this.guard.admit(ip);
    if (!admission.allowed)
      return {
        valid: false,
        code: "LOOKUPS_BLOCKED",
        message: this.guard.message,
        until: admission.until,
        retryAfter: admission.retryAfter,
      };
    const result = await lookup();
    await this.guard.settle(admission.ticket, known(result));
    return result;
  }
}
