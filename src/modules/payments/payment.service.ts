import type { mongoose } from "@typegoose/typegoose";
import type { Models } from "../../db/models";
import { paginate, type Page, type PageRequest } from "../../db/pagination";
import type { Payment, PaymentStatus } from "./payment.model";

export interface PaymentFilter {
  status?: PaymentStatus | null;
  customerId?: mongoose.Types.ObjectId | null;
  licenseId?: mongoose.Types.ObjectId | null;
}

export class PaymentService {
  constructor(private readonly models: Models) {}

  list(filter: PaymentFilter, page: PageRequest): Promise<Page<Payment>> {
    const query: Record<string, unknown> = {};
    if (filter.status) query.status = filter.status;
    if (filter.customerId) query.customer_id = filter.customerId;
    if (filter.licenseId) query.license_id = filter.licenseId;
    return paginate<Payment>(this.models.Payment, query, page);
  }
}
