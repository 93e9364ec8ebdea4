import type { mongoose } from "@typegoose/typegoose";
import type { Models } from "../../db/models";
import type { Session } from "../../db/transaction";
import { paginate, type Page, type PageRequest } from "../../db/pagination";
import type { ActivityLog } from "./activity-log.model";

/** Who did something: recorded with every audited change. */
export interface Actor {
  /** "admin:<id>", "license:<id>", "paddle" or "system". */
  readonly label: string;
  readonly ip?: string | null;
}

export const SYSTEM_ACTOR: Actor = { label: "system" };

/** A license holder acting with its key (REST, /v1, GraphQL). */
export function licenseActor(license: { _id: mongoose.Types.ObjectId }, ip: string | null): Actor {
  return { label: `license:${license._id.toHexString()}`, ip };
}

/** An admin acting with its token. */
export function adminActor(admin: { _id: mongoose.Types.ObjectId }, ip: string | null): Actor {
  return { label: `admin:${admin._id.toHexString()}`, ip };
}

export interface ActivityRecord {
  action: string;
  licenseId?: mongoose.Types.ObjectId | null;
  customerId?: mongoose.Types.ObjectId | null;
  details?: Record<string, unknown>;
}

/** The audit log. Every admin mutation and license state change goes through `record`. */
export class ActivityService {
  constructor(private readonly models: Models) {}

  /** With `session`, the entry is part of that transaction: recorded if and only if the change it describes is. */
  async record(actor: Actor, entry: ActivityRecord, session?: Session): Promise<void> {
    const document = {
      actor: actor.label,
      action: entry.action,
      license_id: entry.licenseId ?? null,
      customer_id: entry.customerId ?? null,
      details: entry.details ?? {},
      ip_address: actor.ip ?? null,
    };
    await this.models.ActivityLog.create([document], { session });
  }

  list(filter: ActivityFilter, page: PageRequest): Promise<Page<ActivityLog>> {
    const query: Record<string, unknown> = {};
    if (filter.licenseId) query.license_id = filter.licenseId;
    if (filter.customerId) query.customer_id = filter.customerId;
    if (filter.action) query.action = filter.action;
    if (filter.actor) query.actor = filter.actor;
    return paginate<ActivityLog>(this.models.ActivityLog, query, page);
  }
}

export interface ActivityFilter {
  licenseId?: mongoose.Types.ObjectId | null;
  customerId?: mongoose.Types.ObjectId | null;
  action?: string | null;
  actor?: string | null;
}
