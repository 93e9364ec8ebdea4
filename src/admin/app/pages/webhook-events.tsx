import { Page } from "../ui/states";

// PLACEHOLDER: being built (issue 13).
export function WebhookEventsPage() {
  return (
    <Page title="Webhook events">
      <p>Not built yet.</p>
    </Page>
  );
}
