import { DomainError } from "../../errors";

/**
 * A problem with the MariaDB source, said in one line the operator can act on (the CLI prints the message of a
 * DomainError without a stack). The password is never part of it.
 */
export class MigrationSourceError extends DomainError {
  constructor(message: string) {
    super("BAD_USER_INPUT", message);
    this.name = "MigrationSourceError";
  }
}
