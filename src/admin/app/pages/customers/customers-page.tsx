import { Page } from "../../ui/states";

// PLACEHOLDER: being built (issue 13).
export function CustomersPage() {
  return (
    <Page title="Customers">
      <p>Not built yet.</p>
    </Page>
  );
}
