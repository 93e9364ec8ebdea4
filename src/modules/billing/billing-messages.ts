import type { mongoose } from "@typegoose/typegoose";
import type { License } from "../licenses/license.model";
import type { NewNotification } from "../notifications/notification-outbox.service";
import { NotificationKind } from "../notifications/notification.model";

/**
 * The outbox messages the subscription lifecycle writes (in the transaction of the change they announce). Each
 * idempotency key names what it announces, so a retried event or a second instance writes no second message.
 */
interface Recipient {
  customerId: mongoose.Types.ObjectId;
  email: string | null;
}

/** The new license and its key (the key is a secret field: delivered, never shown in GraphQL). */
export function licenseIssuedMessage(
  license: License,
  key: string,
  plan: { name: string; display_name: string },
  subscriptionId: string,
  to: Recipient,
  cause: string,
): NewNotification {
  return {
    kind: NotificationKind.license_issued,
    idempotencyKey: `license_issued:${license._id.toHexString()}`,
    subject: `Your Chatello license (${plan.display_name})`,
    data: { licenseId: license._id.toHexString(), keyLast4: license.key_last4, plan: plan.name, subscriptionId },
    secret: { licenseKey: key },
    ...addressed(license, to),
    cause,
  };
}

/** Sent once per past-due period, when it starts: the license stays valid until `graceUntil`. */
export function gracePeriodMessage(
  license: License,
  subscriptionId: string,
  pastDueSince: Date,
  graceUntil: Date,
  to: Recipient,
  cause: string,
): NewNotification {
  return {
    kind: NotificationKind.grace_period_ending,
    idempotencyKey: `grace_period_ending:${subscriptionId}:${pastDueSince.toISOString()}`,
    subject: `Payment past due: your Chatello license stays valid until ${graceUntil.toISOString().slice(0, 10)}`,
    data: {
      licenseId: license._id.toHexString(),
      keyLast4: license.key_last4,
      subscriptionId,
      pastDueSince: pastDueSince.toISOString(),
      graceUntil: graceUntil.toISOString(),
    },
    ...addressed(license, to),
    cause,
  };
}

/** Billing suspended the license: its subscription was paused, or its grace period ended unpaid. */
export function licenseSuspendedMessage(
  license: License,
  why: { reason: "billing:paused" | "billing:past_due" | "billing:chargeback"; occurrence: string; details?: Record<string, unknown> },
  to: Recipient,
  cause: string,
): NewNotification {
  return {
    kind: NotificationKind.license_suspended,
    idempotencyKey: `license_suspended:${license._id.toHexString()}:${why.occurrence}`,
    subject: SUSPENDED_SUBJECTS[why.reason],
    data: { licenseId: license._id.toHexString(), keyLast4: license.key_last4, reason: why.reason, ...why.details },
    ...addressed(license, to),
    cause,
  };
}

const SUSPENDED_SUBJECTS = {
  "billing:paused": "Your Chatello license is suspended: subscription paused",
  "billing:past_due": "Your Chatello license is suspended: payment past due",
  "billing:chargeback": "Your Chatello license is suspended: the payment was disputed",
} as const;

function addressed(license: License, to: Recipient): Pick<NewNotification, "customerId" | "licenseId" | "recipientEmail"> {
  return { customerId: to.customerId, licenseId: license._id, recipientEmail: to.email };
}
