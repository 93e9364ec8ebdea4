import { AiProxyService } from "./ai/ai-proxy.service";
import { PriceList } from "./ai/price-table";
import { ProviderRegistry } from "./ai/provider-registry";
import { systemClock, type Clock } from "./clock";
import type { ResolvedConfig } from "./config";
import type { Models } from "./db/models";
import { ActivityService } from "./modules/activity/activity.service";
import { AdminTokenService } from "./modules/admins/admin-token.service";
import { CustomerService } from "./modules/customers/customer.service";
import { ActivationService } from "./modules/licenses/activation.service";
import { LicenseCountersService } from "./modules/licenses/license-counters.service";
import { LicenseCheckService } from "./modules/licenses/license-check.service";
import { LicenseGate } from "./modules/licenses/license-gate.service";
import { LicenseService } from "./modules/licenses/license.service";
import { LedgerService } from "./modules/payments/ledger.service";
import { PaymentService } from "./modules/payments/payment.service";
import { BillingCustomerService } from "./modules/billing/billing-customer.service";
import { GraceSweeper } from "./modules/billing/grace-sweeper.service";
import { SubscriptionLifecycleService } from "./modules/billing/subscription-lifecycle.service";
import { SubscriptionMrrService } from "./modules/billing/subscription-mrr.service";
import { SubscriptionStateService } from "./modules/billing/subscription-state.service";
import { WebhookEventService } from "./modules/billing/webhook-event.service";
import { createWebhookHandlers } from "./modules/billing/webhook-handlers";
import { createTransactionServices } from "./modules/billing/transaction-services";
import { WebhookProcessor } from "./modules/billing/webhook-processor.service";
import { NotificationOutbox } from "./modules/notifications/notification-outbox.service";
import { NotificationDeliveryService } from "./modules/notifications/notification-delivery.service";
import { notificationSenders } from "./modules/notifications/notification-senders";
import { PlanService } from "./modules/plans/plan.service";
import { AnalyticsBreakdownService } from "./modules/analytics/analytics-breakdown.service";
import { AnalyticsService } from "./modules/analytics/analytics.service";
import { DailySnapshotService } from "./modules/analytics/daily-snapshot.service";
import { LicenseOverviewService } from "./modules/analytics/license-overview.service";
import { ProviderKeyService } from "./modules/provider-keys/provider-key.service";
import { ProviderKeyTester } from "./modules/provider-keys/provider-key.tester";
import { BackupStatusService } from "./backup/backup.status";
import { UsageQuotaService } from "./modules/usage/usage-quota.service";
import { UsageThresholdNotifier } from "./modules/usage/usage-threshold.notifier";
import { UsageReportService } from "./modules/usage/usage-report.service";
import { UsageService } from "./modules/usage/usage.service";
import { FailedLookupGuard } from "./modules/throttle/failed-lookup-guard";
import { ThrottleService } from "./modules/throttle/throttle.service";
import { Secrets } from "./security/secrets";
import { createMetrics, type PlatformMetrics } from "./observability/metrics.registry";

/** Every service, wired once per process; REST routes, resolvers and the CLI all call these. */
export interface Services {
  /** The time usage windows are counted in (the system clock, except in tests that pin it). */
  clock: Clock;
  models: Models;
  secrets: Secrets;
  activity: ActivityService;
  plans: PlanService;
  customers: CustomerService;
  licenses: LicenseService;
  licenseCheck: LicenseCheckService;
  licenseGate: LicenseGate;
  activations: ActivationService;
  licenseCounters: LicenseCountersService;
  admins: AdminTokenService;
  providerKeys: ProviderKeyService;
  /** One-token calls that tell an owner whether a provider key works. */
  providerKeyTester: ProviderKeyTester;
  /** Scheduled backups as an owner sees them (configuration, last, next, files). */
  backups: BackupStatusService;
  usage: UsageService;
  usageReport: UsageReportService;
  payments: PaymentService;
  /** Received webhook events (stored once) and the processor that applies them through their handlers. */
  webhookEvents: WebhookEventService;
  webhookProcessor: WebhookProcessor;
  /** Links Paddle customers (ctm_…) to platform customers. */
  billingCustomers: BillingCustomerService;
  /** subscription.* events → licenses, billing state and MRR rows. */
  subscriptions: SubscriptionLifecycleService;
  /** Subscriptions' mrr_changes rows; `applyRecurringCharge` takes each recurring charge's discount. */
  subscriptionMrr: SubscriptionMrrService;
  /** Subscriptions' billing state (status, grace, MRR), as the lifecycle records it. */
  subscriptionState: SubscriptionStateService;
  /** Suspends licenses whose past-due grace period has ended (run every minute by the app). */
  graceSweeper: GraceSweeper;
  /** The one writer of payments and their adjustments (webhooks, manual payments). */
  ledger: LedgerService;
  /** Writes messages (license issued, payment failed, …) into the outbox, in the transaction of their cause. */
  notifications: NotificationOutbox;
  /** Sends the outbox to NOTIFY_WEBHOOK_URL and by e-mail (the worker in app.ts runs it on every instance). */
  notificationDelivery: NotificationDeliveryService;
  /** Revenue analytics computed from the records for any instant or period; the daily snapshots and history. */
  analytics: AnalyticsService;
  snapshots: DailySnapshotService;
  /** The dashboard's figures: licenses by plan and status, near quota, in grace; months, cohorts, AI cost by plan. */
  licenseOverview: LicenseOverviewService;
  analyticsBreakdown: AnalyticsBreakdownService;
  throttle: ThrottleService;
  failedLookups: FailedLookupGuard;
  quota: UsageQuotaService;
  providers: ProviderRegistry;
  prices: PriceList;
  aiProxy: AiProxyService;
  /** This instance's Prometheus registry and the instruments the services record into. */
  metrics: PlatformMetrics;
}

