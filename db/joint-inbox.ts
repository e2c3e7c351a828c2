// The joint procedures (8.3.2) in a department's inbox: those it leads while they are open or
// disputed (a dissent is the lead's to resolve), and those awaiting its sign-off. Read from the
// applications' `joint` column (jsonb containment on its GIN index), never from Temporal.
import { sql } from 'drizzle-orm';
import type { JointRow } from '../workflows/shared/read-model.js';
import { rows as rowsOf, type Db } from './client.js';

export interface JointTask extends JointRow {
  applicationId: string;
  number: string;
  bundle: string;
  applicant: string;
  /** lead: the department organises it (and resolves dissents); sign: its sign-off is awaited. */
  role: 'lead' | 'sign';
}

/** Newest application first; `prefix`: a coordinator's or the office's region, which the department's items in the application must lie in (属地). */
export async function jointTasks(db: Db, dept: string, limit: number, prefix?: string): Promise<JointTask[]> {
  const asLead = JSON.stringify([{ lead: dept }]);
  const asSigner = JSON.stringify([{ awaiting: [dept] }]);
  const rows = await rowsOf<{ id: string; number: string; bundle_code: string; applicant_name: string; proc: JointRow }>(
    db,
    sql`
    select a.id, a.number, a.bundle_code, a.applicant_name, p as proc
    from applications a, jsonb_array_elements(a.joint) p
    where (a.joint @> ${asLead}::jsonb or a.joint @> ${asSigner}::jsonb)
      and a.status in ('accepted', 'in_review')
      and p->>'status' in ('open', 'disputed')
      and (p->>'lead' = ${dept} or p->'awaiting' ? ${dept})
      ${prefix ? sql`and exists (select 1 from application_items i where i.application_id = a.id and i.department = ${dept} and i.region like ${`${prefix}%`})` : sql``}
    order by a.created_at desc, a.id, p->>'code'
    limit ${limit}`,
  );
  return rows.map((r) => ({
    applicationId: r.id,
    number: r.number,
    bundle: r.bundle_code,
    applicant: r.applicant_name,
    ...r.proc,
    role: r.proc.lead === dept ? 'lead' : 'sign',
  }));
}
