// Why a database file cannot be used, in words an operator can act on: read-only, not SQLite, or a folder Baton cannot write.

import { accessSync, constants, existsSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { StoreError } from "./errors.js";

export type DatabaseOpenProblem = "read_only" | "folder_unwritable" | "not_sqlite" | "cannot_open";

/** The database at `path` cannot be opened for writing; `problem` and `remedy` say why and what to do. */
export class DatabaseOpenError extends StoreError {
  readonly path: string;
  readonly problem: DatabaseOpenProblem;
  /** What is wrong, e.g. "the file is read-only (EACCES)". */
  readonly detail: string;
  /** What the operator can do about it. */
  readonly remedy: string;

  constructor(input: { path: string; problem: DatabaseOpenProblem; detail: string; remedy: string; cause?: unknown }) {
    super(`The database ${input.path}: ${input.detail}. ${input.remedy}`, { cause: input.cause });
    this.path = input.path;
    this.problem = input.problem;
    this.detail = input.detail;
    this.remedy = input.remedy;
  }
}

const SET_ANOTHER_PATH = "or set BATON_DB to another path";

function codeOf(error: unknown): string {
  return typeof error === "object" && error !== null && "code" in error && typeof error.code === "string" ? error.code : "unknown";
}

function folderError(path: string, cause: unknown): DatabaseOpenError {
  const folder = dirname(path);
  const code = codeOf(cause);
  if (code === "ENOTDIR" || code === "EEXIST") {
    return new DatabaseOpenError({ path, problem: "folder_unwritable", detail: `a part of the folder ${folder} is a file, not a folder (${code})`, remedy: `Choose a path whose folders are folders, ${SET_ANOTHER_PATH}.`, cause });
  }
  return new DatabaseOpenError({
    path,
    problem: "folder_unwritable",
    detail: `Baton cannot create files in the folder ${folder} (${code}); SQLite needs it for the database and its -wal and -shm files`,
    remedy: `Make the folder writable by the user running Baton, ${SET_ANOTHER_PATH} in a writable folder.`,
    cause,
  });
}

function readOnlyError(path: string, code: string, cause?: unknown): DatabaseOpenError {
  return new DatabaseOpenError({
    path,
    problem: "read_only",
    detail: `the database is read-only (${code})`,
    remedy: `Make the file and its folder writable by the user running Baton, ${SET_ANOTHER_PATH}.`,
    cause,
  });
}

/**
 * Checks, before SQLite opens it, that the file (when it exists) and its folder can be written: SQLite quietly opens a
 * read-only file read-only, and the first write of a turn, long after start, would then fail instead.
 */
export function ensureWritable(path: string): void {
  const folder = dirname(path);
  try {
    mkdirSync(folder, { recursive: true });
  } catch (error) {
    throw folderError(path, error);
  }
  if (existsSync(path)) {
    try {
      accessSync(path, constants.R_OK | constants.W_OK);
    } catch (error) {
      throw readOnlyError(path, codeOf(error), error);
    }
  }
  try {
    accessSync(folder, constants.W_OK);
  } catch (error) {
    throw folderError(path, error);
  }
}

/** SQLite's refusal to open or first use a file, as a DatabaseOpenError; undefined for anything else (e.g. busy). */
export function explainSqliteOpenFailure(path: string, error: unknown): DatabaseOpenError | undefined {
  const code = codeOf(error);
  if (code === "SQLITE_NOTADB" || code.startsWith("SQLITE_CORRUPT")) {
    return new DatabaseOpenError({
      path,
      problem: "not_sqlite",
      detail: `the file is not a SQLite database, or it is damaged (${code})`,
      remedy: `Point BATON_DB at Baton's database file, or move this file away and Baton creates a new database there.`,
      cause: error,
    });
  }
  if (code.startsWith("SQLITE_READONLY")) return readOnlyError(path, code, error);
  if (code.startsWith("SQLITE_CANTOPEN") || code.startsWith("SQLITE_PERM")) {
    return new DatabaseOpenError({
      path,
      problem: "cannot_open",
      detail: `SQLite cannot open the file (${code})`,
      remedy: `Check that the file and its folder exist and are readable and writable by the user running Baton, ${SET_ANOTHER_PATH}.`,
      cause: error,
    });
  }
  return undefined;
}
