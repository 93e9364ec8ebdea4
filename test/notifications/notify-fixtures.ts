import { createHmac, timingSafeEqual } from "node:crypto";
import { Writable } from "node:stream";
import type { mongoose } from "@typegoose/typegoose";
import type { FastifyBaseLogger } from "fastify";
import pino from "pino";
import { NotificationKind, type Notification } from "../../src/modules/notifications/notification.model";
import type { NewNotification } from "../../src/modules/notifications/notification-outbox.service";
import type { TestPlatform } from "../support/platform";
import { unique } from "../support/fixtures";

export const WEBHOOK_SECRET = "whsec_notify_test_0123456789abcdef";
export const EMAIL_FROM = "Chatello Billing <billing@chatello.test>";

/** A clock the test moves by hand: retries fall due only when the test says the time has come. */
export function manualClock(): { clock: () => number; advance(ms: number): void } {
  let now = Date.parse("2030-01-01T00:00:00.000Z");
  return { clock: () => now, advance: (ms) => (now += ms) };
}

/** A logger whose JSON lines the test can read back (to check that no secret is ever written). */
export function capturingLogger(): { logger: FastifyBaseLogger; text: () => string } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: pino({ level: "debug" }, sink), text: () => lines.join("") };
}

/** A license_issued message as the lifecycle writes it: the key only in `secret`. */
export function licenseIssued(
  overrides: Partial<NewNotification> & { licenseKey?: string; licenseId?: mongoose.Types.ObjectId | null } = {},
): NewNotification & { licenseKey: string } {
  const licenseKey = overrides.licenseKey ?? `CHAT-${unique("KEY").toUpperCase()}`;
  return {
    kind: NotificationKind.license_issued,
    idempotencyKey: unique("license_issued"),
    subject: "Your Chatello license key",
    data: { plan: "pro", expiresAt: null, sites: 3 },
    secret: { licenseKey },
    recipientEmail: `${unique("buyer")}@example.com`,
    cause: "evt_test",
    ...overrides,
    licenseKey,
  };
}

export async function storedNotification(p: TestPlatform, idempotencyKey: string): Promise<Notification> {
  const found = await p.services.models.Notification.findOne({ idempotency_key: idempotencyKey }).lean<Notification>().exec();
  if (!found) throw new Error(`no notification ${idempotencyKey}`);
  return found;
}

/**
 * Checks an X-Chatello-Signature header the way a receiver would (the README's code): HMAC-SHA256 of "<t>.<body>"
 * with the shared secret, compared in constant time. Returns the signed timestamp.
 */
export function verifySignature(header: string | string[] | undefined, body: string, secret: string): number {
  const parts = new Map(
    String(header)
      .split(",")
      .map((part) => part.split("=", 2) as [string, string]),
  );
  const t = parts.get("t") ?? "";
  const expected = createHmac("sha256", secret).update(`${t}.${body}`).digest();
  const given = Buffer.from(parts.get("v1") ?? "", "hex");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new Error("bad signature");
  return Number(t);
}

export const NOTIFICATION_FIELDS = `
  id kind idempotencyKey customerId licenseId recipientEmail subject data cause createdAt updatedAt
  webhook { status attempts nextAttemptAt lastError deliveredAt }
  email { status attempts nextAttemptAt lastError deliveredAt }
`;
