import type { ValidatorOptions } from "class-validator";

/** How GraphQL inputs are checked against their class-validator rules; the CLI checks its input the same way. */
export const INPUT_VALIDATION: ValidatorOptions = { forbidUnknownValues: false };
