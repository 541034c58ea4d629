/**
 * The one place that knows which SQLite the runtime has: `bun:sqlite` under Bun, `node:sqlite` under
 * Deno (and Node). Both are synchronous and share the prepare/get/all/run shape used here.
 */

/** The part of a prepared statement the stores use. */
export interface SqliteStatement {
  get(...params: SqliteValue[]): unknown;
  all(...params: SqliteValue[]): unknown[];
  run(...params: SqliteValue[]): unknown;
}

export type SqliteValue = string | number | null;

/** An open database file. */
export interface SqliteDatabase {
  exec(sql: string): void;
  prepare(sql: string): SqliteStatement;
  close(): void;
}

/** Opens (creating if needed) the database file at `path` with the runtime's own SQLite. */
export async function openSqlite(path: string): Promise<SqliteDatabase> {
  if (typeof globalThis.Bun !== "undefined") {
    const { Database } = await import("bun:sqlite");
    const db = new Database(path, { create: true });
    return {
      exec: (sql) => void db.run(sql),
      prepare: (sql) => db.prepare(sql) as unknown as SqliteStatement,
      close: () => db.close(),
    };
  }
  const { DatabaseSync } = await import("node:sqlite");
  const db = new DatabaseSync(path);
  return {
    exec: (sql) => db.exec(sql),
    prepare: (sql) => db.prepare(sql) as unknown as SqliteStatement,
    close: () => db.close(),
  };
}
