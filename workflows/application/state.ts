// The application's state and its pure transitions (一次分办, 8.3.3/8.3.4 rejection rules, outcome).
// No Temporal APIs here: unit-testable, and the workflow stays a short story.
import type { ItemState, ItemStatus, ResultData } from '../item/messages.js';
import type { ItemDefinition } from '../shared/bundle.js';
import { applicableItems, dependentsOf, prerequisites } from '../shared/rules.js';
import type { ApplicationInput, ApplicationState, ApplicationStatus, ItemView, Receipt } from './messages.js';

export function buildReceipt(input: ApplicationInput, items: ItemDefinition[]): Receipt {
  return {
    number: input.number,
    time: input.submittedAt,
    items: items.map(({ code, name, department }) => ({ code, name, department })),
    materials: input.materials.map((m) => m.code),
    promised: [],
  };
}

const FINAL_ITEM: readonly ItemStatus[] = ['approved', 'rejected', 'cancelled'];
export const isFinalItem = (status: ItemStatus): boolean => FINAL_ITEM.includes(status);

export class ApplicationRecord {
  readonly state: ApplicationState;
  private readonly defs: Map<string, ItemDefinition>;
  private readonly results = new Map<string, ResultData>();
  /** Items whose child workflow was started; they show in_review once the child reports in. */
  private readonly dispatched = new Set<string>();
  /** Items whose workflow has ended: an approval counts for dependents only once its result is archived. */
  private readonly ended = new Set<string>();
  private terminatedBy?: string;

  constructor(input: ApplicationInput, now: string) {
    const items = applicableItems(input.bundle, input.answers);
    const applicable = new Set(items.map((i) => i.code));
    this.defs = new Map(items.map((i) => [i.code, { ...i, after: prerequisites(i, applicable) }]));
    this.state = {
      id: input.id,
      number: input.number,
      bundle: { code: input.bundle.code, version: input.bundle.version, name: input.bundle.name, region: input.bundle.region },
      status: 'accepted',
      channel: input.channel,
      applicant: input.applicant,
      owner: input.owner,
      submittedBy: input.submittedBy,
      items: [...this.defs.values()].map((d) => ({
        code: d.code,
        name: d.name,
        department: d.department,
        after: d.after,
        status: 'waiting',
      })),
      receipt: buildReceipt(input, items),
      createdAt: input.submittedAt,
      acceptedAt: now,
      revision: 0,
    };
  }

  item(code: string): ItemView {
    const view = this.state.items.find((i) => i.code === code);
    if (!view) throw new Error(`unknown item ${code}`);
    return view;
  }

  definition(code: string): ItemDefinition {
    return this.defs.get(code)!;
  }

  /** Items that may start now: waiting, every prerequisite approved and archived, bundle not terminated. */
  readyItems(): ItemDefinition[] {
    if (this.terminatedBy) return [];
    return this.state.items
      .filter((i) => i.status === 'waiting' && !this.dispatched.has(i.code))
      .filter((i) => i.after.every((a) => this.ended.has(a) && this.item(a).status === 'approved'))
      .map((i) => this.definition(i.code));
  }

  /** Result data of the prerequisites, handed forward to the dependent item. */
  inputsFor(code: string): Record<string, ResultData> {
    return Object.fromEntries(this.definition(code).after.map((a) => [a, this.results.get(a) ?? {}]));
  }

  setStatus(status: ApplicationStatus): void {
    this.state.status = status;
    this.touch();
  }

  /**
   * The item's child workflow is being started. It stays 'waiting' until the child reports
   * 'in_review' itself, so no department is shown a task it cannot yet decide.
   */
  markDispatched(code: string): void {
    this.dispatched.add(code);
  }

  /** A status report from the item workflow; late reports never reopen a closed item. */
  applyItemState(report: ItemState): void {
    const view = this.state.items.find((i) => i.code === report.code);
    if (!view || isFinalItem(view.status)) return;
    Object.assign(view, report, { reason: report.decision?.reason });
    if (report.status === 'approved' && report.result) this.results.set(report.code, report.result);
    this.touch();
  }

  /**
   * The item's final outcome. A rejection cancels its dependents (they cannot start without its
   * result); with onReject 'terminate' it ends the whole bundle (8.3.3). Returns the codes of
   * started items that must now be cancelled.
   */
  completeItem(outcome: ItemState): string[] {
    this.applyItemState(outcome);
    this.ended.add(outcome.code);
    this.touch(); // wakes the workflow to dispatch the dependents
    if (outcome.status !== 'rejected') return [];
    const def = this.definition(outcome.code);
    const doomed = def.onReject === 'terminate' ? [...this.defs.keys()] : dependentsOf(def.code, [...this.defs.values()]);
    if (def.onReject === 'terminate') this.terminatedBy = def.code;
    const toCancel: string[] = [];
    for (const code of doomed) {
      const view = this.item(code);
      if (view.status === 'waiting') this.cancelItem(code, `${def.name}未获批准`);
      else if (!isFinalItem(view.status)) toCancel.push(code);
    }
    return toCancel;
  }

  cancelItem(code: string, reason: string): void {
    const view = this.item(code);
    if (isFinalItem(view.status)) return;
    Object.assign(view, { status: 'cancelled', reason });
    this.touch();
  }

  allItemsClosed(): boolean {
    return this.state.items.every((i) => isFinalItem(i.status));
  }

  /** One feedback: the application's end status and a sentence for the applicant. */
  finish(now: string): void {
    const rejected = this.state.items.filter((i) => i.status !== 'approved');
    const names = (items: ItemView[]) => items.map((i) => i.name).join('、');
    if (this.terminatedBy) {
      this.state.status = 'terminated';
      this.state.outcome = `因「${this.item(this.terminatedBy).name}」未获批准，本件事终止办理`;
    } else if (rejected.length === 0) {
      this.state.status = 'completed';
      this.state.outcome = `全部 ${this.state.items.length} 个事项已办结`;
    } else {
      this.state.status = 'partially_completed';
      this.state.outcome = `部分办结：${names(rejected)} 未获批准或已取消`;
    }
    this.state.endedAt = now;
    this.touch();
  }

  private touch(): void {
    this.state.revision += 1;
  }
}
