import type { mongoose } from "@typegoose/typegoose";
import { SYSTEM_ACTOR } from "../../src/modules/activity/activity.service";
import { DeliveryStatus, NotificationKind, type Notification } from "../../src/modules/notifications/notification.model";
import type { Customer } from "../../src/modules/customers/customer.model";
import type { Plan } from "../../src/modules/plans/plan.model";
import { monthWindow } from "../../src/modules/usage/usage-windows";
import { startAiPlatform, type AiPlatform } from "../support/ai-platform";
import { steppingClock } from "../support/clock";
import { newCustomer, newPlan } from "../support/fixtures";
import { http, type HttpResult } from "../support/http";
import { startMailServer, type MailServer } from "../support/notify-receivers";

// The pinned clock is in June 2099: the month counted in, and the month the messages name.
const time = steppingClock();
const MONTH = "2099-06";
const RESETS_AT = "2099-07-01T00:00:00.000Z";
let p: AiPlatform;
let mail: MailServer;

beforeAll(async () => {
  mail = await startMailServer();
  p = await startAiPlatform({ clock: time.clock, env: { SMTP_URL: mail.url } });
});
afterAll(async () => {
  await p?.stop();
  await mail?.close();
});

const HI = [{ role: "user", content: "Hi" }];
const chat = (key: string): Promise<HttpResult> => http(p.baseUrl, "POST", "/api/chat", { key, json: { messages: HI } });
const chats = (key: string, n: number): Promise<HttpResult[]> => Promise.all(Array.from({ length: n }, () => chat(key)));
const statuses = (responses: HttpResult[]): number[] => responses.map((response) => response.status).sort();

async function licenseOn(
  overrides: Partial<Omit<Plan, "_id">>,
): Promise<{ key: string; licenseId: mongoose.Types.ObjectId; customer: Customer }> {
  const plan = await newPlan(p, {
    monthly_requests: 0,
    requests_per_minute: 0,
    requests_per_hour: 0,
    monthly_budget_micros: 0,
    ...overrides,
  });
  const customer = await newCustomer(p);
  const { key, license } = await p.services.licenses.issue({ customerId: customer._id, plan: plan.name }, SYSTEM_ACTOR);
  return { key, licenseId: license._id, customer };
}

function usageMessages(licenseId: mongoose.Types.ObjectId): Promise<Notification[]> {
  return p.services.models.Notification.find({ kind: NotificationKind.usage_threshold, license_id: licenseId })
    .sort({ idempotency_key: 1 })
    .lean<Notification[]>()
    .exec();
}
const keysOf = (messages: Notification[]): string[] => messages.map((message) => message.idempotency_key);

/** Sets the month's settled cost, as if earlier calls had spent it. */
async function spent(licenseId: mongoose.Types.ObjectId, costMicros: number): Promise<void> {
  await p.services.models.UsageCounter.updateOne(
    { license_id: licenseId, window: monthWindow(new Date(time.clock())) },
    {
      $set: { cost_micros: costMicros },
      $setOnInsert: { requests: 0, reserved_micros: 0, pending: [], expires_at: new Date("2100-01-01") },
    },
    { upsert: true },
  ).exec();
}

