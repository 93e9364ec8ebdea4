import { Page } from "../ui/states";

// PLACEHOLDER: being built (issue 13).
export function SettingsPage() {
  return (
    <Page title="Settings">
      <p>Not built yet.</p>
    </Page>
  );
}
