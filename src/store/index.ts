// The store's public surface: open + migrate a database, and the ConversationStore over it.

export { openDatabase, openAndMigrate, defaultMigrationsDir } from "./database.js";
export type { Database, OpenDatabaseOptions } from "./database.js";
export { migrate } from "./migrations.js";
export { runMigrateCommand } from "./migrate-command.js";
export type { MigrateCommandOptions } from "./migrate-command.js";
export { ConversationStore } from "./conversation-store.js";
export { StoreError, MigrationError } from "./errors.js";
export { DatabaseOpenError, type DatabaseOpenProblem } from "./database-open-error.js";
export { SqliteStorePort, type SqliteStorePortOptions } from "./sqlite-store-port.js";
export type * from "./types.js";
export { AttachmentStore } from "./attachment-store.js";
export type * from "./attachment-types.js";
