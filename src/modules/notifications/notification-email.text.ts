import { NotificationKind, type Notification } from "./notification.model";

/**
 * The plain-text body of a message's e-mail: a paragraph written for its kind, the message's figures, and the
 * idempotency key as a reference. Producers own `data`; what a paragraph reads from it is optional, so a missing
 * field leaves a sentence out rather than printing "undefined".
 */
export function emailText(notification: Notification, secret: Record<string, string>): string {
  const data = notification.data;
  const lines = ["Hello,", "", ...paragraph(notification.kind, data, secret), ""];
  const details = detailLines(data);
  if (details.length > 0) lines.push("Details:", ...details, "");
  lines.push("— Chatello", `Reference: ${notification.idempotency_key}`, "");
  return lines.join("\n");
}

function paragraph(kind: NotificationKind, data: Record<string, unknown>, secret: Record<string, string>): string[] {
  switch (kind) {
    case NotificationKind.license_issued:
      return [
        "Your Chatello license is ready.",
        ...(secret["licenseKey"] ? ["", `License key: ${secret["licenseKey"]}`] : []),
        "",
        "To use it: in your WordPress admin, open the Chatello plugin's settings, paste the key into the",
        "License key field and save. The plugin checks the key with the Chatello platform and unlocks your",
        "plan's features on that site.",
        "",
        "Keep the key private: whoever has it can use your license.",
      ];
    case NotificationKind.payment_failed:
      return [
        "A payment for your Chatello subscription did not go through.",
        "Please check or update your payment method. Your license stays active during the grace period.",
      ];
    case NotificationKind.grace_period_ending:
      return [
        "A payment for your Chatello subscription is still outstanding.",
        `Your license will be suspended${when(data["graceEndsAt"] ?? data["suspendsAt"])} unless the payment goes through.`,
      ];
    case NotificationKind.license_suspended:
      return [
        "Your Chatello license has been suspended: the plugin's licensed features stop working on your sites.",
        "It is reactivated as soon as the reason is resolved (for example, a payment that goes through).",
      ];
    case NotificationKind.usage_threshold:
      return usageParagraph(data);
    case NotificationKind.founders_almost_sold_out:
      return ["The Founders Deal is almost sold out (90 % of its lifetime seats are taken)."];
  }
}

function usageParagraph(data: Record<string, unknown>): string[] {
  const what = data["metric"] === "budget" ? "monthly AI budget" : "monthly AI requests";
  const threshold = Number(data["threshold"]);
  const first = `Your Chatello license has used ${threshold} % of its ${what}${data["month"] ? ` for ${String(data["month"])}` : ""}.`;
  const rest =
    threshold >= 100
      ? `Further AI requests are refused until the limit resets${when(data["resetsAt"])}, or until the plan is upgraded.`
      : `At 100 %, AI requests are refused until the limit resets${when(data["resetsAt"])}.`;
  return [first, rest];
}

const when = (value: unknown): string => (typeof value === "string" && value !== "" ? ` on ${value}` : "");

/** One line per scalar field of `data` (nested objects are for webhook receivers). */
function detailLines(data: Record<string, unknown>): string[] {
  return Object.entries(data)
    .filter(([, value]) => ["string", "number", "boolean"].includes(typeof value))
    .map(([key, value]) => `  ${key}: ${String(value)}`);
}
