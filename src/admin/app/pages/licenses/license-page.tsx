import { Page } from "../../ui/states";

// PLACEHOLDER: being built (issue 13).
export function LicensePage() {
  return (
    <Page title="License">
      <p>Not built yet.</p>
    </Page>
  );
}
