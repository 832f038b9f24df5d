// Test databases used again within a run: CREATE DATABASE syncs the copied files to disk
// and costs most of a second; emptying a database costs a few milliseconds. A free
// database is claimed by renaming it, which is atomic and needs it unused, so two test
// files (or two test runs on one server) never get the same one.
//
// Free databases come in two kinds: empty, and with opsbot's migrations applied and its
// tables emptied (most tests build the app, which would migrate it anyway). The second
// kind carries the fingerprint of a freshly migrated schema in its name, so a schema that
// a test altered is never handed on, nor one migrated by another version of the code.
import pg from "pg";

/** Set by test/kit/global-setup.ts: a freshly migrated schema, as JSON (`Migrated`). */
export const RECYCLE_ENV = "OPSBOT_TEST_MIGRATED_SCHEMA";

/** A freshly migrated opsbot schema: its fingerprint, and the rows its migrations insert. */
export interface Migrated {
  fingerprint: string;
  seed: Record<string, unknown[]>;
}

const EMPTY_PREFIX = "opsbot_free_";
const migratedPrefix = (fingerprint: string) => `opsbot_fm_${fingerprint.slice(0, 10)}_`;

/** The migrated reference when recycling is on (under `npm test`). */
export function recyclingReference(): Migrated | undefined {
  const json = process.env[RECYCLE_ENV];
  return json ? (JSON.parse(json) as Migrated) : undefined;
}

