import { Page } from "../ui/states";

// PLACEHOLDER: being built (issue 13).
export function PaymentsPage() {
  return (
    <Page title="Payments">
      <p>Not built yet.</p>
    </Page>
  );
}
