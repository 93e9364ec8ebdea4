import type { BillingCustomerService } from "./billing-customer.service";
import type { WebhookEvent } from "./webhook-event.model";

/**
 * Acts on one stored event. Called at most once at a time per event, only while the event is the newest applied to
 * its subscription; it may be called again after a failure (so it must be idempotent), and a throw marks the event
 * `failed` to be retried with backoff.
 */
export type WebhookHandler = (event: WebhookEvent) => Promise<void>;

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
}

/** The platform's handlers: each billing part registers the event types it owns. */
export function createWebhookHandlers(deps: WebhookHandlerDeps): WebhookHandlerRegistry {
  const registry = new WebhookHandlerRegistry();
  const applyCustomer: WebhookHandler = (event) => deps.billingCustomers.applyCustomerEvent(event);
  registry.register("customer.created", applyCustomer).register("customer.updated", applyCustomer);
  return registry;
}
