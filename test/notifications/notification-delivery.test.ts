import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createConnection } from "mongoose";
import { createModels } from "../../src/db/models";
import { AdminRole } from "../../src/modules/admins/admin.model";
import { DeliveryStatus } from "../../src/modules/notifications/notification.model";
import { messageIdFor } from "../../src/modules/notifications/notification-email.sender";
import { runNotificationPass } from "../../src/modules/notifications/notification-worker";
import { WebhookSender } from "../../src/modules/notifications/notification-webhook.sender";
import { createServices } from "../../src/services";
import { newLicense } from "../support/fixtures";
import { freePort, startMailServer, startWebhookReceiver, type MailServer, type WebhookReceiver } from "../support/notify-receivers";
import { bearer, servePlatform, startTestPlatform, testConfig, type TestPlatform } from "../support/platform";
import {
  capturingLogger,
  EMAIL_FROM,
  licenseIssued,
  manualClock,
  NOTIFICATION_FIELDS,
  storedNotification,
  verifySignature,
  WEBHOOK_SECRET,
} from "./notify-fixtures";

interface DeliveryView {
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  deliveredAt: string | null;
}
interface NotificationView {
  id: string;
  idempotencyKey: string;
  webhook: DeliveryView;
  email: DeliveryView;
  data: Record<string, unknown>;
}

