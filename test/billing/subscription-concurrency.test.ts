import { createConnection } from "mongoose";
import { createModels } from "../../src/db/models";
import { WebhookEventStatus } from "../../src/modules/billing/webhook-event.model";
import { NotificationKind } from "../../src/modules/notifications/notification.model";
import { createServices } from "../../src/services";
import { expectLicensingInvariants } from "../support/invariants";
import { PaddleSimulator } from "../support/paddle-simulator";
import { servePlatform, startTestPlatform, testConfig, type TestPlatform } from "../support/platform";
import { customerCreated, subscriptionEvent } from "./paddle-subscription-events";
import { ENV, PRICES, SECRET } from "./subscription-harness";

const paddle = new PaddleSimulator(SECRET);
// No grace: a past-due license is due for suspension at once, so both instances' sweepers race for it.
const CONCURRENT_ENV = { ...ENV, BILLING_GRACE_DAYS: "0" };

describe("subscription events delivered to two platform instances at once", () => {
  let first: TestPlatform;
  let second: TestPlatform;

  beforeAll(async () => {
    first = await startTestPlatform({ env: CONCURRENT_ENV });
    const connection = await createConnection(first.db.uri, { dbName: first.db.connection.name, bufferCommands: false }).asPromise();
    const config = testConfig(CONCURRENT_ENV);
    second = await servePlatform(
      config,
      { type: "mongodb", uri: first.db.uri, connection, close: () => connection.close() },
      createServices(createModels(connection), config),
    );
    await first.services.plans.update("pro", { paddle_price_ids: [PRICES.pro] }, { label: "test" });
    await first.services.plans.update("founders", { paddle_price_ids: [PRICES.founders] }, { label: "test" });
  });
  afterAll(async () => {
    await second.stop();
    await first.stop();
  });

  const drainBoth = () => Promise.all([first.services.webhookProcessor.drain(), second.services.webhookProcessor.drain()]);

  it("issues exactly one license per subscription when created and activated are applied concurrently", async () => {
    const now = Date.now();
    const subscriptions = Array.from({ length: 8 }, (_, n) => ({
      subscriptionId: `sub_race_${n}`,
      customerId: `ctm_race_${n}`,
      // Half on a lifetime plan: its seat must be taken once too.
      priceId: n % 2 === 0 ? PRICES.pro : PRICES.founders,
    }));
    for (const { customerId } of subscriptions) {
      const answer = await paddle.deliver(
        first.baseUrl,
        customerCreated({ customerId, email: `${customerId}@example.com`, occurredAt: new Date(now - 60_000).toISOString() }),
      );
      expect(answer.status).toBe(200);
    }
    await drainBoth();
    for (const [n, { subscriptionId, customerId, priceId }] of subscriptions.entries()) {
      const [created, activated] = ["subscription.created", "subscription.activated"].map((type, index) =>
        subscriptionEvent({
          type,
          subscriptionId,
          customerId,
          status: "active",
          occurredAt: new Date(now + n * 10 + index).toISOString(),
          items: [{ priceId, amount: 2900 }],
        }),
      );
      // created to one instance, activated to the other, at once: each instance starts processing on receipt, so
      // both snapshots of one subscription are applied at the same time.
      const answers = await Promise.all([paddle.deliver(first.baseUrl, created!), paddle.deliver(second.baseUrl, activated!)]);
      for (const answer of answers) expect(answer.status).toBe(200);
      await drainBoth();
    }
    await drainBoth();
    await drainBoth();

    const models = first.services.models;
    for (const [index, { subscriptionId }] of subscriptions.entries()) {
      const licenses = await models.License.find({ paddle_subscription_id: subscriptionId }).lean().exec();
      expect(licenses).toHaveLength(1);
      const state = await models.BillingSubscription.findOne({ key: subscriptionId }).lean().exec();
      expect(state?.license_id).toEqual(licenses[0]!._id);
      // The newer snapshot's state stands, whichever transaction committed last.
      expect(state?.snapshot_at).toEqual(new Date(now + index * 10 + 1));
      expect(await models.Notification.countDocuments({ license_id: licenses[0]!._id, kind: NotificationKind.license_issued }).exec()).toBe(
        1,
      );
      expect(await models.MrrChange.countDocuments({ subscription_id: subscriptionId }).exec()).toBe(1);
    }
    const rows = await models.WebhookEvent.find({ event_type: { $in: ["subscription.created", "subscription.activated"] } })
      .lean()
      .exec();
    expect(rows.every((row) => row.status === WebhookEventStatus.processed || row.status === WebhookEventStatus.ignored)).toBe(true);
    expect(await models.License.countDocuments({}).exec()).toBe(subscriptions.length);
    await expectLicensingInvariants(models);
  });

  it("suspends a license whose grace period ended once, when both instances sweep at the same time", async () => {
    const now = Date.now();
    const models = first.services.models;
    const base = { subscriptionId: "sub_sweep_race", customerId: "ctm_sweep_race", items: [{ priceId: PRICES.pro, amount: 799 }] };
    await paddle.deliver(
      first.baseUrl,
      customerCreated({ customerId: base.customerId, email: "sweep@example.com", occurredAt: new Date(now - 60_000).toISOString() }),
    );
    await paddle.deliver(
      first.baseUrl,
      subscriptionEvent({ ...base, type: "subscription.created", status: "active", occurredAt: new Date(now - 2000).toISOString() }),
    );
    await paddle.deliver(
      first.baseUrl,
      subscriptionEvent({ ...base, type: "subscription.past_due", status: "past_due", occurredAt: new Date(now - 1000).toISOString() }),
    );
    await drainBoth();
    const license = await models.License.findOne({ paddle_subscription_id: base.subscriptionId }).lean().exec();
    expect(license?.grace_until).toEqual(new Date(now - 1000));

    const suspended = await Promise.all([
      first.services.graceSweeper.sweep(),
      second.services.graceSweeper.sweep(),
      first.services.graceSweeper.sweep(),
    ]);
    expect(suspended.reduce((sum, count) => sum + count, 0)).toBe(1);
    expect(await models.License.findById(license!._id).lean().exec()).toMatchObject({
      status: "suspended",
      status_reason: "billing:past_due",
    });
    expect(await models.ActivityLog.countDocuments({ license_id: license!._id, action: "license.suspended" }).exec()).toBe(1);
    expect(await models.Notification.countDocuments({ license_id: license!._id, kind: NotificationKind.license_suspended }).exec()).toBe(1);
    await expectLicensingInvariants(models);
  });
});
