import { Page } from "../ui/states";

// PLACEHOLDER: being built (issue 13).
export function PlansPage() {
  return (
    <Page title="Plans">
      <p>Not built yet.</p>
    </Page>
  );
}
