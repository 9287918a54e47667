// Errors of the durable store: one "storage" code for all of them, so callers can store and test it without string matching.

import { BatonError } from "../workflow/errors.js";

/** The store could not do what was asked: a missing row, a broken invariant, an unusable database file. */
export class StoreError extends BatonError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("storage", message, options);
  }
}

/** The migrations folder and the database disagree: an applied migration was edited, renamed or removed. */
export class MigrationError extends StoreError {
  /** The migration file at fault, e.g. "0001_init.sql". */
  readonly file: string;
  constructor(file: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.file = file;
  }
}
