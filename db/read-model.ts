// The application read model written in one statement: the application row, then its items only
// when that row was written (a newer snapshot stored first wins), and only the item rows whose
// content changed (an unchanged row fires no trigger and touches no index). One round trip instead
// of a transaction of seven: the sync runs a dozen times per application.
import { getTableColumns, sql, type SQLChunk } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { CaseEvent } from '../workflows/shared/case-events.js';
import type { ReadModelSnapshot } from '../workflows/shared/read-model.js';
import type { Db } from './client.js';
import { applicationItems, applications } from './schema.js';

const appColumns = getTableColumns(applications);
const itemColumns = getTableColumns(applicationItems);
/** Every column of the table: one the snapshot lacks fails to compile where `app[k]` is read below. */
const APP_KEYS = Object.keys(appColumns) as (keyof typeof appColumns)[];
/** The item's own columns; the application's columns on its items come from the application row. */
const ITEM_OWN_KEYS = [
  'itemCode',
  'itemName',
  'department',
  'region',
  'status',
  'startedAt',
  'deadline',
  'overdue',
  'decidedAt',
  'decision',
  'departmentFirst',
] as const;
/** The application's columns copied onto its items, as item column ← application column. */
const ITEM_FROM_APP = {
  bundleCode: 'bundleCode',
  createdAt: 'createdAt',
  applicationStatus: 'status',
  applicationAcceptedAt: 'acceptedAt',
  applicationEndedAt: 'endedAt',
} as const;

const name = (c: PgColumn) => sql.identifier(c.name);
const list = (parts: SQLChunk[]) => sql.join(parts, sql`, `);
const sqlType = (c: PgColumn) => sql.raw(c.getSQLType());
/** A value as its column takes it: JSON text for jsonb (an array would go as a PostgreSQL array). */
const param = (value: unknown, c: PgColumn) => (value == null ? null : c.getSQLType() === 'jsonb' ? JSON.stringify(value) : value);
/** `a = excluded.a, …` for every column but the keys. */
const setExcluded = (cols: PgColumn[]) => list(cols.map((c) => sql`${name(c)} = excluded.${name(c)}`));

const ITEM_UPDATED = Object.values(itemColumns).filter((c) => c.name !== 'application_id' && c.name !== 'item_code');
const STATEMENT_PARTS = {
  appInsert: list(APP_KEYS.map((k) => name(appColumns[k]))),
  appUpdate: setExcluded(Object.values(appColumns).filter((c) => c.name !== 'id')),
  itemInsert: list([
    name(itemColumns.applicationId),
    ...ITEM_OWN_KEYS.map((k) => name(itemColumns[k])),
    ...Object.keys(ITEM_FROM_APP).map((k) => name(itemColumns[k as keyof typeof ITEM_FROM_APP])),
  ]),
  itemRecord: list(ITEM_OWN_KEYS.map((k) => sql`${name(itemColumns[k])} ${sqlType(itemColumns[k])}`)),
  itemSelect: list([
    sql`app.id`,
    ...ITEM_OWN_KEYS.map((k) => sql`x.${name(itemColumns[k])}`),
    ...Object.values(ITEM_FROM_APP).map((k) => sql`app.${name(appColumns[k])}`),
  ]),
  itemUpdate: setExcluded(ITEM_UPDATED),
  itemChanged: sql`(${list(ITEM_UPDATED.map((c) => sql`application_items.${name(c)}`))}) is distinct from (${list(ITEM_UPDATED.map((c) => sql`excluded.${name(c)}`))})`,
};

/** The case file's part of a sync: the state as kept for good, and the events since the last sync. */
export interface CaseFileWrite {
  /** The state kept for good: written once the application has ended. */
  state?: Record<string, unknown>;
  events: CaseEvent[];
}

/**
 * Stores the snapshot unless a newer one (by revision) is already stored; with `caseFile`, in the
 * same statement, appends the events (each once, by key) and keeps the case file's last state.
 */
export async function writeApplicationSnapshot(db: Db, snapshot: ReadModelSnapshot, caseFile?: CaseFileWrite): Promise<void> {
  const { app, items } = snapshot;
  const p = STATEMENT_PARTS;
  // jsonb_to_recordset takes the column names as the JSON keys.
  const records = items.map((item) => Object.fromEntries(ITEM_OWN_KEYS.map((k) => [itemColumns[k].name, item[k]])));
  const caseParts = caseFile
    ? sql`
    case_events_written as (
      insert into case_events (application_id, key, at, kind, item, actor, label, detail, decision)
      select ${app.id}, e.key, e.at, e.kind, e.item, e.actor, e.label, e.detail, e.decision
      from jsonb_to_recordset(${JSON.stringify(caseFile.events)}::jsonb) as e(key text, at timestamptz, kind text, item text, actor jsonb, label text, detail jsonb, decision jsonb)
      on conflict (application_id, key) do nothing
    ),${
      caseFile.state
        ? sql`
    case_state_written as (
      update case_files set state = ${JSON.stringify(caseFile.state)}::jsonb, revision = ${app.revision}
      where application_id = ${app.id} and revision < ${app.revision}
    ),`
        : sql``
    }`
    : sql``;
  await db.execute(sql`
    with ${caseParts} app as (
      insert into applications (${p.appInsert})
      values (${list(APP_KEYS.map((k) => sql`${param(app[k], appColumns[k])}::${sqlType(appColumns[k])}`))})
      on conflict (id) do update set ${p.appUpdate}
      where applications.revision < excluded.revision
      returning *
    )
    insert into application_items (${p.itemInsert})
    select ${p.itemSelect}
    from app, jsonb_to_recordset(${JSON.stringify(records)}::jsonb) as x(${p.itemRecord})
    on conflict (application_id, item_code) do update set ${p.itemUpdate}
    where ${p.itemChanged}`);
}
