import { useId } from "react";
import {
  CancelLicenseDocument,
  ChangeLicensePlanDocument,
  ExtendLicenseDocument,
  ReactivateLicenseDocument,
  RevealLicenseKeyDocument,
  RotateLicenseKeyDocument,
  SuspendLicenseDocument,
  type LicenseDetailQuery,
} from "../../api/operations";
import { can } from "../../auth/roles";
import { useSession } from "../../auth/session";
import { formatDate } from "../../ui/format";
import { ActionButton, text } from "./action-button";
import { endOfLocalDay, maskedKey } from "./format-license";

type License = NonNullable<LicenseDetailQuery["license"]>;

/** What an action did, for the page to show: a sentence, and a key when the action shows one (once). */
export interface ActionResult {
  message: string;
  key?: { title: string; value: string };
}

/**
 * The license's actions, each behind a confirmation; only those the signed-in role may do are rendered, and only
 * those that make sense in the license's state (a cancelled license is final).
 */
export function LicenseActions({
  license,
  plans,
  onDone,
}: {
  license: License;
  plans: LicenseDetailQuery["plans"];
  onDone(result: ActionResult): void;
}) {
  const { role } = useSession();
  const id = useId();
  const cancelled = license.status === "cancelled";
  const name = maskedKey(license.keyLast4);
  const actions = [];

  if (can(role, "suspendLicense") && !cancelled && license.status !== "suspended")
    actions.push(
      <ActionButton
        key="suspend"
        label="Suspend"
        title={`Suspend license ${name}?`}
        confirmLabel="Suspend license"
        danger
        document={SuspendLicenseDocument}
        variables={(form) => {
          const reason = text(form, "reason");
          return reason ? { id: license.id, reason } : "A reason is required.";
        }}
        onDone={(result) => onDone({ message: `Suspended: ${result.suspendLicense.statusReason ?? ""}` })}
      >
        <p>The license stops passing validation at once, on every site, until it is reactivated.</p>
        <label htmlFor={`${id}-reason`}>Reason (shown with the status, kept in the activity log)</label>
        <input id={`${id}-reason`} name="reason" required maxLength={500} />
      </ActionButton>,
    );

  if (can(role, "reactivateLicense") && (license.status === "suspended" || license.status === "inactive"))
    actions.push(
      <ActionButton
        key="reactivate"
        label="Reactivate"
        title={`Reactivate license ${name}?`}
        confirmLabel="Reactivate license"
        document={ReactivateLicenseDocument}
        variables={() => ({ id: license.id })}
        onDone={() => onDone({ message: "Reactivated: the license is active again." })}
      >
        <p>The license passes validation again{license.statusReason ? ` (it was suspended: ${license.statusReason})` : ""}.</p>
      </ActionButton>,
    );

  if (can(role, "changeLicensePlan") && !cancelled)
    actions.push(
      <ActionButton
        key="plan"
        label="Change plan"
        title={`Change the plan of license ${name}`}
        confirmLabel="Change plan"
        document={ChangeLicensePlanDocument}
        variables={(form) => {
          const plan = text(form, "plan");
          return plan ? { id: license.id, plan } : "Choose the new plan.";
        }}
        onDone={(result) => onDone({ message: `Plan changed to ${result.changeLicensePlan.plan.displayName}.` })}
      >
        <p>
          Now on <strong>{license.plan.displayName}</strong>. The new plan's limits apply at once; billing is not changed here.
        </p>
        <label htmlFor={`${id}-plan`}>New plan</label>
        <select id={`${id}-plan`} name="plan" required defaultValue="">
          <option value="" disabled>
            Choose a plan
          </option>
          {plans
            .filter((plan) => plan.name !== license.plan.name)
            .map((plan) => (
              <option key={plan.name} value={plan.name}>
                {plan.displayName} ({plan.name})
              </option>
            ))}
        </select>
      </ActionButton>,
    );

  if (can(role, "extendLicense") && !cancelled)
    actions.push(
      <ActionButton
        key="extend"
        label="Extend"
        title={`Set the expiry of license ${name}`}
        confirmLabel="Set expiry"
        document={ExtendLicenseDocument}
        variables={(form) => {
          const day = text(form, "expiresOn");
          if (form.get("never") === "on") return { id: license.id, expiresAt: null };
          return day ? { id: license.id, expiresAt: endOfLocalDay(day) } : "Choose the new expiry date, or 'never expires'.";
        }}
        onDone={(result) =>
          onDone({
            message: result.extendLicense.expiresAt
              ? `Now expires at the end of ${formatDate(result.extendLicense.expiresAt)}.`
              : "Now never expires.",
          })
        }
      >
        <p>Expires now: {license.expiresAt ? formatDate(license.expiresAt) : "never"}. An expired license becomes active again.</p>
        <label htmlFor={`${id}-expires`}>New expiry date (valid through the end of that day)</label>
        <input id={`${id}-expires`} name="expiresOn" type="date" />
        <label htmlFor={`${id}-never`}>
          <input id={`${id}-never`} name="never" type="checkbox" role="switch" /> Never expires
        </label>
      </ActionButton>,
    );

  if (can(role, "rotateLicenseKey") && !cancelled)
    actions.push(
      <ActionButton
        key="rotate"
        label="Rotate key"
        title={`Rotate the key of license ${name}?`}
        confirmLabel="Rotate key"
        danger
        document={RotateLicenseKeyDocument}
        variables={() => ({ id: license.id })}
        onDone={(result) =>
          onDone({
            message: `Key rotated: the old key (${name}) no longer works.`,
            key: { title: "The new license key", value: result.rotateLicenseKey.key },
          })
        }
      >
        <p>A new key replaces the old one, which stops working at once on every site. The customer needs the new key.</p>
      </ActionButton>,
    );

  if (can(role, "revealLicenseKey"))
    actions.push(
      <ActionButton
        key="reveal"
        label="Reveal key"
        title={`Reveal the key of license ${name}?`}
        confirmLabel="Reveal key"
        document={RevealLicenseKeyDocument}
        variables={(form) => {
          const note = text(form, "note");
          return note ? { id: license.id, note } : "An audit note is required: say why the key is needed.";
        }}
        onDone={(result) =>
          onDone({
            message: "Key revealed; the reveal and your note are in the activity log.",
            key: { title: "The license key", value: result.revealLicenseKey },
          })
        }
      >
        <p>The full key is shown once. Every reveal is recorded in the activity log with your note.</p>
        <label htmlFor={`${id}-note`}>Audit note (why the key is needed)</label>
        <input id={`${id}-note`} name="note" required maxLength={500} />
      </ActionButton>,
    );

  if (can(role, "cancelLicense") && !cancelled)
    actions.push(
      <ActionButton
        key="cancel"
        label="Cancel license"
        title={`Cancel license ${name} for good?`}
        confirmLabel="Cancel license"
        danger
        document={CancelLicenseDocument}
        variables={() => ({ id: license.id })}
        onDone={() => onDone({ message: "Cancelled: the license no longer works and cannot be reactivated." })}
      >
        <p>
          Cancelling is final: the license stops working and cannot be reactivated (issue a new one instead).
          {license.plan.isLifetime ? " Its lifetime seat is given back." : ""}
        </p>
      </ActionButton>,
    );

  if (actions.length === 0) return null;
  return (
    <section aria-label="License actions" className="actions">
      {actions}
    </section>
  );
}
