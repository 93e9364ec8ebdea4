import type { BillingCustomerService } from "./billing-customer.service";
import { registerTransactionHandlers, type TransactionServices } from "./transaction-handlers";
import { registerSubscriptionHandlers } from "./subscription-handlers";
import type { SubscriptionLifecycleService } from "./subscription-lifecycle.service";
import type { WebhookEvent } from "./webhook-event.model";

/**
 * Acts on one stored event. Called at most once at a time per event, only while the event is the newest applied to
 * its subscription; it may be called again after a failure (so it must be idempotent), and a throw marks the event
 * `failed` to be retried with backoff.
 */
export type WebhookHandler = (event: WebhookEvent) => Promise<HandlerOutcome | void>;

/** What a handler may say about an event it applied: kept on the event (GraphQL `webhookEvents`). */
export interface HandlerOutcome {
  /** What was done or not done, for people (e.g. "no plan sells price pri_…"). */
  note?: string;
  /** Set when an operator must act (`unknown_price`, `refund_needed`); filterable in `webhookEvents`. */
  attention?: string;
}

/** The handlers by Paddle event type (`subscription.created`, …). An event whose type has none is stored and ignored. */
export class WebhookHandlerRegistry {
  private readonly handlers = new Map<string, WebhookHandler>();

  register(eventType: string, handler: WebhookHandler): this {
    this.handlers.set(eventType, handler);
    return this;
  }

  handlerFor(eventType: string): WebhookHandler | undefined {
    return this.handlers.get(eventType);
  }
}

export interface WebhookHandlerDeps {
  billingCustomers: BillingCustomerService;
  /** transaction.* and adjustment.* (payments ledger, Founders sales). */
  transactions: TransactionServices;
  /** Applies subscription.* snapshots to licenses. */
  subscriptions: SubscriptionLifecycleService;
}

/** The platform's handlers: each billing part registers the event types it owns. */
export function createWebhookHandlers(deps: WebhookHandlerDeps): WebhookHandlerRegistry {
  const registry = new WebhookHandlerRegistry();
  const applyCustomer: WebhookHandler = (event) => deps.billingCustomers.applyCustomerEvent(event);
  registry.register("customer.created", applyCustomer).register("customer.updated", applyCustomer);
  registerTransactionHandlers(registry, deps.transactions);
  registerSubscriptionHandlers(registry, deps);
  return registry;
}
