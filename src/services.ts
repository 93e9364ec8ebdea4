import type { Models } from "./db/models";
import { ActivityService } from "./modules/activity/activity.service";
import { AdminTokenService } from "./modules/admins/admin-token.service";
import { CustomerService } from "./modules/customers/customer.service";
import { ActivationService } from "./modules/licenses/activation.service";
import { LicenseCheckService } from "./modules/licenses/license-check.service";
import { LicenseService } from "./modules/licenses/license.service";
import { PaymentService } from "./modules/payments/payment.service";
import { PlanService } from "./modules/plans/plan.service";
import { ProviderKeyService } from "./modules/provider-keys/provider-key.service";
import { UsageReportService } from "./modules/usage/usage-report.service";
import { UsageService } from "./modules/usage/usage.service";
import { FailedLookupGuard } from "./modules/throttle/failed-lookup-guard";
import { ThrottleService } from "./modules/throttle/throttle.service";
import { Secrets } from "./security/secrets";

/** Every service, wired once per process; REST routes, resolvers and the CLI all call these. */
export interface Services {
  models: Models;
  secrets: Secrets;
  activity: ActivityService;
  plans: PlanService;
  customers: CustomerService;
  licenses: LicenseService;
  licenseCheck: LicenseCheckService;
  activations: ActivationService;
  admins: AdminTokenService;
  providerKeys: ProviderKeyService;
  usage: UsageService;
  usageReport: UsageReportService;
  payments: PaymentService;
  throttle: ThrottleService;
  failedLookups: FailedLookupGuard;
}

export interface ServiceOptions {
  /** Per-process cache of license-check reads (see LicenseCheckService); 0 = always read. */
  licenseCacheTtlMs?: number;
}

export function createServices(models: Models, appSecret: string, options: ServiceOptions = {}): Services {
  const secrets = new Secrets(appSecret);
  const activity = new ActivityService(models);
  const plans = new PlanService(models, activity);
  const licenses = new LicenseService(models, secrets, plans, activity);
  const throttle = new ThrottleService(models);
  return {
    models,
    secrets,
    activity,
    plans,
    customers: new CustomerService(models, activity),
    licenses,
    licenseCheck: new LicenseCheckService(models, licenses, activity, options.licenseCacheTtlMs ?? 0),
    activations: new ActivationService(models, activity),
    admins: new AdminTokenService(models, activity),
    providerKeys: new ProviderKeyService(models, secrets, activity),
    usage: new UsageService(models, options.licenseCacheTtlMs ?? 0),
    usageReport: new UsageReportService(models),
    payments: new PaymentService(models),
    throttle,
    failedLookups: new FailedLookupGuard(throttle),
  };
}
