import { inTransaction } from "../../src/db/transaction";
import { SYSTEM_ACTOR } from "../../src/modules/activity/activity.service";
import { AdminRole } from "../../src/modules/admins/admin.model";
import { DeliveryStatus, NotificationKind, type Notification } from "../../src/modules/notifications/notification.model";
import { newCustomer, newLicense, newPlan } from "../support/fixtures";
import { startWebhookReceiver, type WebhookReceiver } from "../support/notify-receivers";
import { bearer, startTestPlatform, type TestPlatform } from "../support/platform";
import { WEBHOOK_SECRET } from "./notify-fixtures";

let receiver: WebhookReceiver;
let p: TestPlatform;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  p = await startTestPlatform({ env: { NOTIFY_WEBHOOK_URL: receiver.url, NOTIFY_WEBHOOK_SECRET: WEBHOOK_SECRET } });
});
afterAll(async () => {
  await p.stop();
  await receiver.close();
});

const soldOutMessages = (): Promise<Notification[]> =>
  p.services.models.Notification.find({ kind: NotificationKind.founders_almost_sold_out }).lean<Notification[]>().exec();

describe("Founders 90 % sold: one operators' message, written with the sale", () => {
  it("none at 80 %; one when 20 concurrent sales fill the last seats, from the sale that reached 90 %", async () => {
    const founders = await p.services.plans.update("founders", { lifetime_limit: 10 }, SYSTEM_ACTOR);
    const customer = await newCustomer(p);
    for (let sale = 0; sale < 8; sale++) await newLicense(p, "founders", { customer });
    expect(await soldOutMessages()).toEqual([]);

    const admin = bearer(await p.token(AdminRole.admin));
    const issue = `mutation($customerId: ID!) { issueLicense(input: { customerId: $customerId, plan: "founders" }) { key } }`;
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => p.graphql(issue, { customerId: customer._id.toHexString() }, admin)),
    );
    expect(answers.filter((answer) => answer.errors === undefined)).toHaveLength(2);
    for (const refused of answers.filter((answer) => answer.errors !== undefined)) {
      expect(refused.errors?.[0]).toMatchObject({ message: "Founders Deal sold out", extensions: { code: "CONFLICT" } });
    }

    const messages = await soldOutMessages();
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      idempotency_key: `founders_almost_sold_out:${founders._id.toHexString()}:90`,
      subject: "Founders Deal: 90 % sold (9 of 10)",
      data: { planId: founders._id.toHexString(), plan: "founders", sold: 9, limit: 10, remaining: 1 },
      customer_id: null,
      license_id: null,
      recipient_email: null,
      cause: "system",
      email: { status: DeliveryStatus.skipped },
    });
    // Queued for the webhook. The platform's delivery worker runs meanwhile, so it may already be on its way.
    expect([DeliveryStatus.pending, DeliveryStatus.sending, DeliveryStatus.delivered]).toContain(messages[0]?.webhook?.status);

    await p.services.notificationDelivery.drain();
    const delivered = receiver.received.filter((request) => request.headers["idempotency-key"] === messages[0]?.idempotency_key);
    expect(delivered).toHaveLength(1);
    expect(JSON.parse(delivered[0]?.body ?? "")).toMatchObject({
      kind: "founders_almost_sold_out",
      recipientEmail: null,
      data: { sold: 9 },
    });
  });

  it("writes no message when the sale's transaction is rolled back, and none for a plan without a cap", async () => {
    const capped = await newPlan(p, { is_lifetime: true, lifetime_limit: 10, lifetime_sold: 8 });
    await expect(
      inTransaction(p.services.models, async (session) => {
        await p.services.plans.takeLifetimeSeat(capped, session);
        throw new Error("the license write failed");
      }),
    ).rejects.toThrow("the license write failed");
    expect((await p.services.plans.byName(capped.name)).lifetime_sold).toBe(8);
    expect(
      await p.services.models.Notification.countDocuments({ idempotency_key: `founders_almost_sold_out:${capped._id.toHexString()}:90` }),
    ).toBe(0);

    await inTransaction(p.services.models, (session) => p.services.plans.takeLifetimeSeat(capped, session));
    const written = await p.services.models.Notification.findOne({
      idempotency_key: `founders_almost_sold_out:${capped._id.toHexString()}:90`,
    })
      .lean<Notification>()
      .exec();
    expect(written).toMatchObject({ subject: `Plan ${capped.name}: 90 % sold (9 of 10)`, data: { sold: 9, limit: 10 } });

    const uncapped = await newPlan(p, { is_lifetime: true, lifetime_limit: null, lifetime_sold: 0 });
    for (let sale = 0; sale < 3; sale++) await newLicense(p, uncapped.name);
    expect(await p.services.models.Notification.countDocuments({ "data.planId": uncapped._id.toHexString() })).toBe(0);
  });
});
