// Which departments' inboxes moved, from PostgreSQL's notifications (migration 0007: every item row
// entering or leaving a status sends its department on `yjs_inbox`). A waiting inbox request reads
// the version before its query and waits for a later one, so no change between the two is missed.
import type { DbHandle } from '../db/client.js';

export const INBOX_CHANNEL = 'yjs_inbox';
/** Without a notification (LISTEN unavailable or reconnecting) a waiting request reads again this often. */
export const INBOX_RECHECK_MS = 5_000;

export class InboxWatch {
  private readonly versions = new Map<string, number>();
  private readonly waiters = new Map<string, Set<() => void>>();
  private listening: Promise<void> | undefined;
  private unlisten: (() => Promise<void>) | undefined;
  private closed = false;

  constructor(
    private readonly db: Pick<DbHandle, 'listen'>,
    private readonly log: (message: string, err: unknown) => void,
  ) {}

  /** The department's inbox version: it moves on every notification for the department. */
  version(dept: string): number {
    return this.versions.get(dept) ?? 0;
  }

  /**
   * Resolves when the department's inbox moves past `version`, after `ms`, when `signal` aborts or
   * when the watch closes, whichever comes first. Starts listening on first use.
   */
  async changed(dept: string, version: number, ms: number, signal: AbortSignal): Promise<void> {
    await this.start();
    if (this.closed || signal.aborted || this.version(dept) !== version) return;
    await new Promise<void>((resolve) => {
      const waiters = this.waiters.get(dept) ?? new Set();
      this.waiters.set(dept, waiters);
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done);
      waiters.add(done);
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Wakes every waiting request (they answer at once) and stops listening. */
  async close(): Promise<void> {
    this.closed = true;
    for (const waiters of this.waiters.values()) for (const wake of [...waiters]) wake();
    await this.listening?.catch(() => {});
    await this.unlisten?.().catch(() => {});
  }

  private notify(dept: string): void {
    this.versions.set(dept, this.version(dept) + 1);
    for (const wake of [...(this.waiters.get(dept) ?? [])]) wake();
  }

  private start(): Promise<void> {
    if (this.closed) return Promise.resolve();
    // A failed LISTEN is logged once and not retried: waiting requests then re-read every few seconds.
    this.listening ??= this.db
      .listen(INBOX_CHANNEL, (dept) => this.notify(dept))
      .then(
        (unlisten) => void (this.unlisten = unlisten),
        (err: unknown) => this.log('LISTEN yjs_inbox failed: inboxes are re-read every few seconds', err),
      );
    return this.listening;
  }
}