describe("usage at 80 % and 100 % of the monthly requests", () => {
  it("writes nothing under 80 %, then each threshold once under 30 concurrent calls, to the customer", async () => {
    time.rewind();
    const { key, licenseId, customer } = await licenseOn({ monthly_requests: 10 });
    expect(statuses(await chats(key, 7))).toEqual(Array(7).fill(200));
    expect(await usageMessages(licenseId)).toEqual([]);

    // 3 more fit: the 8th call reaches 80 %, the 10th 100 %; the other 27 are refused at the limit.
    const answers = await chats(key, 30);
    expect(statuses(answers)).toEqual([...Array(3).fill(200), ...Array(27).fill(429)]);
    const prefix = `usage_threshold:${licenseId.toHexString()}:${MONTH}:requests`;
    const messages = await usageMessages(licenseId);
    expect(keysOf(messages)).toEqual([`${prefix}:100`, `${prefix}:80`]);
    const [full, eighty] = messages;
    expect(full).toMatchObject({
      subject: "Your monthly AI request limit is reached",
      customer_id: customer._id,
      recipient_email: customer.email,
      cause: "usage",
      data: {
        licenseId: licenseId.toHexString(),
        month: MONTH,
        metric: "requests",
        threshold: 100,
        used: 10,
        limit: 10,
        resetsAt: RESETS_AT,
      },
    });
    // Queued for e-mail (not skipped). The platform's delivery worker runs meanwhile, so it may already be on its way.
    expect([DeliveryStatus.pending, DeliveryStatus.sending, DeliveryStatus.delivered]).toContain(full?.email?.status);
    expect(eighty?.data).toMatchObject({ metric: "requests", threshold: 80, limit: 10 });
    expect(eighty?.data["used"]).toBeGreaterThanOrEqual(8);

    // More refused calls write nothing more.
    await chats(key, 5);
    expect(keysOf(await usageMessages(licenseId))).toEqual([`${prefix}:100`, `${prefix}:80`]);
  });

  it("e-mails the customer a readable usage message", async () => {
    time.rewind();
    const { key, licenseId, customer } = await licenseOn({ monthly_requests: 1 });
    await chats(key, 2);
    await p.services.notificationDelivery.drain();
    const sent = mail.mails.find(
      (message) => message.headers["x-chatello-idempotency-key"] === `usage_threshold:${licenseId.toHexString()}:${MONTH}:requests:100`,
    );
    expect(sent?.envelopeTo).toEqual([customer.email]);
    expect(sent?.headers["subject"]).toBe("Your monthly AI request limit is reached");
    expect(sent?.text).toContain(`Your Chatello license has used 100 % of its monthly AI requests for ${MONTH}.\n`);
    expect(sent?.text).toContain(`Further AI requests are refused until the limit resets on ${RESETS_AT}, or until the plan is upgraded.`);
  });

  it("writes nothing for a plan without a monthly request limit", async () => {
    time.rewind();
    const { key, licenseId } = await licenseOn({});
    expect(statuses(await chats(key, 12))).toEqual(Array(12).fill(200));
    expect(await usageMessages(licenseId)).toEqual([]);
  });
});

describe("usage at 80 % and 100 % of the monthly AI budget", () => {
  // A call reserves its worst case, 556 micro-euros (see chat-money.test.ts), and the stub's answer costs 4.
  it("80 %: when the settled spend reaches it (once under concurrency); 100 %: when the budget refuses calls", async () => {
    time.rewind();
    const { key, licenseId } = await licenseOn({ monthly_budget_micros: 100_000 });
    const prefix = `usage_threshold:${licenseId.toHexString()}:${MONTH}:budget`;
    await spent(licenseId, 79_990);
    expect(statuses(await chats(key, 2))).toEqual([200, 200]);
    // 79 998 of 100 000: under 80 %. Then 8 calls at once (all fit) pass 80 000 together.
    expect(await usageMessages(licenseId)).toEqual([]);

    expect(statuses(await chats(key, 8))).toEqual(Array(8).fill(200));
    expect(keysOf(await usageMessages(licenseId))).toEqual([`${prefix}:80`]);
    expect((await usageMessages(licenseId))[0]?.data).toMatchObject({
      metric: "budget",
      threshold: 80,
      limit: "0.100000",
      currency: "EUR",
      month: MONTH,
    });

    // 99 500 spent: no call's worst case fits any more; 20 refused at once → the 100 % message, once.
    await spent(licenseId, 99_500);
    expect(statuses(await chats(key, 20))).toEqual(Array(20).fill(402));
    const messages = await usageMessages(licenseId);
    expect(keysOf(messages)).toEqual([`${prefix}:100`, `${prefix}:80`]);
    expect(messages[0]).toMatchObject({
      subject: "Your monthly AI budget is used up",
      data: { metric: "budget", threshold: 100, used: "0.099500", limit: "0.100000", resetsAt: RESETS_AT },
    });
  });
});
