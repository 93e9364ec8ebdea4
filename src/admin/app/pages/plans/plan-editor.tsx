import { useId, useState, type FormEvent } from "react";
import {
  PlanImpactDocument,
  UpdatePlanDocument,
  type PlanFieldsFragment,
  type PlanImpactQuery,
  type UpdatePlanInput,
} from "../../api/operations";
import { ConfirmDialog } from "../../ui/confirm";
import { Loading, Outcome, ErrorBox } from "../../ui/states";
import { useMutation, useQuery, type QueryState } from "../../ui/use-api";
import { initialValues, LIMIT_FIELDS, validate, type PlanFormValues } from "./plan-form";

const STATUSES = ["active", "suspended", "inactive", "expired", "cancelled"] as const;

/** "This changes the limits of 12 active licenses (and 2 suspended, 1 expired)." */
export function impactSentence(impact: PlanImpactQuery): string {
  const count = (status: (typeof STATUSES)[number]) => impact[status].totalCount;
  const licenses = (n: number) => `${n} ${n === 1 ? "license" : "licenses"}`;
  const others = STATUSES.filter((status) => status !== "active" && count(status) > 0).map((status) => `${count(status)} ${status}`);
  const active = count("active");
  return `This changes the limits of ${active === 1 ? "1 active license" : `${active} active licenses`}${
    others.length ? ` (and ${others.join(", ")})` : ""
  }; ${licenses(STATUSES.reduce((sum, status) => sum + count(status), 0))} on this plan in all.`;
}

function ImpactPreview({ impact }: { impact: QueryState<PlanImpactQuery> }) {
  if (impact.error) return <ErrorBox error={impact.error} retry={impact.reload} />;
  if (!impact.data || impact.loading) return <Loading what="the licenses this affects" />;
  return (
    <p role="status" className="notice">
      {impactSentence(impact.data)}
    </p>
  );
}

/** One plan's limits as a form (admins and owners); validated here first, then by the API, whose errors are shown. */
export function PlanEditor({ plan, onSaved }: { plan: PlanFieldsFragment; onSaved(): void }) {
  const id = useId();
  const [errors, setErrors] = useState<Partial<Record<keyof PlanFormValues, string>>>({});
  const [pending, setPending] = useState<{ input: UpdatePlanInput; changes: string[] } | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [unchanged, setUnchanged] = useState(false);
  const update = useMutation(UpdatePlanDocument);
  // Asked each time the confirmation opens, so the count is the one at the moment of saving.
  const impact = useQuery(PlanImpactDocument, { plan: plan.name }, { skip: pending === null });
  const values = initialValues(plan);

  function review(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const entered = Object.fromEntries(
      Object.keys(values).map((name) => [name, String(form.get(name) ?? "")]),
    ) as unknown as PlanFormValues;
    const checked = validate(plan, entered);
    setErrors(checked.errors);
    setSaved(null);
    update.reset();
    setUnchanged(false);
    if (Object.keys(checked.errors).length > 0) return;
    if (checked.changes.length === 0) {
      setUnchanged(true);
      return;
    }
    setPending({ input: checked.input, changes: checked.changes });
  }

  async function save() {
    if (!pending) return;
    const result = await update.run({ name: plan.name, input: pending.input });
    if (result) {
      setPending(null);
      setSaved(`Saved ${plan.displayName}: ${pending.changes.join("; ")}.`);
      onSaved();
    }
  }

  const errorList = Object.values(errors);
  const field = (name: keyof PlanFormValues) => ({
    id: `${id}-${name}`,
    name,
    "aria-invalid": errors[name] ? true : undefined,
    "aria-describedby": `${id}-${name}-hint`,
  });

  return (
    <>
      <form onSubmit={review} aria-label={`Limits of ${plan.displayName}`} noValidate key={plan.updatedAt}>
        <div className="grid-fields">
          {LIMIT_FIELDS.map((entry) => (
            <div key={entry.name}>
              <label htmlFor={`${id}-${entry.name}`}>{entry.label}</label>
              <input
                {...field(entry.name)}
                inputMode={entry.name === "maxSites" ? "numeric" : "decimal"}
                defaultValue={values[entry.name]}
              />
              <small id={`${id}-${entry.name}-hint`}>{errors[entry.name] ?? entry.hint}</small>
            </div>
          ))}
          {plan.isLifetime || plan.lifetimeLimit !== null ? (
            <div>
              <label htmlFor={`${id}-lifetimeLimit`}>Lifetime cap</label>
              <input {...field("lifetimeLimit")} inputMode="numeric" defaultValue={values.lifetimeLimit} />
              <small id={`${id}-lifetimeLimit-hint`}>
                {errors.lifetimeLimit ?? `how many may ever be sold; ${plan.lifetimeSold} sold so far`}
              </small>
            </div>
          ) : (
            <input type="hidden" name="lifetimeLimit" value={values.lifetimeLimit} />
          )}
        </div>
        <label htmlFor={`${id}-allowedModels`}>Allowed models</label>
        <textarea {...field("allowedModels")} rows={Math.max(2, plan.allowedModels.length)} defaultValue={values.allowedModels} />
        <small id={`${id}-allowedModels-hint`}>
          {errors.allowedModels ?? 'one provider a line: "openai: gpt-4o-mini, gpt-4o" (no models: the default one)'}
        </small>
        <label htmlFor={`${id}-isActive`}>
          <input id={`${id}-isActive`} name="isActive" type="checkbox" role="switch" defaultChecked={plan.isActive} />
          Active (offered for new licenses)
        </label>
        {errorList.length > 0 && (
          <div role="alert" className="outcome error">
            <p>Not saved: {errorList.length === 1 ? "one field needs" : `${errorList.length} fields need`} a fix.</p>
            <ul>
              {errorList.map((message) => (
                <li key={message}>{message}</li>
              ))}
            </ul>
          </div>
        )}
        {unchanged && <p role="status">Nothing changed.</p>}
        <Outcome success={saved ?? undefined} error={pending ? undefined : update.error} />
        <button type="submit" className="auto-width">
          Review changes to {plan.displayName}
        </button>
      </form>
      <ConfirmDialog
        open={pending !== null}
        title={`Change ${plan.displayName}?`}
        confirmLabel="Save plan"
        // Saving waits for the preview: the operator sees what the change reaches before it can be made.
        busy={update.busy || impact.loading || !impact.data}
        onConfirm={() => void save()}
        onCancel={() => {
          setPending(null);
          update.reset();
        }}
      >
        {pending && (
          <>
            <ImpactPreview impact={impact} />
            <ul>
              {pending.changes.map((change) => (
                <li key={change}>{change}</li>
              ))}
            </ul>
            <Outcome error={update.error} />
          </>
        )}
      </ConfirmDialog>
    </>
  );
}
