export { PaymentsPage } from "./payments/payments-page";