describe("notification delivery to a webhook receiver and an SMTP server", () => {
  const time = manualClock();
  const logs = capturingLogger();
  let receiver: WebhookReceiver;
  let mail: MailServer;
  let platform: TestPlatform;
  let admin: Record<string, string>;

  beforeAll(async () => {
    [receiver, mail] = await Promise.all([startWebhookReceiver(), startMailServer()]);
    platform = await startTestPlatform({
      clock: time.clock,
      // The test runs delivery itself (drain) on its pinned clock; the platform's timer would race it.
      backgroundWork: false,
      logger: logs.logger,
      env: {
        NOTIFY_WEBHOOK_URL: receiver.url,
        NOTIFY_WEBHOOK_SECRET: WEBHOOK_SECRET,
        SMTP_URL: mail.url,
        NOTIFY_EMAIL_FROM: EMAIL_FROM,
        LOG_REQUESTS: "true",
      },
    });
    admin = bearer(await platform.token(AdminRole.admin));
  });
  afterAll(async () => {
    await platform.stop();
    await Promise.all([receiver.close(), mail.close()]);
  });

  const drain = () => runNotificationPass(platform.services.notificationDelivery, platform.app.log);
  const receivedFor = (key: string) => receiver.received.filter((request) => request.headers["idempotency-key"] === key);
  const mailsFor = (key: string) => mail.mails.filter((message) => message.headers["x-chatello-idempotency-key"] === key);

  async function viewOf(id: string): Promise<NotificationView> {
    const answer = await platform.graphql<{ notifications: { edges: Array<{ node: NotificationView }> } }>(
      `query($first: Int) { notifications(first: $first) { edges { node { ${NOTIFICATION_FIELDS} } } } }`,
      { first: 100 },
      admin,
    );
    const node = answer.data?.notifications.edges.map((edge) => edge.node).find((candidate) => candidate.id === id);
    if (!node) throw new Error(`notification ${id} not listed: ${JSON.stringify(answer.errors)}`);
    return node;
  }

  it("POSTs the message exactly as recorded, signed, with its idempotency key, and records the delivery", async () => {
    const { license, customer } = await newLicense(platform, "pro");
    const message = licenseIssued({ customerId: customer._id, licenseId: license._id, recipientEmail: customer.email });
    expect(await platform.services.notifications.enqueue(message)).toBe(true);
    expect(await platform.services.notifications.enqueue(message)).toBe(false);
    await drain();

    const stored = await storedNotification(platform, message.idempotencyKey);
    const [request, ...more] = receivedFor(message.idempotencyKey);
    expect(more).toHaveLength(0);
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(request?.body ?? "")).toEqual({
      id: stored._id.toHexString(),
      kind: "license_issued",
      idempotencyKey: message.idempotencyKey,
      createdAt: stored.created_at.toISOString(),
      subject: "Your Chatello license key",
      customerId: customer._id.toHexString(),
      licenseId: license._id.toHexString(),
      recipientEmail: customer.email,
      data: { plan: "pro", expiresAt: null, sites: 3, licenseKey: message.licenseKey },
    });
    expect(verifySignature(request?.headers["x-chatello-signature"], request?.body ?? "", WEBHOOK_SECRET)).toBe(
      Math.floor(time.clock() / 1000),
    );
    expect(() => verifySignature(request?.headers["x-chatello-signature"], `${request?.body} `, WEBHOOK_SECRET)).toThrow("bad signature");

    const view = await viewOf(stored._id.toHexString());
    expect(view.webhook).toEqual({
      status: DeliveryStatus.delivered,
      attempts: 1,
      nextAttemptAt: null,
      lastError: null,
      deliveredAt: new Date(time.clock()).toISOString(),
    });
    expect(view.email).toMatchObject({ status: DeliveryStatus.delivered, attempts: 1 });
    // The key is delivered, never shown: not in `data`, and no field of the type holds it.
    expect(JSON.stringify(view)).not.toContain(message.licenseKey);
  });

  it("e-mails the recipient a readable text with the key, From NOTIFY_EMAIL_FROM, keyed headers", async () => {
    const message = licenseIssued();
    await platform.services.notifications.enqueue(message);
    await drain();
    const [sent, ...more] = mailsFor(message.idempotencyKey);
    expect(more).toHaveLength(0);
    expect(sent?.envelopeFrom).toBe("billing@chatello.test");
    expect(sent?.envelopeTo).toEqual([message.recipientEmail]);
    expect(sent?.headers).toMatchObject({
      from: EMAIL_FROM,
      to: message.recipientEmail,
      subject: "Your Chatello license key",
      "message-id": messageIdFor(message.idempotencyKey, EMAIL_FROM),
      "x-chatello-idempotency-key": message.idempotencyKey,
    });
    expect(sent?.headers["message-id"]).toMatch(/^<[0-9a-f]{40}@chatello\.test>$/);
    expect(sent?.headers["content-type"]).toMatch(/^text\/plain/);
    expect(sent?.text).toContain(`License key: ${message.licenseKey}\n`);
    expect(sent?.text).toContain("open the Chatello plugin's settings, paste the key into the\nLicense key field and save");
    expect(sent?.text).toContain("  plan: pro\n");
    expect(sent?.text).toContain(`Reference: ${message.idempotencyKey}`);
  });

  it("sends no e-mail for a message without a recipient (operators' messages): the e-mail is skipped", async () => {
    const message = licenseIssued({ recipientEmail: null });
    await platform.services.notifications.enqueue(message);
    await drain();
    expect(mailsFor(message.idempotencyKey)).toHaveLength(0);
    expect(receivedFor(message.idempotencyKey)).toHaveLength(1);
    const view = await viewOf((await storedNotification(platform, message.idempotencyKey))._id.toHexString());
    expect(view.email).toEqual({ status: DeliveryStatus.skipped, attempts: 0, nextAttemptAt: null, lastError: null, deliveredAt: null });
  });

  it("retries a receiver that fails twice with backoff (10 s, then 20 s), visible in GraphQL, then delivers the same body", async () => {
    const message = licenseIssued({ recipientEmail: null });
    await platform.services.notifications.enqueue(message);
    const id = (await storedNotification(platform, message.idempotencyKey))._id.toHexString();
    receiver.answers.push(500, 503);

    await drain();
    const failedAt = time.clock();
    expect((await viewOf(id)).webhook).toEqual({
      status: DeliveryStatus.pending,
      attempts: 1,
      nextAttemptAt: new Date(failedAt + 10_000).toISOString(),
      lastError: "the receiver answered HTTP 500",
      deliveredAt: null,
    });
    // Not due yet: a pass sends nothing.
    time.advance(9_999);
    await drain();
    expect(receivedFor(message.idempotencyKey)).toHaveLength(1);

    time.advance(1);
    await drain();
    expect((await viewOf(id)).webhook).toEqual({
      status: DeliveryStatus.pending,
      attempts: 2,
      nextAttemptAt: new Date(time.clock() + 20_000).toISOString(),
      lastError: "the receiver answered HTTP 503",
      deliveredAt: null,
    });

    time.advance(20_000);
    await drain();
    const delivered = await viewOf(id);
    expect(delivered.webhook).toMatchObject({
      status: DeliveryStatus.delivered,
      attempts: 3,
      deliveredAt: new Date(time.clock()).toISOString(),
    });
    const requests = receivedFor(message.idempotencyKey);
    expect(requests).toHaveLength(3);
    expect(new Set(requests.map((request) => JSON.parse(request.body).data.licenseKey))).toEqual(new Set([message.licenseKey]));
    for (const request of requests) verifySignature(request.headers["x-chatello-signature"], request.body, WEBHOOK_SECRET);
  });

  it("retryNotification makes a waiting delivery due now; refuses a delivered one, an unknown or malformed id", async () => {
    const message = licenseIssued({ recipientEmail: null });
    await platform.services.notifications.enqueue(message);
    const id = (await storedNotification(platform, message.idempotencyKey))._id.toHexString();
    receiver.answers.push(500);
    await drain();
    expect((await viewOf(id)).webhook.nextAttemptAt).toBe(new Date(time.clock() + 10_000).toISOString());

    const retried = await platform.graphql<{ retryNotification: NotificationView }>(
      `mutation($id: ID!) { retryNotification(id: $id) { id webhook { status attempts nextAttemptAt lastError } } }`,
      { id },
      admin,
    );
    expect(retried.data?.retryNotification.webhook).toEqual({
      status: DeliveryStatus.pending,
      attempts: 1,
      nextAttemptAt: new Date(time.clock()).toISOString(),
      lastError: "the receiver answered HTTP 500",
    });
    await drain();
    expect((await viewOf(id)).webhook).toMatchObject({ status: DeliveryStatus.delivered, attempts: 2 });

    const retry = (target: string) =>
      platform
        .graphql(`mutation($id: ID!) { retryNotification(id: $id) { id } }`, { id: target }, admin)
        .then((answer) => answer.errors?.[0]);
    expect(await retry(id)).toMatchObject({
      message: "Nothing to retry: the webhook delivery is delivered and the e-mail is skipped",
      extensions: { code: "CONFLICT" },
    });
    expect(await retry("0123456789abcdef01234567")).toMatchObject({ message: "Notification not found", extensions: { code: "NOT_FOUND" } });
    expect(await retry("nope")).toMatchObject({ extensions: { code: "BAD_USER_INPUT" } });
  });

  it("never writes the license key or the webhook secret to the logs (deliveries, failures, GraphQL requests)", async () => {
    const message = licenseIssued();
    await platform.services.notifications.enqueue(message);
    receiver.answers.push(502);
    await drain();
    time.advance(10_000);
    await drain();
    await viewOf((await storedNotification(platform, message.idempotencyKey))._id.toHexString());
    const text = logs.text();
    expect(text).toContain('"msg":"notification delivery failed; will retry"');
    expect(text).toContain('"msg":"notification delivered"');
    expect(text).toContain(message.idempotencyKey);
    expect(text).not.toContain(message.licenseKey);
    expect(text).not.toContain(WEBHOOK_SECRET);
  });
});

