import { useId } from "react";
import { request } from "../../api/client";
import {
  CustomersDocument,
  IssueLicenseDocument,
  type IssueLicenseMutation,
  type IssueLicenseMutationVariables,
} from "../../api/operations";
import { useSession } from "../../auth/session";
import { ActionButton, text } from "./action-button";

export interface PlanChoice {
  name: string;
  displayName: string;
}

/**
 * "Issue license": the customer (fixed on a customer's page, else found by its exact e-mail address, so a license
 * never goes to a customer whose address merely contains what was typed) and the plan. The page shows the key once.
 */
export function IssueLicenseButton({
  plans,
  customer,
  onIssued,
}: {
  plans: PlanChoice[];
  customer?: { id: string; email: string };
  onIssued(result: IssueLicenseMutation): void;
}) {
  const id = useId();
  const { token } = useSession();

  async function customerIdOf(form: FormData): Promise<string> {
    if (customer) return customer.id;
    const email = text(form, "email").toLowerCase();
    if (!email) throw new Error("Enter the customer's e-mail address.");
    const { customers } = await request(token, CustomersDocument, { filter: { search: email }, first: 20 });
    const match = customers.edges.find((edge) => edge.node.email === email);
    if (!match) throw new Error(`No customer has the e-mail address ${email}.`);
    return match.node.id;
  }

  return (
    <ActionButton
      label="Issue license"
      title={customer ? `Issue a license to ${customer.email}` : "Issue a license"}
      confirmLabel="Issue license"
      outline={false}
      document={IssueLicenseDocument}
      variables={async (form): Promise<IssueLicenseMutationVariables | string> => {
        const plan = text(form, "plan");
        if (!plan) return "Choose a plan.";
        const domain = text(form, "domain");
        return { input: { customerId: await customerIdOf(form), plan, ...(domain ? { domain } : {}) } };
      }}
      onDone={onIssued}
    >
      {!customer && (
        <>
          <label htmlFor={`${id}-email`}>Customer e-mail</label>
          <input id={`${id}-email`} name="email" type="email" required autoComplete="off" />
        </>
      )}
      <label htmlFor={`${id}-plan`}>Plan</label>
      <select id={`${id}-plan`} name="plan" required defaultValue="">
        <option value="" disabled>
          Choose a plan
        </option>
        {plans.map((plan) => (
          <option key={plan.name} value={plan.name}>
            {plan.displayName} ({plan.name})
          </option>
        ))}
      </select>
      <label htmlFor={`${id}-domain`}>Domain (optional)</label>
      <input id={`${id}-domain`} name="domain" placeholder="example.com" />
    </ActionButton>
  );
}
