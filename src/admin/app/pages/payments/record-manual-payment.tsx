import { useId, useState } from "react";
import { RecordManualPaymentDocument } from "../../api/operations";
import { ConfirmDialog } from "../../ui/confirm";
import { formatMoney } from "../../ui/format";
import { Outcome } from "../../ui/states";
import { useMutation } from "../../ui/use-api";
import { parseDecimal } from "../plans/plan-form";

/** "Record manual payment" (admins and owners): a payment made outside Paddle, e.g. a bank transfer. */
export function RecordManualPayment({ onRecorded }: { onRecorded(): void }) {
  const id = useId();
  const [open, setOpen] = useState(false);
  const [invalid, setInvalid] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const record = useMutation(RecordManualPaymentDocument);

  async function submit(form: FormData) {
    const text = (name: string) => String(form.get(name) ?? "").trim();
    const amountCents = parseDecimal(text("amount"), 2);
    const currency = text("currency").toUpperCase();
    if (!text("customerId")) return setInvalid("Customer id is required.");
    if (amountCents === null || amountCents === 0) return setInvalid("Amount must be more than 0, with at most 2 decimals, e.g. 29.00.");
    if (!/^[A-Z]{3}$/.test(currency)) return setInvalid("Currency must be a 3-letter ISO code, e.g. EUR.");
    setInvalid(null);
    const result = await record.run({
      input: {
        customerId: text("customerId"),
        licenseId: text("licenseId") || undefined,
        amountCents,
        currency,
        invoiceNumber: text("invoiceNumber") || undefined,
        note: text("note") || undefined,
      },
    });
    if (result) {
      setOpen(false);
      setDone(`Recorded a payment of ${formatMoney(result.recordManualPayment.amountCents, result.recordManualPayment.currency)}.`);
      onRecorded();
    }
  }

  const fields: Array<[string, string, string?]> = [
    ["customerId", "Customer id"],
    ["licenseId", "License id (optional)"],
    ["amount", "Amount, tax included", "29.00"],
    ["currency", "Currency", "EUR"],
    ["invoiceNumber", "Invoice number (optional)"],
    ["note", "Note (optional)"],
  ];
  return (
    <div>
      <button
        type="button"
        onClick={() => {
          setDone(null);
          record.reset();
          setOpen(true);
        }}
      >
        Record manual payment
      </button>
      <Outcome success={done ?? undefined} />
      <ConfirmDialog
        open={open}
        title="Record a manual payment"
        confirmLabel="Record payment"
        busy={record.busy}
        onConfirm={(form) => void submit(form)}
        onCancel={() => setOpen(false)}
      >
        {fields.map(([name, label, placeholder]) => (
          <label key={name} htmlFor={`${id}-${name}`}>
            {label}
            <input id={`${id}-${name}`} name={name} placeholder={placeholder} defaultValue={name === "currency" ? "EUR" : undefined} />
          </label>
        ))}
        <Outcome error={invalid ? new Error(invalid) : record.error} />
      </ConfirmDialog>
    </div>
  );
}
