import { Field, Float, Int, ObjectType } from "type-graphql";
import { DateTimeISO, SafeInt } from "../graphql/scalars";

@ObjectType("BackupFile", { description: "A scheduled backup file in BACKUP_DIR" })
export class BackupFile {
  @Field()
  name!: string;

  @Field(() => SafeInt)
  sizeBytes!: number;

  @Field(() => DateTimeISO, { description: "When the backup started (the UTC second in its name)" })
  createdAt!: Date;
}

@ObjectType("BackupStatus", { description: "Scheduled backups: on when BACKUP_DIR is set (owner only: it names the folder)" })
export class BackupStatus {
  @Field({ description: "BACKUP_DIR is set: the platform backs itself up every BACKUP_EVERY" })
  enabled!: boolean;

  @Field(() => String, { nullable: true, description: "BACKUP_DIR" })
  directory!: string | null;

  @Field(() => String, { nullable: true, description: "BACKUP_EVERY as given, e.g. 24h" })
  every!: string | null;

  @Field(() => Float, { nullable: true, description: "BACKUP_EVERY in hours" })
  everyHours!: number | null;

  @Field(() => Int, { nullable: true, description: "BACKUP_KEEP: how many files are kept" })
  keep!: number | null;

  @Field(() => DateTimeISO, { nullable: true, description: "The last successful scheduled backup (any instance)" })
  lastAt!: Date | null;

  @Field(() => String, { nullable: true })
  lastFile!: string | null;

  @Field(() => SafeInt, { nullable: true })
  lastBytes!: number | null;

  @Field(() => SafeInt, { nullable: true })
  lastDocuments!: number | null;

  @Field(() => DateTimeISO, { nullable: true, description: "The last failed scheduled backup, if any" })
  lastFailureAt!: Date | null;

  @Field(() => String, { nullable: true, description: "Why it failed" })
  lastFailureMessage!: string | null;

  @Field(() => DateTimeISO, { nullable: true, description: "When the next scheduled backup starts" })
  nextAt!: Date | null;

  @Field(() => [BackupFile], { description: "The scheduled backups in BACKUP_DIR, newest first" })
  files!: BackupFile[];
}
