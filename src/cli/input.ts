import { validate } from "class-validator";
import { badInput } from "../errors";
import { INPUT_VALIDATION } from "../graphql/validation";

/**
 * Checks command-line values against a GraphQL input class's class-validator rules, with the options GraphQL
 * uses, so the CLI accepts exactly what the API accepts. A refusal is one line naming every broken rule.
 */
export async function validInput<T extends object>(InputClass: new () => T, values: Partial<T>): Promise<T> {
  const input = Object.assign(new InputClass(), values);
  const errors = await validate(input, INPUT_VALIDATION);
  const messages = errors.flatMap((error) => Object.values(error.constraints ?? {}));
  if (messages.length > 0) throw badInput(messages.join("; "));
  return input;
}
