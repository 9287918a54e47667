// What `baton migrate` does: open the database (which migrates it) and say what changed.

import { openAndMigrate } from "./database.js";

export interface MigrateCommandOptions {
  readonly databasePath: string;
  readonly migrationsDir?: string;
  /** Where the report lines go; defaults to console.log. */
  readonly print?: (line: string) => void;
}

/** Returns the migrations it applied; throws MigrationError if the database and the migrations disagree. */
export function runMigrateCommand(options: MigrateCommandOptions): string[] {
  const print = options.print ?? ((line: string) => console.log(line));
  const { db, applied } = openAndMigrate(
    options.databasePath,
    options.migrationsDir === undefined ? {} : { migrationsDir: options.migrationsDir },
  );
  db.close();
  if (applied.length === 0) {
    print(`${options.databasePath}: up to date.`);
  } else {
    for (const file of applied) print(`${options.databasePath}: applied ${file}`);
  }
  return applied;
}
