import type { Clock } from "../../clock";
import type { NotificationsConfig } from "../../config";
import type { ChannelSender, DeliveryChannel } from "./notification-delivery.service";
import { EmailSender } from "./notification-email.sender";
import { WebhookSender } from "./notification-webhook.sender";

/** The channels the configuration enables: the webhook with its URL and secret, e-mail with SMTP_URL. */
export function notificationSenders(config: NotificationsConfig, clock: Clock): Partial<Record<DeliveryChannel, ChannelSender>> {
  const senders: Partial<Record<DeliveryChannel, ChannelSender>> = {};
  if (config.webhookUrl !== undefined && config.webhookSecret !== undefined) {
    senders.webhook = new WebhookSender(config.webhookUrl, config.webhookSecret, clock);
  }
  if (config.smtpUrl !== undefined) senders.email = new EmailSender(config.smtpUrl, config.emailFrom);
  return senders;
}
