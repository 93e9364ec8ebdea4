import { createHmac } from "node:crypto";
import { AdminRole } from "../../src/modules/admins/admin.model";
import { SYSTEM_ACTOR } from "../../src/modules/activity/activity.service";
import { LicenseStatus, type License } from "../../src/modules/licenses/license.model";
import type { Notification } from "../../src/modules/notifications/notification.model";
import type { Payment } from "../../src/modules/payments/payment.model";
import type { Plan } from "../../src/modules/plans/plan.model";
import { expectLicensingInvariants } from "../support/invariants";
import { startWebhookReceiver, type WebhookReceiver } from "../support/notify-receivers";
import { PaddleAccount, type PaddleEvent, type PriceDefinition } from "../support/paddle-account";
import { PaddleSimulator } from "../support/paddle-simulator";
import { startAiPlatform, type AiPlatform } from "../support/ai-platform";
import { http } from "../support/http";
import { bearer, type TestPlatform } from "../support/platform";

/**
 * A month of a simulated Paddle account, end to end through real HTTP: sign-ups, an upgrade, a downgrade, a discount,
 * a refund, a chargeback, a failed renewal recovered in its grace period, churns (at the period's end and at once), a
 * reactivation, and Founders sales past the cap. Every analytics figure is checked against arithmetic done here by
 * hand, and the licenses, payments, flagged events and delivered notifications against what the month implies.
 */

const SECRET = "pdl_ntfset_01scenario_30_days_secret";
const NOTIFY_SECRET = "scenario-notify-secret-0123456789";
const paddle = new PaddleSimulator(SECRET);
const at = (iso: string): Date => new Date(`${iso}Z`);

const PRICES = {
  starter: { id: "pri_scn_starter_m", amount: 299, interval: "month" },
  pro: { id: "pri_scn_pro_m", amount: 799, interval: "month" },
  proYearly: { id: "pri_scn_pro_y", amount: 7990, interval: "year" },
  agency: { id: "pri_scn_agency_m", amount: 1999, interval: "month" },
  founders: { id: "pri_scn_founders", amount: 2900, interval: null },
} satisfies Record<string, PriceDefinition>;

const FROM = "2030-04-01T00:00:00.000Z";
const TO = "2030-05-01T00:00:00.000Z";

