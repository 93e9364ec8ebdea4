import { Page } from "../../ui/states";

// PLACEHOLDER: being built (issue 13).
export function LicensesPage() {
  return (
    <Page title="Licenses">
      <p>Not built yet.</p>
    </Page>
  );
}