/** One short-lived connection (CREATE and ALTER DATABASE cannot run in a pool's transaction). */
export async function withClient<T>(
  url: string,
  fn: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const nameOf = (connectionString: string) => new URL(connectionString).pathname.slice(1);

/** Renames a free database to the one `connectionString` names; false if none was free. */
export async function claimFreeDatabase(
  adminUrl: string,
  connectionString: string,
  wanted: { reference: Migrated; migrated: boolean },
): Promise<boolean> {
  const migrated = migratedPrefix(wanted.reference.fingerprint);
  // A migrated one serves where an empty one is wanted once its schema is dropped.
  const prefixes = wanted.migrated ? [migrated, EMPTY_PREFIX] : [EMPTY_PREFIX, migrated];
  const name = nameOf(connectionString);
  const taken = await withClient(adminUrl, async (client) => {
    for (const prefix of prefixes) {
      for (const free of await databasesNamed(client, prefix)) {
        const renamed = await client.query(`ALTER DATABASE ${free} RENAME TO ${name}`).then(
          () => true,
          () => false, // claimed or dropped by someone else meanwhile
        );
        if (renamed) return prefix;
      }
    }
    return undefined;
  });
  if (taken === migrated && !wanted.migrated) {
    await withClient(connectionString, (client) => client.query("DROP SCHEMA opsbot CASCADE"));
  }
  return taken !== undefined;
}

/**
 * Ends the database's connections, empties it and renames it free: opsbot's tables
 * emptied if its schema is exactly as freshly migrated, every schema dropped otherwise,
 * `public` recreated as a new database has it (PostgreSQL 15+). False when it could not.
 */
export async function releaseDatabase(
  adminUrl: string,
  connectionString: string,
  reference: Migrated,
): Promise<boolean> {
  const name = nameOf(connectionString);
  // One connection to the database itself and one to rename it: each costs ~25 ms here.
  const keepsSchema = await withClient(connectionString, async (client) => {
    await client.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
      [name],
    );
    const keep = (await schemaFingerprint(client)) === reference.fingerprint;
    const { rows } = await client.query<{ nspname: string }>(
      `SELECT nspname FROM pg_namespace
       WHERE nspname <> 'information_schema' AND nspname NOT LIKE 'pg\\_%'
         AND NOT (nspname = 'opsbot' AND $1)`,
      [keep],
    );
    const dropped = rows.map((r) => client.escapeIdentifier(r.nspname)).join(", ");
    await client.query(
      `${dropped ? `DROP SCHEMA ${dropped} CASCADE;` : ""}
       CREATE SCHEMA public AUTHORIZATION pg_database_owner;
       GRANT USAGE ON SCHEMA public TO PUBLIC;
       COMMENT ON SCHEMA public IS 'standard public schema';`,
    );
    if (keep) await resetOpsbotTables(client, reference.seed);
    return keep;
  });
  const freeName = `${keepsSchema ? migratedPrefix(reference.fingerprint) : EMPTY_PREFIX}${name}`;
  // Terminated backends take a moment to go; the rename waits for none.
  for (let attempt = 0; attempt < 40; attempt++) {
    const renamed = await withClient(adminUrl, (client) =>
      client.query(`ALTER DATABASE ${name} RENAME TO ${freeName}`),
    ).then(
      () => true,
      () => false,
    );
    if (renamed) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

/**
 * Drops every free database (the end of a test run), all at once: each DROP DATABASE waits
 * for a checkpoint, seconds on a busy server, and drops waiting together share one.
 */
export async function dropFreeDatabases(adminUrl: string): Promise<void> {
  const free = await withClient(adminUrl, async (client) => [
    ...(await databasesNamed(client, EMPTY_PREFIX)),
    ...(await databasesNamed(client, "opsbot_fm_")),
  ]);
  await Promise.all(
    free.map((name) =>
      withClient(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name}`)),
    ),
  );
}

async function databasesNamed(client: pg.Client, prefix: string): Promise<string[]> {
  const { rows } = await client.query<{ datname: string }>(
    "SELECT datname FROM pg_database WHERE starts_with(datname, $1) ORDER BY random()",
    [prefix],
  );
  return rows.map((r) => r.datname);
}

const opsbotRelations = async (client: pg.Client, kinds: string[]) =>
  (
    await client.query<{ relname: string }>(
      `SELECT relname FROM pg_class WHERE relnamespace = 'opsbot'::regnamespace
         AND relkind = ANY($1) AND relname <> 'migrations' ORDER BY relname`,
      [kinds],
    )
  ).rows.map((r) => `opsbot.${client.escapeIdentifier(r.relname)}`);

/** What a freshly migrated database holds: for the reference (test/kit/global-setup.ts). */
export async function describeMigrated(client: pg.Client): Promise<Migrated> {
  const seed: Record<string, unknown[]> = {};
  for (const table of await opsbotRelations(client, ["r"])) {
    const { rows } = await client.query<{ rows: unknown[] }>(
      `SELECT coalesce(json_agg(t), '[]') AS rows FROM ${table} t`,
    );
    if (rows[0]!.rows.length > 0) seed[table] = rows[0]!.rows;
  }
  return { fingerprint: await schemaFingerprint(client), seed };
}

/**
 * Puts opsbot's tables back as its migrations left them: emptied, sequences restarted, the
 * seed rows put back. DELETE, not TRUNCATE: TRUNCATE gives each table new files synced at
 * commit, a third of a second for a dozen small tables. One round trip for the ~50
 * statements (the simple protocol, hence the seed inlined as a literal): this runs after
 * every test that built an app.
 */
async function resetOpsbotTables(client: pg.Client, seed: Migrated["seed"]): Promise<void> {
  const tables = await opsbotRelations(client, ["r"]);
  const sequences = await opsbotRelations(client, ["S"]);
  await client.query(
    [
      "BEGIN",
      // Replica mode skips the foreign-key triggers, so the order of the statements is free.
      "SET LOCAL session_replication_role = replica",
      ...tables.map((table) => `DELETE FROM ${table}`),
      ...sequences.map((sequence) => `ALTER SEQUENCE ${sequence} RESTART`),
      ...Object.entries(seed).map(
        ([table, rows]) =>
          `INSERT INTO ${table} SELECT * FROM json_populate_recordset(NULL::${table}, ${client.escapeLiteral(JSON.stringify(rows))})`,
      ),
      "COMMIT",
    ].join(";\n"),
  );
}

/**
 * What the opsbot schema consists of: owners and grants, relations, columns with types and defaults,
 * constraints, indexes, functions and triggers (no data). "" when there is no such schema.
 */
export async function schemaFingerprint(client: pg.Client): Promise<string> {
  const { rows } = await client.query<{ fingerprint: string | null }>(
    `WITH ns AS (SELECT oid FROM pg_namespace WHERE nspname = 'opsbot')
     SELECT md5(string_agg(item, E'\\n' ORDER BY item)) AS fingerprint FROM (
       SELECT format('schema %s %s', pg_get_userbyid(nspowner), nspacl) AS item
         FROM pg_namespace WHERE oid IN (SELECT oid FROM ns)
       UNION ALL
       SELECT format('rel %s %s %s %s', c.relname, c.relkind, pg_get_userbyid(c.relowner), c.relacl)
         FROM pg_class c WHERE c.relnamespace IN (SELECT oid FROM ns)
       UNION ALL
       SELECT format('col %s.%s %s %s %s', c.relname, a.attname,
                     format_type(a.atttypid, a.atttypmod), a.attnotnull,
                     pg_get_expr(d.adbin, d.adrelid))
         FROM pg_class c
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
         LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
        WHERE c.relnamespace IN (SELECT oid FROM ns)
       UNION ALL
       SELECT format('con %s %s', conname, pg_get_constraintdef(oid))
         FROM pg_constraint WHERE connamespace IN (SELECT oid FROM ns)
       UNION ALL
       SELECT format('idx %s', indexdef) FROM pg_indexes WHERE schemaname = 'opsbot'
       UNION ALL
       SELECT format('fn %s %s', proname, md5(prosrc))
         FROM pg_proc WHERE pronamespace IN (SELECT oid FROM ns)
       UNION ALL
       SELECT format('trg %s', pg_get_triggerdef(t.oid))
         FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
        WHERE NOT t.tgisinternal AND c.relnamespace IN (SELECT oid FROM ns)
     ) items`,
  );
  return rows[0]?.fingerprint ?? "";
}