describe("notification delivery when the receiver is down", () => {
  const time = manualClock();
  let platform: TestPlatform;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    platform = await startTestPlatform({
      clock: time.clock,
      env: { NOTIFY_WEBHOOK_URL: `http://127.0.0.1:${port}/hooks`, NOTIFY_WEBHOOK_SECRET: WEBHOOK_SECRET },
    });
  });
  afterAll(() => platform.stop());

  it("keeps every message (pending, with the error) and delivers each once when the receiver is back", async () => {
    const messages = Array.from({ length: 5 }, () => licenseIssued());
    for (const message of messages) await platform.services.notifications.enqueue(message);
    const report = await platform.services.notificationDelivery.drain();
    expect(report.delivered).toHaveLength(0);
    expect(report.failed).toHaveLength(5);
    for (const message of messages) {
      const stored = await storedNotification(platform, message.idempotencyKey);
      expect(stored.webhook).toMatchObject({ status: DeliveryStatus.pending, attempts: 1, last_error: "fetch failed: ECONNREFUSED" });
      // No SMTP_URL when they were written: e-mail skipped.
      expect(stored.email.status).toBe(DeliveryStatus.skipped);
    }

    const receiver = await startWebhookReceiver(port);
    try {
      time.advance(10_000);
      await platform.services.notificationDelivery.drain();
      const keys = receiver.received.map((request) => request.headers["idempotency-key"]);
      expect(keys.sort()).toEqual(messages.map((message) => message.idempotencyKey).sort());
      for (const message of messages) {
        expect((await storedNotification(platform, message.idempotencyKey)).webhook).toMatchObject({
          status: DeliveryStatus.delivered,
          attempts: 2,
        });
      }
    } finally {
      await receiver.close();
    }
  });
});

