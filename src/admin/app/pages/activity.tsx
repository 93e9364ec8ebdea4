import { Page } from "../ui/states";

// PLACEHOLDER: being built (issue 13).
export function ActivityPage() {
  return (
    <Page title="Activity">
      <p>Not built yet.</p>
    </Page>
  );
}
