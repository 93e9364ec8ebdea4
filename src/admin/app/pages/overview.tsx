import { Page } from "../ui/states";

// PLACEHOLDER: being built (issue 13).
export function OverviewPage() {
  return (
    <Page title="Overview">
      <p>Not built yet.</p>
    </Page>
  );
}
