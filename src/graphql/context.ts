import DataLoader from "dataloader";
import type { FastifyBaseLogger } from "fastify";
import { byIdLoader, groupLoader, toObjectId } from "../db/loaders";
import type { BillingSubscription } from "../modules/billing/billing-subscription.model";
import type { Customer } from "../modules/customers/customer.model";
import type { Activation } from "../modules/licenses/activation.model";
import type { License } from "../modules/licenses/license.model";
import type { PaymentAdjustment } from "../modules/payments/payment-adjustment.model";
import type { Payment } from "../modules/payments/payment.model";
import type { Plan } from "../modules/plans/plan.model";
import type { UsageCounter } from "../modules/usage/usage-counter.model";
import type { Services } from "../services";
import type { Principal } from "./principal";

export interface Loaders {
  plan: DataLoader<string, Plan | null>;
  customer: DataLoader<string, Customer | null>;
  license: DataLoader<string, License | null>;
  licensesByCustomer: DataLoader<string, License[]>;
  activationsByLicense: DataLoader<string, Activation[]>;
  paymentsByCustomer: DataLoader<string, Payment[]>;
  payment: DataLoader<string, Payment | null>;
  adjustmentsByPayment: DataLoader<string, PaymentAdjustment[]>;
  monthCounter: DataLoader<string, UsageCounter | null>;
  /** Billing state by Paddle subscription id (sub_…). */
  billingSubscription: DataLoader<string, BillingSubscription | null>;
}

/** Everything a resolver gets; a new one for every request (graphql-shield caches decisions on it). */
export interface GraphQLContext {
  principal: Principal;
  services: Services;
  loaders: Loaders;
  requestId: string;
  ip: string | null;
  logger: FastifyBaseLogger;
}

export function createLoaders(services: Services): Loaders {
  const { models } = services;
  return {
    plan: byIdLoader<Plan>(models.Plan),
    customer: byIdLoader<Customer>(models.Customer),
    license: byIdLoader<License>(models.License),
    licensesByCustomer: groupLoader<License>(models.License, "customer_id"),
    activationsByLicense: groupLoader<Activation>(models.Activation, "license_id"),
    paymentsByCustomer: groupLoader<Payment>(models.Payment, "customer_id", 100),
    payment: byIdLoader<Payment>(models.Payment),
    adjustmentsByPayment: groupLoader<PaymentAdjustment>(models.PaymentAdjustment, "payment_id"),
    monthCounter: new DataLoader<string, UsageCounter | null>(async (ids) => {
      const counters = await services.usage.monthCounters(ids.map(toObjectId));
      return ids.map((id) => counters.get(id) ?? null);
    }),
    billingSubscription: new DataLoader<string, BillingSubscription | null>(async (ids) => {
      const states = await services.subscriptionState.findMany(ids);
      return ids.map((id) => states.get(id) ?? null);
    }),
  };
}
