import type { mongoose } from "@typegoose/typegoose";
import { AdminRole } from "../../src/modules/admins/admin.model";
import type { BillingSubscription } from "../../src/modules/billing/billing-subscription.model";
import type { WebhookEvent } from "../../src/modules/billing/webhook-event.model";
import type { License } from "../../src/modules/licenses/license.model";
import type { Notification, NotificationKind } from "../../src/modules/notifications/notification.model";
import { http, type HttpResult } from "../support/http";
import { expectLicensingInvariants } from "../support/invariants";
import { PaddleSimulator } from "../support/paddle-simulator";
import { bearer, startTestPlatform, type TestPlatform } from "../support/platform";
import { customerCreated, subscriptionEvent, type SubscriptionSpec } from "./paddle-subscription-events";

export const SECRET = "pdl_ntfset_01subscription_lifecycle_tests";
export const ENV = { PADDLE_WEBHOOK_SECRET: SECRET, BILLING_GRACE_DAYS: "7" };
export const DAY_MS = 24 * 60 * 60 * 1000;

/** Prices the tests sell, mapped onto the seeded plans with updatePlan (as an operator would). */
export const PRICES = {
  starter: "pri_01hstartermonthly",
  pro: "pri_01hpromonthly",
  proYearly: "pri_01hproyearly",
  agency: "pri_01hagencymonthly",
  founders: "pri_01hfoundersmonthly",
  unknown: "pri_01hnoplansellsthis",
} as const;

/** A clock the test moves by hand, starting at the real time (the license service's own expiry checks read it). */
export interface ManualClock {
  clock: () => number;
  advance(ms: number): void;
  iso(offsetMs?: number): string;
}

export function manualClock(): ManualClock {
  let now = Date.now();
  return {
    clock: () => now,
    advance: (ms) => (now += ms),
    iso: (offsetMs = 0) => new Date(now + offsetMs).toISOString(),
  };
}

/** A platform with Paddle configured, prices mapped, and helpers to drive and read one subscription's life. */
export class SubscriptionHarness {
  readonly paddle = new PaddleSimulator(SECRET);

  private constructor(
    readonly platform: TestPlatform,
    readonly time: ManualClock,
  ) {}

  static async start(time = manualClock()): Promise<SubscriptionHarness> {
    const platform = await startTestPlatform({ env: ENV, clock: time.clock });
    const harness = new SubscriptionHarness(platform, time);
    await harness.mapPrice("starter", [PRICES.starter]);
    await harness.mapPrice("pro", [PRICES.pro, PRICES.proYearly]);
    await harness.mapPrice("agency", [PRICES.agency]);
    await harness.mapPrice("founders", [PRICES.founders]);
    return harness;
  }

  get models() {
    return this.platform.services.models;
  }

  async mapPrice(plan: string, priceIds: string[], extra: Record<string, unknown> = {}): Promise<void> {
    const admin = bearer(await this.platform.token(AdminRole.admin));
    const answer = await this.platform.graphql(
      "mutation($name: String!, $input: UpdatePlanInput!) { updatePlan(name: $name, input: $input) { name } }",
      { name: plan, input: { paddlePriceIds: priceIds, ...extra } },
      admin,
    );
    expect(answer.errors).toBeUndefined();
  }

  /** Delivers signed events over HTTP (each must be accepted) and waits until the processor has applied them. */
  async send(...events: object[]): Promise<void> {
    for (const event of events)
      expect(await this.paddle.deliver(this.platform.baseUrl, event)).toEqual({ status: 200, body: { received: true } });
    await this.platform.services.webhookProcessor.drain();
  }

  /** A new Paddle customer, known to the platform through its customer.created. */
  async customer(customerId: string, email: string): Promise<void> {
    await this.send(customerCreated({ customerId, email, occurredAt: this.time.iso(-60_000) }));
  }

  event(spec: Omit<SubscriptionSpec, "occurredAt"> & { occurredAt?: string }) {
    return subscriptionEvent({ occurredAt: this.time.iso(), ...spec });
  }

  async eventRow(eventId: string): Promise<WebhookEvent> {
    const row = await this.models.WebhookEvent.findOne({ event_id: eventId }).lean<WebhookEvent>().exec();
    if (!row) throw new Error(`event ${eventId} not stored`);
    return row;
  }

  licensesOf(subscriptionId: string): Promise<License[]> {
    return this.models.License.find({ paddle_subscription_id: subscriptionId }).lean<License[]>().exec();
  }

  async licenseOf(subscriptionId: string): Promise<License> {
    const licenses = await this.licensesOf(subscriptionId);
    expect(licenses).toHaveLength(1);
    return licenses[0]!;
  }

  state(subscriptionId: string): Promise<BillingSubscription | null> {
    return this.models.BillingSubscription.findOne({ key: subscriptionId }).lean<BillingSubscription>().exec();
  }

  async planName(planId: mongoose.Types.ObjectId): Promise<string | undefined> {
    return (await this.models.Plan.findById(planId).lean().exec())?.name;
  }

  notifications(licenseId: mongoose.Types.ObjectId, kind?: `${NotificationKind}`): Promise<Notification[]> {
    return this.models.Notification.find({ license_id: licenseId, ...(kind ? { kind: kind as NotificationKind } : {}) })
      .sort({ _id: 1 })
      .lean<Notification[]>()
      .exec();
  }

  /** The key of a license, as its license_issued message carries it (the customer-facing flow). */
  async keyOf(license: License): Promise<string> {
    const [issued] = await this.notifications(license._id, "license_issued");
    if (!issued) throw new Error("no license_issued message");
    return this.platform.services.notifications.revealSecret(issued)["licenseKey"] as string;
  }

  mrrRows(subscriptionId: string) {
    return this.models.MrrChange.find({ subscription_id: subscriptionId }).sort({ effective_at: 1, _id: 1 }).lean().exec();
  }

  activity(licenseId: mongoose.Types.ObjectId) {
    return this.models.ActivityLog.find({ license_id: licenseId }).sort({ _id: 1 }).lean().exec();
  }

  validate(key: string): Promise<HttpResult> {
    return http(this.platform.baseUrl, "POST", "/api/validate", { key });
  }

  async expectInvariants(): Promise<void> {
    await expectLicensingInvariants(this.models);
  }

  stop(): Promise<void> {
    return this.platform.stop();
  }
}
