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

describe("subscription events delivered to two platform instances at once", () => {
  let first: TestPlatform;
  let second: TestPlatform;

  beforeAll(async () => {
    first = await startTestPlatform({ env: ENV });
    const connection = await createConnection(first.db.uri, { dbName: first.db.connection.name, bufferCommands: false }).asPromise();
    const config = testConfig(ENV);
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
    for (const { subscriptionId } of subscriptions) {
      const licenses = await models.License.find({ paddle_subscription_id: subscriptionId }).lean().exec();
      expect(licenses).toHaveLength(1);
      const state = await models.BillingSubscription.findOne({ key: subscriptionId }).lean().exec();
      expect(state?.license_id).toEqual(licenses[0]!._id);
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
});
