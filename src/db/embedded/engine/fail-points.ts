import type { Document } from "bson";
import { CommandError } from "./errors";
import { isPlainObject } from "./values";

/**
 * mongod's `failCommand` fail point (`configureFailPoint`), so fault-injection tests run the same on the
 * embedded engine and on a real mongod started with `enableTestCommands`.
 */
export interface InjectedFailure {
  reply?: Document;
  blockMs?: number;
}

interface FailCommand {
  remaining: number; // Infinity for alwaysOn
  skip: number;
  data: Document;
}

export class FailPoints {
  private failCommand: FailCommand | undefined;
  private enteredSinceConfigured = 0;

  /** How many commands the current failCommand has acted on (in-process tests wait on it, as on mongod's waitForFailPoint). */
  get timesEntered(): number {
    return this.enteredSinceConfigured;
  }

  configure(command: Document): Document {
    if (command.configureFailPoint !== "failCommand") {
      throw new CommandError(
        "BadValue",
        `unknown fail point: ${String(command.configureFailPoint)} (the embedded engine supports failCommand)`,
      );
    }
    const entered = this.enteredSinceConfigured;
    this.enteredSinceConfigured = 0;
    const mode: unknown = command.mode;
    const data = isPlainObject(command.data) ? command.data : {};
    if (mode === "off") this.failCommand = undefined;
    else if (mode === "alwaysOn") this.failCommand = { remaining: Number.POSITIVE_INFINITY, skip: 0, data };
    else if (isPlainObject(mode) && typeof mode.times === "number") this.failCommand = { remaining: mode.times, skip: 0, data };
    else if (isPlainObject(mode) && typeof mode.skip === "number")
      this.failCommand = { remaining: Number.POSITIVE_INFINITY, skip: mode.skip, data };
    else throw new CommandError("BadValue", "mode must be 'off', 'alwaysOn', {times: n} or {skip: n}");
    if (this.failCommand && !Array.isArray(data.failCommands))
      throw new CommandError("BadValue", "data.failCommands must be an array of command names");
    if (data.closeConnection === true) {
      this.failCommand = undefined;
      throw new CommandError("BadValue", "failCommand with closeConnection is not supported by the embedded engine");
    }
    // mongod answers how many times the previous configuration was entered.
    return { count: entered, ok: 1 };
  }

  /** The failure to inject for this command, if the fail point is armed for it. */
  check(commandName: string): InjectedFailure | undefined {
    const point = this.failCommand;
    if (!point || !(point.data.failCommands as unknown[]).includes(commandName)) return undefined;
    if (point.skip > 0) {
      point.skip--;
      return undefined;
    }
    point.remaining--;
    this.enteredSinceConfigured++;
    if (point.remaining <= 0) this.failCommand = undefined;
    const failure: InjectedFailure = {};
    if (point.data.blockConnection === true) failure.blockMs = Number(point.data.blockTimeMS ?? 0);
    if (typeof point.data.errorCode === "number") {
      failure.reply = {
        ok: 0,
        code: point.data.errorCode,
        codeName: codeNameFor(point.data.errorCode),
        errmsg: `Failing command ${commandName} via 'failCommand' failpoint`,
      };
      if (Array.isArray(point.data.errorLabels)) failure.reply.errorLabels = point.data.errorLabels;
    } else if (isPlainObject(point.data.writeConcernError)) {
      failure.reply = { ok: 1, writeConcernError: point.data.writeConcernError };
    }
    return failure;
  }
}

function codeNameFor(code: number): string {
  const names: Record<number, string> = {
    112: "WriteConflict",
    251: "NoSuchTransaction",
    11600: "InterruptedAtShutdown",
    91: "ShutdownInProgress",
    189: "PrimarySteppedDown",
    10107: "NotWritablePrimary",
    6: "HostUnreachable",
    89: "NetworkTimeout",
    50: "MaxTimeMSExpired",
  };
  return names[code] ?? "FailPointInjectedError";
}
