import { buildSchema, type ReturnModelType } from "@typegoose/typegoose";
import type { Connection } from "mongoose";
import { ActivityLog } from "../modules/activity/activity-log.model";
import { DailySnapshot } from "../modules/analytics/daily-snapshot.model";
import { MrrChange } from "../modules/analytics/mrr-change.model";
import { Admin } from "../modules/admins/admin.model";
import { BillingSubscription } from "../modules/billing/billing-subscription.model";
import { WebhookEvent } from "../modules/billing/webhook-event.model";
import { Customer } from "../modules/customers/customer.model";
import { Activation } from "../modules/licenses/activation.model";
import { License } from "../modules/licenses/license.model";
import { PaymentAdjustment } from "../modules/payments/payment-adjustment.model";
import { Payment } from "../modules/payments/payment.model";
import { Notification } from "../modules/notifications/notification.model";
import { Plan } from "../modules/plans/plan.model";
import { ApiKey } from "../modules/provider-keys/api-key.model";
import { RateWindow } from "../modules/throttle/rate-window.model";
import { Setting } from "../modules/setup/setting.model";
import { UsageCounter } from "../modules/usage/usage-counter.model";
import { UsageLog } from "../modules/usage/usage-log.model";

const CLASSES = {
  Plan,
  Customer,
  License,
  Activation,
  UsageLog,
  UsageCounter,
  Payment,
  PaymentAdjustment,
  ApiKey,
  ActivityLog,
  Admin,
  WebhookEvent,
  BillingSubscription,
  MrrChange,
  DailySnapshot,
  Notification,
  RateWindow,
  Setting,
};

export type Models = { [K in keyof typeof CLASSES]: ReturnModelType<(typeof CLASSES)[K]> };

// Schemas are built once; models are bound to each connection, so several apps (tests) can share a process.
// Collections and indexes are created by ensureIndexes (boot, `setup init`), not as a side effect of a model.
const schemas = new Map(
  Object.entries(CLASSES).map(([name, cls]) => {
    const schema = buildSchema(cls);
    schema.set("autoCreate", false);
    schema.set("autoIndex", false);
    // Keep empty objects (metadata: {}): a missing field would break non-null GraphQL fields.
    schema.set("minimize", false);
    return [name, schema];
  }),
);

/** The platform's models on one connection (typegoose classes compiled to mongoose schemas). */
export function createModels(connection: Connection): Models {
  const models: Record<string, unknown> = {};
  for (const [name, schema] of schemas) models[name] = connection.models[name] ?? connection.model(name, schema);
  return models as Models;
}

/** Creates every index the models declare (idempotent); run at boot and by `setup init`. */
export async function ensureIndexes(models: Models): Promise<void> {
  for (const model of Object.values(models)) await model.syncIndexes();
}
