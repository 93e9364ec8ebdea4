import { DomainError } from "../errors";

/**
 * A problem with a migration source (MariaDB v1, MongoDB v2), said in one line the operator can act on (the CLI prints the message of a
 * DomainError without a stack). The password is never part of it.
 */
export class MigrationSourceError extends DomainError {
  constructor(message: string) {
    super("BAD_USER_INPUT", message);
    this.name = "MigrationSourceError";
  }
}
