import { Types } from "mongoose";
import type { Models } from "../../db/models";
import { SYSTEM_ACTOR, type ActivityService } from "../activity/activity.service";
import { CustomerStatus, type Customer } from "../customers/customer.model";
import type { Plan } from "../plans/plan.model";
import { LicenseStatus, type License } from "./license.model";
import type { LicenseService } from "./license.service";
import { TtlCache } from "../../security/ttl-cache";

export type LicenseCheckCode = "LICENSE_REQUIRED" | "LICENSE_NOT_FOUND" | "LICENSE_SUSPENDED" | "LICENSE_INACTIVE" | "LICENSE_EXPIRED";

export interface LicenseGrant {
  valid: true;
  license: License;
  plan: Plan;
  customer: Customer;
}

export interface LicenseRefusal {
  valid: false;
  code: LicenseCheckCode;
  /** What /api/validate says, e.g. "License is cancelled" (plugin contract §6.3). */
  detail: string;
  /** The license, when the key exists but did not pass (never shown to the caller; the legacy path reads it). */
  license?: License;
}

export type LicenseVerdict = LicenseGrant | LicenseRefusal;

interface CheckState {
  key: string | undefined;
  license?: License;
  plan?: Plan;
  customer?: Customer;
}

type Check = (state: CheckState) => Promise<LicenseRefusal | undefined> | LicenseRefusal | undefined;

const refuse = (code: LicenseCheckCode, detail: string): LicenseRefusal => ({ valid: false, code, detail });

/** An id no document has (ObjectIds are never all zeros). */
const NOWHERE = new Types.ObjectId("000000000000000000000000");

// last_check is bookkeeping; writing it on every call would turn every validation into a write.
const LAST_CHECK_RESOLUTION_MS = 60_000;

/**
 * The license check shared by every entry point (REST, GraphQL): an ordered list of checks, where the order is
 * the precedence (plugin contract §2.4 / §6.3). The verdict is data, not an exception.
 */
export class LicenseCheckService {
  private readonly checks: Check[] = [
    (state) => (state.key === undefined || state.key === "" ? refuse("LICENSE_REQUIRED", "License key required") : undefined),
    async (state) => {
      const license = await this.lookup(state.key as string);
      // An unknown key reads a plan and a customer too (ones that cannot exist), so that it takes the time a
      // known key's refusal takes (reliability K4).
      const planId = license?.plan_id ?? NOWHERE;
      const customerId = license?.customer_id ?? NOWHERE;
      const [plan, customer] = await Promise.all([
        this.planCache.get(planId.toHexString(), () => this.models.Plan.findById(planId).lean<Plan>().exec()),
        this.customerCache.get(customerId.toHexString(), () => this.models.Customer.findById(customerId).lean<Customer>().exec()),
      ]);
      // A license whose plan or customer record is gone cannot be honoured.
      if (license) state.license = license;
      if (!license || !plan || !customer) return refuse("LICENSE_NOT_FOUND", "License not found");
      Object.assign(state, { plan, customer });
      return undefined;
    },
    (state) => (state.customer?.status === CustomerStatus.suspended ? refuse("LICENSE_SUSPENDED", "License is suspended") : undefined),
    (state) => {
      const status = state.license?.status;
      if (status === LicenseStatus.active) return undefined;
      const code =
        status === LicenseStatus.suspended
          ? "LICENSE_SUSPENDED"
          : status === LicenseStatus.expired
            ? "LICENSE_EXPIRED"
            : "LICENSE_INACTIVE";
      return refuse(code, `License is ${status}`);
    },
    async (state) => {
      const license = state.license as License;
      if (!license.expires_at || license.expires_at.getTime() > Date.now()) return undefined;
      await this.markExpired(license);
      return refuse("LICENSE_EXPIRED", "License expired");
    },
  ];

  // Per-process caches (≤ 5 s, so a suspension or plan change reaches every instance within the contract's 5 s).
  private readonly licenseCache: TtlCache<string, License | null>;
  private readonly planCache: TtlCache<string, Plan | null>;
  private readonly customerCache: TtlCache<string, Customer | null>;
  /** When this process last wrote each license's last_check (the cached copy's own value goes stale). */
  private readonly lastCheckWritten = new Map<string, number>();

  constructor(
    private readonly models: Models,
    private readonly licenses: LicenseService,
    private readonly activity: ActivityService,
    cacheTtlMs = 0,
  ) {
    this.licenseCache = new TtlCache(cacheTtlMs);
    this.planCache = new TtlCache(cacheTtlMs);
    this.customerCache = new TtlCache(cacheTtlMs);
  }

  /** The license a key belongs to, without checking it (cached like the check's own read). */
  lookup(key: string): Promise<License | null> {
    return this.licenseCache.get(key, () => this.licenses.findByKey(key));
  }

  async check(key: string | undefined): Promise<LicenseVerdict> {
    const state: CheckState = { key };
    for (const check of this.checks) {
      const refusal = await check(state);
      if (refusal) return state.license ? { ...refusal, license: state.license } : refusal;
    }
    const license = state.license as License;
    await this.touch(license);
    return { valid: true, license, plan: state.plan as Plan, customer: state.customer as Customer };
  }

  /** Whichever entry point notices an expiry records it (plugin contract §2.3). */
  private async markExpired(license: License): Promise<void> {
    const result = await this.models.License.updateOne(
      { _id: license._id, status: LicenseStatus.active },
      { $set: { status: LicenseStatus.expired } },
    ).exec();
    if (result.modifiedCount > 0) {
      await this.activity.record(SYSTEM_ACTOR, {
        action: "license.expired",
        licenseId: license._id,
        customerId: license.customer_id,
        details: { expiresAt: license.expires_at },
      });
    }
  }

  private async touch(license: License): Promise<void> {
    const now = Date.now();
    const id = license._id.toHexString();
    const written = this.lastCheckWritten.get(id) ?? license.last_check?.getTime() ?? 0;
    if (now - written < LAST_CHECK_RESOLUTION_MS) return;
    this.lastCheckWritten.set(id, now);
    if (this.lastCheckWritten.size > 100_000) this.lastCheckWritten.clear();
    // Bookkeeping, not a change to the license: updated_at stays as it was.
    await this.models.License.updateOne({ _id: license._id }, { $set: { last_check: new Date(now) } }, { timestamps: false }).exec();
  }
}
