import type { ComponentType } from "react";
import { ActivityPage } from "./pages/activity";
import { ApiTestingPage } from "./pages/api-testing";
import { AnalyticsPage } from "./pages/analytics";
import { CustomerPage } from "./pages/customers/customer-page";
import { CustomersPage } from "./pages/customers/customers-page";
import { LicensePage } from "./pages/licenses/license-page";
import { LicensesPage } from "./pages/licenses/licenses-page";
import { NotificationsPage } from "./pages/notifications";
import { OverviewPage } from "./pages/overview";
import { PaymentsPage } from "./pages/payments";
import { PlansPage } from "./pages/plans";
import { SettingsPage } from "./pages/settings";
import { WebhookEventsPage } from "./pages/webhook-events";

/** Every page's address under /admin (the server answers index.html for all of them). */
export const ROUTES: Array<{ path: string; page: ComponentType }> = [
  { path: "/", page: OverviewPage },
  { path: "/customers", page: CustomersPage },
  { path: "/customers/:id", page: CustomerPage },
  { path: "/licenses", page: LicensesPage },
  { path: "/licenses/:id", page: LicensePage },
  { path: "/plans", page: PlansPage },
  { path: "/analytics", page: AnalyticsPage },
  { path: "/payments", page: PaymentsPage },
  { path: "/webhooks", page: WebhookEventsPage },
  { path: "/notifications", page: NotificationsPage },
  { path: "/activity", page: ActivityPage },
  { path: "/settings", page: SettingsPage },
  { path: "/api-testing", page: ApiTestingPage },
];
