import type { Models } from "../../db/models";
import { LicenseStatus, type License } from "../licenses/license.model";
import type { Payment } from "../payments/payment.model";

/**
 * The license a Paddle subscription sells: the newest one that is not cancelled, else the newest (a subscription
 * normally has exactly one; a cancelled and re-issued one must not hide the live one). Null before the subscription
 * half has issued it.
 */
export async function licenseOfSubscription(models: Models, subscriptionId: string): Promise<License | null> {
  const licenses = await models.License.find({ paddle_subscription_id: subscriptionId })
    .sort({ _id: -1 })
    .limit(20)
    .lean<License[]>()
    .exec();
  return licenses.find((license) => license.status !== LicenseStatus.cancelled) ?? licenses[0] ?? null;
}

/**
 * The license a payment paid for: the one linked to it, else the one bought with its transaction (Founders), else
 * its subscription's (a payment recorded before its subscription's license existed).
 */
export async function licenseOfPayment(models: Models, payment: Payment): Promise<License | null> {
  if (payment.license_id) return models.License.findById(payment.license_id).lean<License>().exec();
  const bought = await models.License.findOne({ paddle_transaction_id: payment.transaction_id }).lean<License>().exec();
  if (bought) return bought;
  const subscriptionId = payment.metadata?.["subscription_id"];
  return typeof subscriptionId === "string" ? licenseOfSubscription(models, subscriptionId) : null;
}