/** What the services take from the configuration. */
export type ServiceConfig = Pick<
  ResolvedConfig,
  "appSecret" | "licenseCacheTtlMs" | "ai" | "throttle" | "billing" | "notifications" | "backup"
>;

export interface ServiceOptions {
  /** The time the throttling windows are counted in (tests pin it; everything else reads the system clock). */
  clock?: Clock;
  /** Defaults to a new registry: one per platform instance. */
  metrics?: PlatformMetrics;
}

export function createServices(models: Models, config: ServiceConfig, options: ServiceOptions = {}): Services {
  const clock = options.clock ?? systemClock;
  const metrics = options.metrics ?? createMetrics();
  const secrets = new Secrets(config.appSecret);
  const activity = new ActivityService(models);
  const notifications = new NotificationOutbox(models, secrets, config.notifications);
  const plans = new PlanService(models, activity, notifications);
  const licenses = new LicenseService(models, secrets, plans, activity);
  const throttle = new ThrottleService(models, clock);
  const licenseCheck = new LicenseCheckService(models, licenses, activity, config.licenseCacheTtlMs);
  const failedLookups = new FailedLookupGuard(models, clock);
  const activations = new ActivationService(models, activity);
  const quota = new UsageQuotaService(models, clock, new UsageThresholdNotifier(models, notifications));
  const providers = new ProviderRegistry(models, secrets, config.ai);
  const prices = new PriceList(config.ai.prices);
  const billingCustomers = new BillingCustomerService(models, activity);
  const ledger = new LedgerService(models, activity);
  const subscriptionMrr = new SubscriptionMrrService(models);
  const transactions = createTransactionServices({
    models,
    ledger,
    plans,
    licenses,
    notifications,
    activity,
    billingCustomers,
    subscriptionMrr,
  });
  const subscriptionState = new SubscriptionStateService(models, activity, notifications, subscriptionMrr, config.billing.graceDays, clock);
  const subscriptions = new SubscriptionLifecycleService(models, licenses, plans, billingCustomers, subscriptionState, notifications);
  const analytics = new AnalyticsService(models, clock);
  return {
    clock,
    models,
    secrets,
    activity,
    plans,
    customers: new CustomerService(models, activity),
    licenses,
    licenseCheck,
    licenseGate: new LicenseGate(licenseCheck, failedLookups, config.throttle, metrics.licenses.verdicts),
    activations,
    licenseCounters: new LicenseCountersService(models),
    admins: new AdminTokenService(models, activity),
    providerKeys: new ProviderKeyService(models, secrets, activity, () => providers.forgetStoredKeys()),
    providerKeyTester: new ProviderKeyTester(models, secrets, providers, config.ai, activity),
    // Any model's connection is the database's (createServices is given models, not the connection).
    backups: new BackupStatusService(models.ApiKey.db, config.backup, clock),
    usage: new UsageService(models, config.licenseCacheTtlMs, clock),
    usageReport: new UsageReportService(models),
    payments: new PaymentService(models),
    webhookEvents: new WebhookEventService(models),
    billingCustomers,
    webhookProcessor: new WebhookProcessor(models, createWebhookHandlers({ billingCustomers, transactions, subscriptions }), clock),
    ledger,
    notifications,
    notificationDelivery: new NotificationDeliveryService(models, notifications, notificationSenders(config.notifications, clock), clock),
    subscriptions,
    subscriptionMrr,
    subscriptionState,
    graceSweeper: new GraceSweeper(models, licenses, subscriptionState, notifications, clock),
    analytics,
    snapshots: new DailySnapshotService(models, analytics, clock),
    licenseOverview: new LicenseOverviewService(models, clock),
    analyticsBreakdown: new AnalyticsBreakdownService(models, clock),
    throttle,
    failedLookups,
    quota,
    providers,
    prices,
    aiProxy: new AiProxyService(quota, providers, prices, activations, config.ai.timeoutMs, metrics.ai),
    metrics,
  };
}
