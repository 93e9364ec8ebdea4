import type { Models } from "../../db/models";
import type { ActivityService } from "../activity/activity.service";
import type { LicenseService } from "../licenses/license.service";
import type { NotificationOutbox } from "../notifications/notification-outbox.service";
import type { LedgerService } from "../payments/ledger.service";
import type { PlanService } from "../plans/plan.service";
import type { BillingCustomerService } from "./billing-customer.service";
import { FoundersSaleService } from "./founders-sale.service";
import { PaddleAdjustmentService } from "./paddle-adjustment.service";
import { PaymentFailureService } from "./payment-failure.service";
import type { SubscriptionMrrService } from "./subscription-mrr.service";
import type { TransactionServices } from "./transaction-handlers";
import { TransactionPaymentService } from "./transaction-payment.service";

export interface TransactionServiceDeps {
  models: Models;
  ledger: LedgerService;
  plans: PlanService;
  licenses: LicenseService;
  notifications: NotificationOutbox;
  activity: ActivityService;
  billingCustomers: BillingCustomerService;
  subscriptionMrr: SubscriptionMrrService;
}

/** Wires the services behind the transaction and adjustment webhooks. */
export function createTransactionServices(deps: TransactionServiceDeps): TransactionServices {
  return {
    transactionPayments: new TransactionPaymentService(deps.models, deps.ledger, deps.plans, deps.billingCustomers),
    foundersSales: new FoundersSaleService(deps.models, deps.licenses, deps.notifications, deps.activity),
    paymentFailures: new PaymentFailureService(deps.models, deps.ledger, deps.plans, deps.billingCustomers, deps.notifications),
    paddleAdjustments: new PaddleAdjustmentService(deps.models, deps.ledger, deps.licenses, deps.notifications),
    subscriptionMrr: deps.subscriptionMrr,
  };
}
