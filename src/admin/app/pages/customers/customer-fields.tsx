import { useId } from "react";
import type { CustomerFieldsFragment, CustomerStatus } from "../../api/operations";
import { text } from "../licenses/action-button";

export const CUSTOMER_STATUSES: CustomerStatus[] = ["active", "inactive", "suspended"];

const OPTIONAL = ["name", "company", "country", "phone", "address", "notes"] as const;

/** The form fields of a customer (new or edited), filled with its values when editing. */
export function CustomerFields({ customer }: { customer?: CustomerFieldsFragment }) {
  const id = useId();
  return (
    <>
      <label htmlFor={`${id}-email`}>E-mail</label>
      <input id={`${id}-email`} name="email" type="email" required maxLength={254} defaultValue={customer?.email ?? ""} />
      <label htmlFor={`${id}-name`}>Name</label>
      <input id={`${id}-name`} name="name" maxLength={200} defaultValue={customer?.name ?? ""} />
      <label htmlFor={`${id}-company`}>Company</label>
      <input id={`${id}-company`} name="company" maxLength={200} defaultValue={customer?.company ?? ""} />
      <label htmlFor={`${id}-country`}>Country (ISO code, e.g. IT)</label>
      <input id={`${id}-country`} name="country" maxLength={2} pattern="[A-Za-z]{2}" defaultValue={customer?.country ?? ""} />
      <label htmlFor={`${id}-phone`}>Phone</label>
      <input id={`${id}-phone`} name="phone" type="tel" maxLength={50} defaultValue={customer?.phone ?? ""} />
      <label htmlFor={`${id}-address`}>Address</label>
      <input id={`${id}-address`} name="address" maxLength={500} defaultValue={customer?.address ?? ""} />
      <label htmlFor={`${id}-notes`}>Notes</label>
      <textarea id={`${id}-notes`} name="notes" maxLength={5000} rows={3} defaultValue={customer?.notes ?? ""} />
    </>
  );
}

/** A new customer's fields from the form: empty optional fields are left out. */
export function newCustomerInput(form: FormData): { email: string } & Partial<Record<(typeof OPTIONAL)[number], string>> {
  const input: { email: string } & Partial<Record<(typeof OPTIONAL)[number], string>> = { email: text(form, "email") };
  for (const name of OPTIONAL) {
    const value = text(form, name);
    if (value) input[name] = value;
  }
  return input;
}

/** The changed fields only (an emptied field is sent as null, which clears it). */
export function changedCustomerInput(
  form: FormData,
  customer: CustomerFieldsFragment,
): Partial<Record<"email" | (typeof OPTIONAL)[number], string | null>> {
  const changes: Partial<Record<"email" | (typeof OPTIONAL)[number], string | null>> = {};
  const email = text(form, "email");
  if (email && email !== customer.email) changes.email = email;
  for (const name of OPTIONAL) {
    const value = text(form, name);
    if (value !== (customer[name] ?? "")) changes[name] = value || null;
  }
  return changes;
}