describe("30 days of a Paddle account: licenses, ledger, notifications and every analytics figure", () => {
  let platform: AiPlatform;
  let receiver: WebhookReceiver;
  let now = Date.parse("2030-03-01T00:00:00.000Z");
  const account = new PaddleAccount("scn");
  const customers: Record<string, string> = {};
  const subscriptions: Record<string, string> = {};
  const transactions: Record<string, string> = {};

  /** Delivers events in order at their own time (the platform's clock follows), and lets the worker apply them. */
  async function deliver(...events: PaddleEvent[]): Promise<void> {
    for (const event of events) {
      now = Math.max(now, Date.parse(event.occurred_at));
      expect((await paddle.deliver(platform.baseUrl, event)).status).toBe(200);
      await platform.services.webhookProcessor.drain();
    }
  }

  async function advanceTo(iso: string): Promise<void> {
    now = Math.max(now, Date.parse(`${iso}Z`));
    await platform.services.webhookProcessor.drain();
  }

  function customer(name: string, when: string): PaddleEvent {
    const created = account.customerCreated(`${name}@scenario.example`, at(when), name.toUpperCase());
    customers[name] = created.customerId;
    return created.event;
  }

  function subscribe(name: string, price: PriceDefinition, when: string, sub = name): PaddleEvent {
    const created = account.subscribe(customers[name] as string, price, at(when));
    subscriptions[sub] = created.subscriptionId;
    return created.event;
  }

  function charge(
    sub: string,
    when: string,
    label: string,
    origin: "web" | "subscription_recurring" | "subscription_update",
    amounts = {},
    reuse?: string,
  ): PaddleEvent {
    const charged = account.chargeSubscription(subscriptions[sub] as string, at(when), amounts, origin, reuse);
    transactions[label] = charged.transactionId;
    return charged.event;
  }

  function founders(name: string, when: string, label: string): PaddleEvent {
    const bought = account.buyOnce(customers[name] as string, PRICES.founders, at(when));
    transactions[label] = bought.transactionId;
    return bought.event;
  }

  const models = () => platform.services.models;
  const chat = (key: string, provider: string) =>
    http(platform.baseUrl, "POST", "/api/chat", { key, json: { api_provider: provider, messages: [{ role: "user", content: "Hello" }] } });
  const licenseOf = async (sub: string): Promise<License> =>
    (await models().License.findOne({ paddle_subscription_id: subscriptions[sub] }).lean<License>().exec()) as License;
  const founderLicense = async (label: string): Promise<License | null> =>
    models().License.findOne({ paddle_transaction_id: transactions[label] }).lean<License>().exec();
  const paymentOf = async (label: string): Promise<Payment> =>
    (await models().Payment.findOne({ transaction_id: transactions[label] }).lean<Payment>().exec()) as Payment;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    platform = await startAiPlatform({
      env: { PADDLE_WEBHOOK_SECRET: SECRET, NOTIFY_WEBHOOK_URL: receiver.url, NOTIFY_WEBHOOK_SECRET: NOTIFY_SECRET },
      clock: () => now,
      // The test drains webhooks and notifications itself, day by day. The platform's own timers would run on the
      // real clock against leases measured on this pinned one, and could send a message a second time.
      backgroundWork: false,
    });
    const plans = platform.services.plans;
    await plans.update("starter", { paddle_price_ids: [PRICES.starter.id] }, SYSTEM_ACTOR);
    await plans.update("pro", { paddle_price_ids: [PRICES.pro.id, PRICES.proYearly.id] }, SYSTEM_ACTOR);
    await plans.update("agency", { paddle_price_ids: [PRICES.agency.id] }, SYSTEM_ACTOR);
    await plans.update("founders", { paddle_price_ids: [PRICES.founders.id], lifetime_limit: 3 }, SYSTEM_ACTOR);

    // March, before the period: G pays and leaves; A, B and C pay; F1 buys the first Founders seat.
    await deliver(customer("a", "2030-03-01T09:00:00"), customer("b", "2030-03-01T09:01:00"), customer("c", "2030-03-01T09:02:00"));
    await deliver(customer("g", "2030-03-01T09:03:00"), customer("f1", "2030-03-01T09:04:00"));
    await deliver(subscribe("g", PRICES.starter, "2030-03-01T10:00:00", "g1"), charge("g1", "2030-03-01T10:00:01", "g1-first", "web"));
    await deliver(subscribe("a", PRICES.pro, "2030-03-10T10:00:00"), charge("a", "2030-03-10T10:00:01", "a-first", "web"));
    await deliver(subscribe("b", PRICES.starter, "2030-03-15T10:00:00"), charge("b", "2030-03-15T10:00:01", "b-first", "web"));
    await deliver(subscribe("c", PRICES.agency, "2030-03-20T10:00:00"), charge("c", "2030-03-20T10:00:01", "c-first", "web"));
    await deliver(founders("f1", "2030-03-20T11:00:00", "f1"));
    await deliver(account.change(subscriptions["g1"] as string, "canceled", at("2030-03-25T10:00:00")));

    // April 2: D's first charge arrives before its subscription (Paddle does not keep order).
    await deliver(customer("d", "2030-04-02T09:00:00"));
    const dSubscription = subscribe("d", PRICES.starter, "2030-04-02T10:00:00");
    await deliver(charge("d", "2030-04-02T10:00:01", "d-first", "web"), dSubscription);
    await advanceTo("2030-04-02T10:05:00"); // the charge's retry links it (its license exists now)

    // April 5: A upgrades to Agency, with a prorated charge.
    await deliver(
      account.change(subscriptions["a"] as string, "updated", at("2030-04-05T10:00:00"), { price: PRICES.agency }),
      charge("a", "2030-04-05T10:00:01", "a-proration", "subscription_update", { subtotal: 600 }),
    );
    await deliver(customer("f2", "2030-04-06T09:00:00"), founders("f2", "2030-04-06T10:00:00", "f2"));
    // April 8: C downgrades to Pro.
    await deliver(account.change(subscriptions["c"] as string, "updated", at("2030-04-08T10:00:00"), { price: PRICES.pro }));
    // April 10: A renews at Agency; E takes Pro yearly with a 10 % discount and tax.
    await deliver(
      account.change(subscriptions["a"] as string, "updated", at("2030-04-10T10:00:00"), { renew: true }),
      charge("a", "2030-04-10T10:00:01", "a-renewal", "subscription_recurring"),
    );
    await deliver(customer("e", "2030-04-10T11:00:00"), subscribe("e", PRICES.proYearly, "2030-04-10T12:00:00"));
    await deliver(charge("e", "2030-04-10T12:00:01", "e-first", "web", { subtotal: 7990, discount: 799, tax: 1000 }));
    // April 11 and 12: E chats twice through OpenAI, A once through Anthropic (1000 tokens in, 500 out each).
    for (const stub of [platform.stubs.openai, platform.stubs.anthropic]) stub.behave({ promptTokens: 1000, completionTokens: 500 });
    await advanceTo("2030-04-11T15:00:00");
    for (let n = 0; n < 2; n++) expect((await chat(await keyOf(platform, (await licenseOf("e"))._id), "openai")).status).toBe(200);
    await advanceTo("2030-04-12T09:00:00");
    expect((await chat(await keyOf(platform, (await licenseOf("a"))._id), "anthropic")).status).toBe(200);
    // April 12: B cancels at the end of its period (April 15), and gets 1.00 back on its March charge.
    await deliver(
      account.change(subscriptions["b"] as string, "updated", at("2030-04-12T10:00:00"), { scheduledCancelAt: at("2030-04-15T10:00:00") }),
    );
    await deliver(
      account.adjust(transactions["b-first"] as string, customers["b"] as string, subscriptions["b"] as string, at("2030-04-12T11:00:00"), {
        action: "refund",
        status: "approved",
        amount: 100,
      }).event,
    );
    // April 15: B's cancellation takes effect; D's bank charges back its first payment.
    await deliver(account.change(subscriptions["b"] as string, "canceled", at("2030-04-15T10:00:00")));
    await deliver(
      account.adjust(transactions["d-first"] as string, customers["d"] as string, subscriptions["d"] as string, at("2030-04-15T12:00:00"), {
        action: "chargeback",
        status: "approved",
        amount: 299,
        type: "full",
      }).event,
    );
    await deliver(customer("f3", "2030-04-16T09:00:00"), founders("f3", "2030-04-16T10:00:00", "f3"));
    // April 20: C's renewal fails (past due, in grace); F subscribes.
    const failed = account.paymentFailed(subscriptions["c"] as string, at("2030-04-20T10:00:00"));
    transactions["c-renewal"] = failed.transactionId;
    await deliver(failed.event, account.change(subscriptions["c"] as string, "past_due", at("2030-04-20T10:00:01")));
  });

  afterAll(async () => {
    await platform?.stop();
    await receiver?.close();
  });

  it("keeps a subscription valid in its grace period, with the warning, after a failed renewal", async () => {
    const key = await keyOf(platform, (await licenseOf("c"))._id);
    const response = await fetch(`${platform.baseUrl}/api/validate`, { method: "POST", headers: { "x-license-key": key } });
    const body = (await response.json()) as { valid: boolean; warnings?: string[]; billing?: { status: string; grace_until: string } };
    expect(response.status).toBe(200);
    expect(body.valid).toBe(true);
    expect(body.billing).toMatchObject({ status: "past_due", grace_until: "2030-04-27T10:00:01.000Z" });
    expect(body.warnings).toEqual([expect.stringContaining("2030-04-27")]);
    // The same through GraphQL, for the license holder.
    const graphql = await platform.graphql<{ validateLicense: { valid: boolean; graceUntil: string | null; warnings: string[] } }>(
      "{ validateLicense { valid graceUntil warnings } }",
      {},
      { "x-license-key": key },
    );
    expect(graphql.data?.validateLicense).toEqual({ valid: true, graceUntil: "2030-04-27T10:00:01.000Z", warnings: body.warnings });
    // E is paid up: no warning.
    const paidUp = await platform.graphql<{ validateLicense: { graceUntil: string | null; warnings: string[] } }>(
      "{ validateLicense { graceUntil warnings } }",
      {},
      { "x-license-key": await keyOf(platform, (await licenseOf("e"))._id) },
    );
    expect(paidUp.data?.validateLicense).toEqual({ graceUntil: null, warnings: [] });
  });

  describe("after the rest of the month", () => {
    beforeAll(async () => {
      await deliver(customer("f", "2030-04-20T11:00:00"), subscribe("f", PRICES.starter, "2030-04-20T12:00:00"));
      await deliver(charge("f", "2030-04-20T12:00:01", "f-first", "web"));
      // April 21: C's card works on the retry: same transaction, then the subscription is active again.
      await deliver(
        charge("c", "2030-04-21T10:00:00", "c-renewal", "subscription_recurring", {}, transactions["c-renewal"]),
        account.change(subscriptions["c"] as string, "updated", at("2030-04-21T10:00:01"), { status: "active", renew: true }),
      );
      // April 22: G, who left in March, comes back on Pro.
      await deliver(subscribe("g", PRICES.pro, "2030-04-22T10:00:00", "g2"), charge("g2", "2030-04-22T10:00:01", "g2-first", "web"));
      // April 24: a fourth Founders sale, over the cap of 3.
      await deliver(customer("f4", "2030-04-24T09:00:00"), founders("f4", "2030-04-24T10:00:00", "f4"));
      // April 25: F cancels at once; April 27: F2's Founders purchase is refunded in full.
      await deliver(account.change(subscriptions["f"] as string, "canceled", at("2030-04-25T10:00:00")));
      await deliver(
        account.adjust(transactions["f2"] as string, customers["f2"] as string, null, at("2030-04-27T10:00:00"), {
          action: "refund",
          status: "approved",
          amount: 2900,
          type: "full",
        }).event,
      );
      await advanceTo("2030-04-30T23:00:00");
      await platform.services.notificationDelivery.drain();
    });

    afterEach(() => expectLicensingInvariants(models()));

    it("applied every event, and flagged only the oversold Founders sale", async () => {
      const events = await models().WebhookEvent.find({}).lean().exec();
      expect(
        events.filter((event) => event.status !== "processed").map((event) => [event.event_type, event.status, event.last_error]),
      ).toEqual([]);
      const flagged = events.filter((event) => event.attention);
      expect(flagged.map((event) => [event.event_type, event.attention])).toEqual([["transaction.completed", "refund_needed"]]);
      expect((flagged[0]?.payload["data"] as { id: string }).id).toBe(transactions["f4"]);
    });

    it("left each license in the state its subscription or purchase implies", async () => {
      const states = {
        a: await licenseOf("a"),
        b: await licenseOf("b"),
        c: await licenseOf("c"),
        d: await licenseOf("d"),
        e: await licenseOf("e"),
        f: await licenseOf("f"),
        g1: await licenseOf("g1"),
        g2: await licenseOf("g2"),
      };
      const plans = new Map(
        ((await models().Plan.find({}).lean<Plan[]>().exec()) as Plan[]).map((plan) => [plan._id.toHexString(), plan.name]),
      );
      const summary = Object.fromEntries(
        Object.entries(states).map(([name, license]) => [name, [plans.get(license.plan_id.toHexString()), license.status]]),
      );
      expect(summary).toEqual({
        a: ["agency", LicenseStatus.active],
        b: ["starter", LicenseStatus.cancelled],
        c: ["pro", LicenseStatus.active],
        d: ["starter", LicenseStatus.suspended], // the chargeback
        e: ["pro", LicenseStatus.active],
        f: ["starter", LicenseStatus.cancelled],
        g1: ["starter", LicenseStatus.cancelled],
        g2: ["pro", LicenseStatus.active],
      });
      expect(states.d.status_reason).toBe("billing:chargeback");
      expect(states.c.grace_until ?? null).toBeNull();
      expect((await founderLicense("f1"))?.status).toBe(LicenseStatus.active);
      expect((await founderLicense("f2"))?.status).toBe(LicenseStatus.cancelled); // refunded in full: the seat is back
      expect((await founderLicense("f3"))?.status).toBe(LicenseStatus.active);
      expect(await founderLicense("f4")).toBeNull(); // over the cap: never issued
      const foundersPlan = (await models().Plan.findOne({ name: "founders" }).lean<Plan>().exec()) as Plan;
      expect([foundersPlan.lifetime_sold, foundersPlan.lifetime_limit]).toEqual([2, 3]);
    });

    it("wrote the ledger: every charge once, the discount and tax apart, refunds linked, C's failed attempt recovered", async () => {
      const e = await paymentOf("e-first");
      expect([e.amount_cents, e.subtotal_cents, e.tax_cents, e.status]).toEqual([8191, 7990, 1000, "completed"]);
      expect((await paymentOf("c-renewal")).status).toBe("completed");
      expect((await paymentOf("d-first")).license_id?.toHexString()).toBe((await licenseOf("d"))._id.toHexString());
      expect([(await paymentOf("d-first")).status, (await paymentOf("d-first")).refunded_cents]).toEqual(["refunded", 299]);
      expect([(await paymentOf("b-first")).status, (await paymentOf("b-first")).refunded_cents]).toEqual(["partially_refunded", 100]);
      expect([(await paymentOf("f2")).status, (await paymentOf("f4")).status]).toEqual(["refunded", "completed"]);
      expect(await models().Payment.countDocuments({ provider: "paddle" }).exec()).toBe(Object.keys(transactions).length);
    });

    it("delivered each notification once to the receiver, signed, exactly as recorded", async () => {
      const stored = await models().Notification.find({}).sort({ _id: 1 }).lean<Notification[]>().exec();
      const kinds = stored.map((message) => message.kind).sort();
      // 8 subscriptions and 3 Founders licenses issued; C's failed renewal; its grace period; the cap at 90 %;
      // D's license suspended by the chargeback.
      expect(kinds).toEqual([
        "founders_almost_sold_out",
        "grace_period_ending",
        ...Array<string>(11).fill("license_issued"),
        "license_suspended",
        "payment_failed",
      ]);
      expect(receiver.received).toHaveLength(stored.length);
      const byKey = new Map(receiver.received.map((delivery) => [String(delivery.headers["idempotency-key"]), delivery]));
      for (const message of stored) {
        const delivery = byKey.get(message.idempotency_key);
        expect(delivery).toBeDefined();
        const [t, v1] = String(delivery?.headers["x-chatello-signature"])
          .split(",")
          .map((part) => part.split("=")[1]);
        expect(createHmac("sha256", NOTIFY_SECRET).update(`${t}.${delivery?.body}`).digest("hex")).toBe(v1);
        const body = JSON.parse(delivery?.body ?? "{}") as { kind: string; licenseId: string | null; data: Record<string, unknown> };
        expect([body.kind, body.licenseId]).toEqual([message.kind, message.license_id?.toHexString() ?? null]);
        expect(message.webhook.status).toBe("delivered");
      }
      // The key in E's message is the key that validates E's license.
      const eLicense = await licenseOf("e");
      const issued = stored.find((message) => message.kind === "license_issued" && message.license_id?.equals(eLicense._id));
      const delivered = JSON.parse(byKey.get(issued?.idempotency_key ?? "")?.body ?? "{}") as { data: { licenseKey: string } };
      expect(delivered.data.licenseKey).toBe(await keyOf(platform, eLicense._id));
      const validate = await fetch(`${platform.baseUrl}/api/validate`, {
        method: "POST",
        headers: { "x-license-key": delivered.data.licenseKey },
      });
      expect(validate.status).toBe(200);
    });

    it("computes every analytics figure of April as counted by hand", async () => {
      const owner = bearer(await platform.token(AdminRole.owner));
      const answer = await platform.graphql<{ analytics: Record<string, unknown> }>(
        `query($at: DateTimeISO!, $from: DateTimeISO!, $to: DateTimeISO!) { analytics(at: $at, from: $from, to: $to, currency: "EUR") {
          mrrCents arrCents activeSubscribers arpaCents churnedCustomers customerChurnRate grossMrrChurnRate netMrrChurnRate excludedCurrencies
          start { mrrCents subscribers }
          movements { netCents new { amountCents count } expansion { amountCents count } contraction { amountCents count }
            churn { amountCents count } reactivation { amountCents count } }
          cash { payments collectedCents refundedCents netCents }
          refunds { amountCents count }
          oneTime { sales revenueCents salesAllTime revenueAllTimeCents }
          founders { plan sold limit remaining }
          revenueByPlan { plan mrrCents subscribers collectedCents refundedCents }
          ai { requests tokens costMicros byProvider { provider requests tokens costMicros } byDay { date requests costMicros } }
        } }`,
        { at: TO, from: FROM, to: TO },
        owner,
      );
      expect(answer.errors).toBeUndefined();
      const figures = answer.data?.analytics as Record<string, unknown>;
      // MRR at the start (April 1, 00:00): A Pro 799 + B Starter 299 + C Agency 1999 = 3097, 3 subscribers (G left in March).
      expect(figures["start"]).toEqual({ mrrCents: 3097, subscribers: 3 });
      // At the end: A Agency 1999 + C Pro 799 + D Starter 299 (a chargeback does not end a subscription)
      // + E Pro yearly 7990 ÷ 12 = 665.83 → 666 less the 10 % discount of its charge: 666 × 7191 ÷ 7990 = 599.4 → 599
      // + G Pro 799 = 4495; B and F have left. ARR = 4495 × 12 = 53940; ARPA = 4495 ÷ 5 = 899.
      expect(figures).toMatchObject({ mrrCents: 4495, arrCents: 53940, activeSubscribers: 5, arpaCents: 899, excludedCurrencies: [] });
      // Movements, day by day: new D 299 + E 599 + F 299 = 1197 (3); expansion A 1999 − 799 = 1200; contraction C
      // 1999 − 799 = 1200; churn B 299 (April 15) + F 299 (April 25) = 598 (2); reactivation G 799.
      // Net: 1197 + 1200 + 799 − 1200 − 598 = 1398 = 4495 − 3097.
      expect(figures["movements"]).toEqual({
        netCents: 1398,
        new: { amountCents: 1197, count: 3 },
        expansion: { amountCents: 1200, count: 1 },
        contraction: { amountCents: 1200, count: 1 },
        churn: { amountCents: 598, count: 2 },
        reactivation: { amountCents: 799, count: 1 },
      });
      // Customer churn: of the 3 paying at the start, B pays nothing at the end (F joined and left within April): 1 ÷ 3.
      expect(figures["churnedCustomers"]).toBe(1);
      expect(figures["customerChurnRate"]).toBeCloseTo(1 / 3, 10);
      // Gross MRR churn: (598 + 1200) ÷ 3097; net: (598 + 1200 − 1200 − 799) ÷ 3097 = −201 ÷ 3097.
      expect(figures["grossMrrChurnRate"]).toBeCloseTo(1798 / 3097, 10);
      expect(figures["netMrrChurnRate"]).toBeCloseTo(-201 / 3097, 10);
      // Cash in April, tax included: D 299, A proration 600, F2 2900, A renewal 1999, E 7990 − 799 + 1000 = 8191,
      // F3 2900, F 299, C's recovered renewal 799, G 799, F4 2900 = 21686 in 10 payments. Approved in April: B's
      // refund 100, D's chargeback 299, F2's refund 2900 = 3299 (3). Net: 21686 − 3299 = 18387.
      expect(figures["cash"]).toEqual({ payments: 10, collectedCents: 21686, refundedCents: 3299, netCents: 18387 });
      expect(figures["refunds"]).toEqual({ amountCents: 3299, count: 3 });
      // One-time (never in MRR): F2, F3, F4 in April = 8700 − F2's refund 2900 = 5800; all time F1..F4 = 11600 − 2900.
      expect(figures["oneTime"]).toEqual({ sales: 3, revenueCents: 5800, salesAllTime: 4, revenueAllTimeCents: 8700 });
      // Founders seats: F1 and F3 live (F2 refunded gave its seat back; F4 was never issued).
      expect(figures["founders"]).toEqual([{ plan: "founders", sold: 2, limit: 3, remaining: 1 }]);
      // By plan: MRR at the end, cash and refunds in April by the plan each charge was for.
      // Agency: A 1999 MRR; cash 600 + 1999 = 2599. Pro: C 799 + E 599 + G 799 = 2197 (3); cash 8191 + 799 + 799
      // = 9789. Starter: D 299 (1); cash D 299 + F 299 = 598; refunds D 299 + B 100 = 399. Founders: cash 8700,
      // refunds 2900.
      const byPlan = Object.fromEntries(
        (figures["revenueByPlan"] as Array<{ plan: string } & Record<string, number>>).map(({ plan, ...rest }) => [plan, rest]),
      );
      expect(byPlan).toMatchObject({
        agency: { mrrCents: 1999, subscribers: 1, collectedCents: 2599, refundedCents: 0 },
        pro: { mrrCents: 2197, subscribers: 3, collectedCents: 9789, refundedCents: 0 },
        starter: { mrrCents: 299, subscribers: 1, collectedCents: 598, refundedCents: 399 },
        founders: { mrrCents: 0, subscribers: 0, collectedCents: 8700, refundedCents: 2900 },
      });
      // AI: gpt-4o-mini at 0.138 / 0.552 EUR per million tokens: 1000 × 0.138 + 500 × 0.552 = 414 µ€ a call, twice;
      // Anthropic's default claude-3-haiku at 0.23 / 1.15: 230 + 575 = 805 µ€. 3 calls, 4500 tokens, 828 + 805 = 1633 µ€.
      const ai = figures["ai"] as { byProvider: Array<{ provider: string }> } & Record<string, unknown>;
      expect(ai).toMatchObject({ requests: 3, tokens: 4500, costMicros: 1633 });
      expect([...ai.byProvider].sort((x, y) => x.provider.localeCompare(y.provider))).toEqual([
        { provider: "anthropic", requests: 1, tokens: 1500, costMicros: 805 },
        { provider: "openai", requests: 2, tokens: 3000, costMicros: 828 },
      ]);
      expect(ai["byDay"]).toEqual([
        { date: "2030-04-11", requests: 2, costMicros: 828 },
        { date: "2030-04-12", requests: 1, costMicros: 805 },
      ]);
    });

    it("keeps a daily history: snapshots written after the month, missed days computed, the days adding up to April", async () => {
      await advanceTo("2030-05-02T00:10:00");
      const run = await platform.services.snapshots.writeMissing("scenario");
      expect(run.written).toContain("2030-04-30");
      const owner = bearer(await platform.token(AdminRole.owner));
      const answer = await platform.graphql<{ analyticsHistory: Array<Record<string, unknown>> }>(
        `{ analyticsHistory(from: "2030-04-01", to: "2030-04-30") { date source mrrCents activeSubscribers
            movements { netCents new { count } churn { count } } cash { collectedCents refundedCents } ai { costMicros } } }`,
        {},
        owner,
      );
      expect(answer.errors).toBeUndefined();
      const days = answer.data?.analyticsHistory ?? [];
      expect(days).toHaveLength(30);
      const mrrOn = Object.fromEntries(days.map((day) => [day["date"], day["mrrCents"]]));
      // The MRR at the end of each day that changed it, as computed above.
      expect(mrrOn).toMatchObject({
        "2030-04-01": 3097,
        "2030-04-02": 3396,
        "2030-04-05": 4596,
        "2030-04-08": 3396,
        "2030-04-10": 3995,
        "2030-04-15": 3696,
        "2030-04-20": 3995,
        "2030-04-22": 4794,
        "2030-04-25": 4495,
        "2030-04-30": 4495,
      });
      const sum = (pick: (day: Record<string, any>) => number) => days.reduce((total, day) => total + pick(day), 0); // eslint-disable-line @typescript-eslint/no-explicit-any -- GraphQL JSON rows
      expect(sum((day) => day.movements.netCents)).toBe(1398);
      expect([sum((day) => day.movements.new.count), sum((day) => day.movements.churn.count)]).toEqual([3, 2]);
      expect([sum((day) => day.cash.collectedCents), sum((day) => day.cash.refundedCents), sum((day) => day.ai.costMicros)]).toEqual([
        21686, 3299, 1633,
      ]);
      // Stored snapshots for the days the run wrote; the first day of April is older than its back-fill and computed.
      const sources = new Set(days.filter((day) => day["date"] !== "2030-04-01").map((day) => day["source"]));
      expect(sources).toEqual(new Set(["snapshot"]));
      expect(await models().DailySnapshot.countDocuments({ date: "2030-04-30" }).exec()).toBe(1);
    });
  });
});

async function keyOf(platform: TestPlatform, id: License["_id"]): Promise<string> {
  return platform.services.licenses.revealKey(id, SYSTEM_ACTOR);
}
