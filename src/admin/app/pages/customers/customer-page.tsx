import { Page } from "../../ui/states";

// PLACEHOLDER: being built (issue 13).
export function CustomerPage() {
  return (
    <Page title="Customer">
      <p>Not built yet.</p>
    </Page>
  );
}
