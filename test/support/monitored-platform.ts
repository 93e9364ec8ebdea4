import mongoose, { type mongo } from "mongoose";
import type { Database } from "../../src/db/connect";
import { startEmbeddedMongo } from "../../src/db/embedded";
import { createModels } from "../../src/db/models";
import { SetupService } from "../../src/modules/setup/setup.service";
import { createServices } from "../../src/services";
import { servePlatform, testConfig, type TestPlatform } from "./platform";

/** Driver housekeeping that is not work done for a request. */
const HOUSEKEEPING = new Set(["hello", "ismaster", "isMaster", "ping", "endSessions", "buildInfo"]);

export interface RecordedCommand {
  name: string;
  /** The collection the command targets (`find: "customers"` → customers), if any. */
  collection: string | undefined;
}

export interface CommandRecorder {
  /** Runs `action` and returns its result with every database command the driver sent meanwhile. */
  during<T>(action: () => Promise<T>): Promise<{ result: T; commands: RecordedCommand[] }>;
}

export interface MonitoredPlatform extends TestPlatform {
  commands: CommandRecorder;
}

/**
 * Like startTestPlatform, but the app's mongoose connection is opened with `monitorCommands: true`, so a test can
 * count the commands one HTTP request sends to the database (the platform's own connection does not monitor).
 */
export async function startMonitoredPlatform(options: { env?: Record<string, string> } = {}): Promise<MonitoredPlatform> {
  const config = testConfig(options.env);
  const engine = await startEmbeddedMongo();
  const connection = await mongoose
    .createConnection(engine.uri, {
      dbName: `test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`,
      bufferCommands: false,
      monitorCommands: true,
    })
    .asPromise();
  const db: Database = {
    type: "embedded",
    uri: engine.uri,
    connection,
    close: async () => {
      try {
        await connection.close();
      } finally {
        await engine.stop();
      }
    },
  };
  const services = createServices(createModels(connection), config);
  await new SetupService(services).init();
  // No background timers: their commands would be counted as the request's.
  const platform = await servePlatform(config, db, services, undefined, { backgroundWork: false });

  let recording: RecordedCommand[] | undefined;
  connection.getClient().on("commandStarted", (event: mongo.CommandStartedEvent) => {
    if (!recording || HOUSEKEEPING.has(event.commandName)) return;
    const target = (event.command as Record<string, unknown>)[event.commandName];
    recording.push({ name: event.commandName, collection: typeof target === "string" ? target : undefined });
  });

  return {
    ...platform,
    commands: {
      async during<T>(action: () => Promise<T>) {
        if (recording) throw new Error("command recordings cannot overlap");
        const commands: RecordedCommand[] = [];
        recording = commands;
        try {
          return { result: await action(), commands };
        } finally {
          recording = undefined;
        }
      },
    },
  };
}

/** `find customers, find licenses, …` for a readable failure message. */
export function describeCommands(commands: RecordedCommand[]): string {
  return commands.map((command) => `${command.name} ${command.collection ?? ""}`.trim()).join(", ");
}