describe("notification delivery by two platform instances sharing one database", () => {
  let receiver: WebhookReceiver;
  let mail: MailServer;
  let first: TestPlatform;
  let second: TestPlatform;

  beforeAll(async () => {
    [receiver, mail] = await Promise.all([startWebhookReceiver(), startMailServer()]);
    const env = { NOTIFY_WEBHOOK_URL: receiver.url, NOTIFY_WEBHOOK_SECRET: WEBHOOK_SECRET, SMTP_URL: mail.url };
    first = await startTestPlatform({ env });
    const connection = await createConnection(first.db.uri, { dbName: first.db.connection.name, bufferCommands: false }).asPromise();
    const config = testConfig(env);
    second = await servePlatform(
      config,
      { type: "mongodb", uri: first.db.uri, connection, close: () => connection.close() },
      createServices(createModels(connection), config),
    );
  });
  afterAll(async () => {
    await second.stop();
    await first.stop();
    await Promise.all([receiver.close(), mail.close()]);
  });

  it("writes one message when both instances enqueue the same key at once", async () => {
    const message = licenseIssued();
    const written = await Promise.all(
      Array.from({ length: 20 }, (_, n) =>
        (n % 2 === 0 ? first : second).services.notifications.enqueue({ ...message, subject: `try ${n}` }),
      ),
    );
    expect(written.filter(Boolean)).toHaveLength(1);
    expect(await first.services.models.Notification.countDocuments({ idempotency_key: message.idempotencyKey })).toBe(1);
    await first.services.models.Notification.deleteOne({ idempotency_key: message.idempotencyKey });
  });

  it("delivers each of 30 messages once per channel when both drain at the same time", async () => {
    const messages = Array.from({ length: 30 }, () => licenseIssued());
    await Promise.all(messages.map((message, n) => (n % 2 === 0 ? first : second).services.notifications.enqueue(message)));
    const reports = await Promise.all([first.services.notificationDelivery.drain(), second.services.notificationDelivery.drain()]);

    const keys = messages.map((message) => message.idempotencyKey).sort();
    expect(receiver.received.map((request) => request.headers["idempotency-key"]).sort()).toEqual(keys);
    expect(mail.mails.map((sent) => sent.headers["x-chatello-idempotency-key"]).sort()).toEqual(keys);
    expect(reports.reduce((sum, report) => sum + report.delivered.length, 0)).toBe(60);
    expect(reports.every((report) => report.failed.length === 0)).toBe(true);
    const states = await first.services.models.Notification.find({}, { webhook: 1, email: 1 }).lean().exec();
    expect(states.map((state) => [state.webhook.status, state.webhook.attempts, state.email.status, state.email.attempts])).toEqual(
      messages.map(() => [DeliveryStatus.delivered, 1, DeliveryStatus.delivered, 1]),
    );
  });
});

describe("the webhook sender's timeout", () => {
  it("counts a receiver that does not answer in time as a failure, with a readable error", async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/`;
      const sender = new WebhookSender(url, WEBHOOK_SECRET, Date.now, 100);
      const platform = await startTestPlatform({ seed: false });
      try {
        const message = licenseIssued();
        await platform.services.notifications.enqueue(message);
        const stored = await storedNotification(platform, message.idempotencyKey);
        await expect(sender.send(stored, {})).rejects.toThrow("no answer within 0.1 s");
      } finally {
        await platform.stop();
      }
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
