import { MigrationSourceError } from "./migration.errors";

/**
 * A time zone that naive DATETIME values are read in: a fixed offset (+02:00, UTC) or an IANA name (Europe/Rome),
 * whose offset is looked up for each value (daylight saving time included) through Intl.
 */
export class SourceTimeZone {
  private readonly fixedOffsetMinutes: number | undefined;
  private readonly formatter: Intl.DateTimeFormat | undefined;

  private constructor(readonly name: string) {
    const offset = /^([+-])(\d{2}):(\d{2})$/.exec(name);
    if (name === "UTC" || name === "Z") this.fixedOffsetMinutes = 0;
    else if (offset) this.fixedOffsetMinutes = (offset[1] === "-" ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3]));
    else
      this.formatter = new Intl.DateTimeFormat("en-US", {
        timeZone: name,
        hourCycle: "h23",
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
        hour: "2-digit",
        minute: "2-digit",
        second: "2-digit",
      });
  }

  /** undefined when `name` is neither an offset nor a zone Intl knows. */
  static tryParse(name: string): SourceTimeZone | undefined {
    try {
      return new SourceTimeZone(name.trim());
    } catch {
      return undefined;
    }
  }

  static parse(name: string): SourceTimeZone {
    const zone = SourceTimeZone.tryParse(name);
    if (!zone)
      throw new MigrationSourceError(
        `--source-timezone "${name}" is not a time zone: use an IANA name (Europe/Rome), UTC or an offset (+01:00)`,
      );
    return zone;
  }

  /** The instant a wall-clock time in this zone names (epoch ms). An hour skipped by DST is read with the earlier offset. */
  toUtc(wallAsUtcMs: number): number {
    if (this.fixedOffsetMinutes !== undefined) return wallAsUtcMs - this.fixedOffsetMinutes * 60_000;
    let instant = wallAsUtcMs - this.offsetAt(wallAsUtcMs);
    instant = wallAsUtcMs - this.offsetAt(instant);
    return instant;
  }

  /** The wall-clock time of an instant in this zone, as epoch ms read as UTC. */
  fromUtc(instantMs: number): number {
    return instantMs + (this.fixedOffsetMinutes !== undefined ? this.fixedOffsetMinutes * 60_000 : this.offsetAt(instantMs));
  }

  private offsetAt(instantMs: number): number {
    const parts = Object.fromEntries(
      (this.formatter as Intl.DateTimeFormat).formatToParts(instantMs).map((part) => [part.type, part.value]),
    );
    const wall = Date.UTC(
      Number(parts.year),
      Number(parts.month) - 1,
      Number(parts.day),
      Number(parts.hour),
      Number(parts.minute),
      Number(parts.second),
    );
    return wall - Math.floor(instantMs / 1000) * 1000;
  }
}
