import { Page } from "../ui/states";

// PLACEHOLDER: being built (issue 13).
export function NotificationsPage() {
  return (
    <Page title="Notifications">
      <p>Not built yet.</p>
    </Page>
  );
}
