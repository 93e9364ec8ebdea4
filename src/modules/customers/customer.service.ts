import { type mongoose } from "@typegoose/typegoose";
import type { Models } from "../../db/models";
import { containsText, paginate, type Page, type PageRequest } from "../../db/pagination";
import { conflict, isDuplicateKey, notFound } from "../../errors";
import type { ActivityService, Actor } from "../activity/activity.service";
import { CustomerStatus, type Customer } from "./customer.model";

export interface CustomerFields {
  email?: string;
  name?: string | null;
  company?: string | null;
  country?: string | null;
  phone?: string | null;
  address?: string | null;
  notes?: string | null;
}

export interface CustomerFilter {
  status?: CustomerStatus | null;
  search?: string | null;
}

export class CustomerService {
  constructor(
    private readonly models: Models,
    private readonly activity: ActivityService,
  ) {}

  async get(id: mongoose.Types.ObjectId): Promise<Customer> {
    const customer = await this.models.Customer.findById(id).lean<Customer>().exec();
    if (!customer) throw notFound("Customer");
    return customer;
  }

  list(filter: CustomerFilter, page: PageRequest): Promise<Page<Customer>> {
    const query: Record<string, unknown> = {};
    if (filter.status) query.status = filter.status;
    if (filter.search) {
      const text = containsText(filter.search);
      query.$or = [{ email: text }, { name: text }, { company: text }];
    }
    return paginate<Customer>(this.models.Customer, query, page);
  }

  async create(fields: CustomerFields & { email: string }, actor: Actor): Promise<Customer> {
    try {
      const created = await this.models.Customer.create({ ...fields, ...normalised(fields), status: CustomerStatus.active });
      await this.activity.record(actor, { action: "customer.created", customerId: created._id, details: { email: created.email } });
      return created.toObject() as Customer;
    } catch (error) {
      throw duplicateEmail(error, fields.email);
    }
  }

  async update(id: mongoose.Types.ObjectId, fields: CustomerFields, actor: Actor): Promise<Customer> {
    const changes = { ...fields, ...normalised(fields) };
    let updated: Customer | null;
    try {
      updated = await this.models.Customer.findOneAndUpdate(
        { _id: id },
        { $set: changes },
        { returnDocument: "after", runValidators: true },
      )
        .lean<Customer>()
        .exec();
    } catch (error) {
      throw duplicateEmail(error, fields.email ?? "");
    }
    if (!updated) throw notFound("Customer");
    await this.activity.record(actor, { action: "customer.updated", customerId: id, details: { fields: Object.keys(fields) } });
    return updated;
  }

  async setStatus(id: mongoose.Types.ObjectId, status: CustomerStatus, actor: Actor): Promise<Customer> {
    const before = await this.get(id);
    const updated = await this.models.Customer.findOneAndUpdate({ _id: id }, { $set: { status } }, { returnDocument: "after" })
      .lean<Customer>()
      .exec();
    if (!updated) throw notFound("Customer");
    await this.activity.record(actor, { action: "customer.status_changed", customerId: id, details: { from: before.status, to: status } });
    return updated;
  }
}

/** Emails lower-cased, country codes upper-cased (ISO 3166-1 alpha-2), so look-ups and reports agree. */
function normalised(fields: CustomerFields): CustomerFields {
  const out: CustomerFields = {};
  if (fields.email !== undefined) out.email = normaliseEmail(fields.email);
  if (fields.country) out.country = fields.country.toUpperCase();
  return out;
}

function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

function duplicateEmail(error: unknown, email: string): unknown {
  if (isDuplicateKey(error)) return conflict(`A customer with email ${normaliseEmail(email)} already exists`, { field: "email" });
  return error;
}
