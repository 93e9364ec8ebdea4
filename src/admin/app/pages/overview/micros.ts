/** Micro-euros (the AI ledger's unit: usage_logs.cost_micros, the plans' budgets) as euros, to a hundredth of a cent. */
export function formatMicroEur(micros: number | null | undefined): string {
  if (micros === null || micros === undefined) return "—";
  return new Intl.NumberFormat(undefined, { style: "currency", currency: "EUR", maximumFractionDigits: 4 }).format(micros / 1e6);
}
