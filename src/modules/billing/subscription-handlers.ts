import type { SubscriptionLifecycleService } from "./subscription-lifecycle.service";
import type { WebhookHandler, WebhookHandlerRegistry } from "./webhook-handlers";

/** Every subscription event carries the whole subscription: all of them are applied as one snapshot. */
export const SUBSCRIPTION_EVENT_TYPES = [
  "subscription.created",
  "subscription.activated",
  "subscription.updated",
  "subscription.trialing",
  "subscription.past_due",
  "subscription.paused",
  "subscription.resumed",
  "subscription.canceled",
  "subscription.imported",
] as const;

export function registerSubscriptionHandlers(
  registry: WebhookHandlerRegistry,
  deps: { subscriptions: SubscriptionLifecycleService },
): void {
  const apply: WebhookHandler = (event) => deps.subscriptions.apply(event);
  for (const type of SUBSCRIPTION_EVENT_TYPES) registry.register(type, apply);
}
