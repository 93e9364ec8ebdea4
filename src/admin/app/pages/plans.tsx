export { PlansPage } from "./plans/plans-page";
