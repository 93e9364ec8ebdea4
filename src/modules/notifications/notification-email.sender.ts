import { createHash } from "node:crypto";
import { createTransport, type Transporter } from "nodemailer";
import { emailText } from "./notification-email.text";
import type { Notification } from "./notification.model";

/** Connecting, the greeting and each reply: a server slower than this is a failed attempt (retried later). */
const SMTP_TIMEOUT_MS = 10_000;

/** A Message-ID derived from the idempotency key: a resent e-mail has the same id, so mail systems can drop it. */
export function messageIdFor(idempotencyKey: string, from: string): string {
  const domain = /@([^\s<>@]+)>?\s*$/.exec(from)?.[1] ?? "chatello.invalid";
  return `<${createHash("sha256").update(idempotencyKey).digest("hex").slice(0, 40)}@${domain}>`;
}

/** Sends messages to their recipient through the SMTP server of SMTP_URL (nodemailer). */
export class EmailSender {
  private readonly transport: Transporter;

  constructor(
    smtpUrl: string,
    private readonly from: string,
  ) {
    this.transport = createTransport({
      url: smtpUrl,
      connectionTimeout: SMTP_TIMEOUT_MS,
      greetingTimeout: SMTP_TIMEOUT_MS,
      socketTimeout: SMTP_TIMEOUT_MS,
    });
  }

  async send(notification: Notification, secret: Record<string, string>): Promise<void> {
    // Enqueue marks the e-mail skipped when there is no address; this guards a hand-edited record.
    if (!notification.recipient_email) throw new Error("the message has no recipient address");
    await this.transport.sendMail({
      from: this.from,
      to: notification.recipient_email,
      subject: notification.subject,
      text: emailText(notification, secret),
      messageId: messageIdFor(notification.idempotency_key, this.from),
      headers: { "X-Chatello-Idempotency-Key": notification.idempotency_key },
    });
  }

  close(): void {
    this.transport.close();
  }
}
