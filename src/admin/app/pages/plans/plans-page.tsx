import { PlansDocument, type PlanFieldsFragment } from "../../api/operations";
import { can } from "../../auth/roles";
import { useSession } from "../../auth/session";
import { formatMoney, formatNumber } from "../../ui/format";
import { Page, QueryView, StatusBadge } from "../../ui/states";
import { useQuery } from "../../ui/use-api";
import { PlanEditor } from "./plan-editor";
import { formatDecimal, formatModels } from "./plan-form";

function unlimited(value: number, none: number): string {
  return value === none ? "unlimited" : formatNumber(value);
}

/** What readonly and support see: the values, no controls. */
function PlanValues({ plan }: { plan: PlanFieldsFragment }) {
  const rows: Array<[string, string]> = [
    ["Price", formatMoney(plan.priceCents, plan.currency)],
    ["Max sites", unlimited(plan.maxSites, -1)],
    ["Monthly requests", unlimited(plan.monthlyRequests, 0)],
    ["Requests per minute", unlimited(plan.requestsPerMinute, 0)],
    ["Requests per hour", unlimited(plan.requestsPerHour, 0)],
    ["Monthly AI budget", plan.monthlyBudgetMicros === 0 ? "unlimited" : formatMoney(plan.monthlyBudgetMicros / 10_000, "EUR")],
    ["Max tokens per request", formatNumber(plan.maxTokens)],
    ["Cost per 1k tokens (EUR)", formatDecimal(plan.costPer1kTokensMicros, 6)],
    ["Allowed models", formatModels(plan.allowedModels).replace(/\n/g, "; ") || "none"],
  ];
  if (plan.lifetimeLimit !== null && plan.lifetimeLimit !== undefined) rows.push(["Lifetime cap", String(plan.lifetimeLimit)]);
  return (
    <div className="overflow-auto">
      <table>
        <caption>Limits of {plan.displayName}</caption>
        <tbody>
          {rows.map(([name, value]) => (
            <tr key={name}>
              <th scope="row">{name}</th>
              <td>{value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function FoundersProgress({ plan }: { plan: PlanFieldsFragment }) {
  if (plan.lifetimeLimit === null || plan.lifetimeLimit === undefined) return null;
  const soldOut = plan.lifetimeSold >= plan.lifetimeLimit;
  return (
    <p>
      Sold {plan.lifetimeSold} of {plan.lifetimeLimit}{" "}
      <progress value={plan.lifetimeSold} max={Math.max(plan.lifetimeLimit, 1)} aria-label={`${plan.displayName} sold`} />
      {soldOut && <StatusBadge status="sold-out" />}
    </p>
  );
}

export function PlansPage() {
  const { role } = useSession();
  const state = useQuery(PlansDocument, { includeInactive: true });
  const editable = can(role, "updatePlan");
  return (
    <Page title="Plans">
      <QueryView state={state} what="plans">
        {(data) =>
          data.plans.map((plan) => (
            <article key={plan.id} aria-labelledby={`plan-${plan.id}`}>
              <header className="page-heading">
                <h2 id={`plan-${plan.id}`}>
                  {plan.displayName} <small>({plan.name})</small>
                </h2>
                <span>
                  {formatMoney(plan.priceCents, plan.currency)} · {plan.billing}{" "}
                  <StatusBadge status={plan.isActive ? "active" : "inactive"} />
                </span>
              </header>
              <FoundersProgress plan={plan} />
              {editable ? <PlanEditor plan={plan} onSaved={state.reload} /> : <PlanValues plan={plan} />}
            </article>
          ))
        }
      </QueryView>
    </Page>
  );
}
