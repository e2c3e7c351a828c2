// The notice outbox: each notice is written once (by key) and then handed to a sender; a retried
// activity finds it already written and sends only what is not yet marked sent.
import { Context } from '@temporalio/activity';
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { writeCaseEvents } from '../db/case-file.js';
import { notices } from '../db/schema.js';
import { noticeRows } from './case-events.js';
import type { Notice } from '../workflows/shared/notices.js';

/** Where notices go (SMS gateway, the applicant's space, a department's inbox …). */
export interface NoticeSender {
  /** Must tolerate a repeat of the same key (at-least-once after a crash between send and mark). */
  send(applicationId: string, notice: Notice): Promise<void>;
}

/** The default sender: a structured log line, no personal data beyond what the notice carries. */
export const logSender = (log: (line: string) => void = () => {}): NoticeSender => ({
  async send(applicationId, notice) {
    log(JSON.stringify({ notice: notice.kind, to: notice.to, department: notice.department, applicationId, key: notice.key, title: notice.title }));
  },
});

/** `at`: when the workflow queued the notices (its own clock); else when it scheduled this activity. */
export async function deliverNotices(db: Db, sender: NoticeSender, applicationId: string, batch: Notice[], at?: string): Promise<void> {
  if (batch.length === 0) return;
  await db
    .insert(notices)
    .values(batch.map((n) => ({ applicationId, key: n.key, kind: n.kind, recipient: n.to, department: n.department ?? null, title: n.title, body: n.body })))
    .onConflictDoNothing();
  // The case file records each notice as the workflow queued it.
  await writeCaseEvents(db, applicationId, noticeRows(batch, at ?? new Date(scheduledAt()).toISOString()));
  for (const n of batch) {
    const [row] = await db
      .select({ sentAt: notices.sentAt })
      .from(notices)
      .where(and(eq(notices.applicationId, applicationId), eq(notices.key, n.key)));
    if (row?.sentAt) continue;
    await sender.send(applicationId, n);
    await db
      .update(notices)
      .set({ sentAt: new Date().toISOString() })
      .where(and(eq(notices.applicationId, applicationId), eq(notices.key, n.key), isNull(notices.sentAt)));
  }
}

/** When the workflow scheduled this activity (outside an activity, e.g. a script: now). */
function scheduledAt(): number {
  try {
    return Context.current().info.scheduledTimestampMs;
  } catch {
    return Date.now();
  }
}
