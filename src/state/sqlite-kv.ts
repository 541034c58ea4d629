/**
 * The SQLite key-value backend: one table of JSON values with expiry in a file under the data
 * directory, so limits and usage survive a restart. Each update (or batch of updates) is one IMMEDIATE
 * transaction, so processes sharing the file stay atomic too (WAL mode, a busy timeout instead of failing at once).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { ConfigError } from "../config/config-error.ts";
import type { KvBackend } from "./kv-state-store.ts";
import { openSqlite, type SqliteDatabase } from "./sqlite-driver.ts";

/** The file's name inside `HAIGPT_DATA_DIR`. */
export const STATE_FILE = "haigpt-state.sqlite";

/** Opens `<dataDir>/haigpt-state.sqlite`, creating the directory and table when missing. */
export async function openSqliteKv(dataDir: string, now: () => number = Date.now): Promise<KvBackend> {
  const db = await openStateFile(dataDir);
  const select = db.prepare("SELECT value FROM state WHERE key = ? AND (expires_at IS NULL OR expires_at > ?)");
  const selectPrefix = db.prepare(
    "SELECT key, value FROM state WHERE key >= ? AND key < ? AND (expires_at IS NULL OR expires_at > ?) ORDER BY key",
  );
  // Several keys in one statement: each statement pays for a read snapshot of the file.
  const selectMany = db.prepare(
    "SELECT key, value, expires_at FROM state WHERE key IN (SELECT value FROM json_each(?)) AND (expires_at IS NULL OR expires_at > ?)",
  );
  const upsert = db.prepare(
    "INSERT INTO state (key, value, expires_at) VALUES (?, ?, ?) " +
      "ON CONFLICT(key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at",
  );
  const remove = db.prepare("DELETE FROM state WHERE key = ?");
  const sweep = db.prepare("DELETE FROM state WHERE expires_at IS NOT NULL AND expires_at <= ?");
  // What getMany read or this process wrote, valid while no other process has committed to the file:
  // SQLite's data_version changes exactly when another connection commits. Reading it is a statement
  // of its own (~4 µs), so it is read at most once per OTHERS_RECHECK_MS, not on every request (the
  // router reads every upstream's state on every request); this process's own writes update `known` at once.
  const dataVersion = db.prepare("PRAGMA data_version");
  const known = new Map<string, { readonly value: string; readonly expiresAt: number | null } | null>();
  let knownVersion: unknown = null;
  let checkedAt = Number.NEGATIVE_INFINITY;
  const currentVersion = () => (dataVersion.get() as { data_version: number }).data_version;
  const read = (key: string, now: number): unknown => {
    const row = select.get(key, now) as { value: string } | null | undefined;
    return row ? JSON.parse(row.value) : undefined;
  };
  let updates = 0;
  sweep.run(now());

  // Runs `run` in one IMMEDIATE transaction; updates inside a running one join it (a batch commits once).
  let inTransaction = false;
  const atomically = <R>(run: () => R): R => {
    if (inTransaction) return run();
    db.exec("BEGIN IMMEDIATE");
    inTransaction = true;
    try {
      const result = run();
      db.exec("COMMIT");
      return result;
    } catch (error) {
      db.exec("ROLLBACK");
      known.clear();
      throw error;
    } finally {
      inTransaction = false;
    }
  };

  return {
    update: (key, now, change) =>
      atomically(() => {
        const { value, expiresAt, result } = change(read(key, now));
        if (value === undefined) {
          remove.run(key);
          if (known.size) known.set(key, null);
        } else {
          const text = JSON.stringify(value);
          upsert.run(key, text, expiresAt);
          if (known.size) known.set(key, { value: text, expiresAt });
        }
        // Rows nobody reads again would stay forever; sweep lapsed ones now and then.
        if (++updates % SWEEP_EVERY === 0) sweep.run(now);
        return result;
      }),
    transaction: (run) => atomically(run),
    get: read,
    getMany(keys, now) {
      // A clock that went back (a manual clock, a system clock set back) checks at once.
      if (now - checkedAt >= OTHERS_RECHECK_MS || now < checkedAt) {
        checkedAt = now;
        const version = currentVersion();
        if (version !== knownVersion) {
          known.clear();
          knownVersion = version;
        }
      }
      let allKnown = true;
      for (const key of keys) if (!known.has(key)) allKnown = false;
      if (!allKnown) {
        // Read with no expiry filter, so that what is cached can lapse by itself at its time.
        const rows = selectMany.all(JSON.stringify(keys), Number.MIN_SAFE_INTEGER) as Array<{ key: string; value: string; expires_at: number | null }>;
        for (const key of keys) known.set(key, null);
        for (const row of rows) known.set(row.key, { value: row.value, expiresAt: row.expires_at });
      }
      const values = new Array<unknown>(keys.length);
      for (let i = 0; i < keys.length; i++) {
        const entry = known.get(keys[i]!);
        values[i] = entry && (entry.expiresAt === null || entry.expiresAt > now) ? JSON.parse(entry.value) : undefined;
      }
      return values;
    },
    list(prefix, now) {
      // Keys in [prefix, prefix + U+FFFF) start with prefix: a range the primary key index answers.
      const rows = selectPrefix.all(prefix, `${prefix}\uffff`, now) as Array<{ key: string; value: string }>;
      return rows.map((row) => [row.key, JSON.parse(row.value)]);
    },
    close: () => db.close(),
  };
}

const SWEEP_EVERY = 1_000;

/**
 * How stale another process's upstream state may be when read (ms). Far below one Azure round trip (tens
 * of ms or more), so no request routes on older news than the answers already in flight carry; cooldowns
 * and open circuits last seconds. Writes are never stale: each update reads the row in its transaction.
 */
export const OTHERS_RECHECK_MS = 10;

/** Creates the directory and opens the file; failing that, a start-up error saying which setting to fix. */
async function openStateFile(dataDir: string): Promise<SqliteDatabase> {
  try {
    mkdirSync(dataDir, { recursive: true });
    const db = await openSqlite(join(dataDir, STATE_FILE));
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA busy_timeout = 5000");
    // Every proxied request writes its usage here, on the event loop: in WAL mode NORMAL skips the fsync
    // per commit (about 0.5 ms each) and still never corrupts the file; a power cut may lose the last
    // moments of counts, a crash of haigpt loses nothing.
    db.exec("PRAGMA synchronous = NORMAL");
    db.exec("CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires_at INTEGER)");
    return db;
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ConfigError(`data directory ${dataDir}`, null,
      `cannot create or open ${STATE_FILE} (${reason}); set HAIGPT_DATA_DIR (dataDir) to a writable directory`);
  }
}
