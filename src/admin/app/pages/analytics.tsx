import { Page } from "../ui/states";

// PLACEHOLDER: being built (issue 13).
export function AnalyticsPage() {
  return (
    <Page title="Analytics">
      <p>Not built yet.</p>
    </Page>
  );
}
