import type { License } from "./license.model";

export interface GraceWarning {
  graceUntil: Date;
  warning: string;
}

/**
 * While a license's subscription is past due and the license is in its grace period, until when it stays valid and
 * the warning the plugin shows. Read from the license itself, so a validation costs no extra query.
 */
export function graceWarningOf(license: Pick<License, "grace_until">, now: Date): GraceWarning | null {
  const until = license.grace_until;
  if (!until || until.getTime() <= now.getTime()) return null;
  return { graceUntil: until, warning: `Payment past due: this license stays valid until ${until.toISOString()}` };
}
