// The state the case file keeps of an ended application, and how it is read back. The workflow
// sends it whole at the end: left out are the parts that grow with every act — the items' decision
// lists, the result repeated in the final decision, the joint sign-off opinions — each of which the
// case file's log holds already. Reading puts them back from the log. Pure (workflow and API).
import type { ApplicationState } from '../application/messages.js';
import type { Decision } from '../item/messages.js';

/** What the log holds for this purpose: its decision and sign-off events, in the order written. */
export interface KeptLogEntry {
  kind: string;
  item: string | null;
  detail: Record<string, unknown>;
  decision: Decision | null;
}

export function slimForKeeping(state: ApplicationState): ApplicationState {
  return {
    ...state,
    items: state.items.map(({ decisions: _decisions, ...item }) => {
      if (!item.decision?.result) return item;
      const { result: _result, ...decision } = item.decision;
      return { ...item, decision };
    }),
    joint: state.joint.map((j) => ({ ...j, signedOff: j.signedOff.map(({ opinion: _opinion, ...s }) => s) })),
  };
}

/** The inverse of slimForKeeping, from the log. Lists a state still holds (kept whole) are left as they are. */
export function restoreKept(kept: ApplicationState, log: readonly KeptLogEntry[]): ApplicationState {
  const decisionsOf = (code: string) => log.filter((e) => e.kind === 'decision' && e.item === code && e.decision).map((e) => e.decision!);
  const opinionsOf = (code: string) =>
    log.filter((e) => e.kind === 'joint-signoff' && e.detail.joint === code).map((e) => e.detail.opinion as string | undefined);
  return {
    ...kept,
    items: kept.items.map((item) => {
      // A started item has a list (empty until its first decision); one never started has none.
      const decisions = item.decisions ?? (item.startedAt ? decisionsOf(item.code) : undefined);
      const d = item.decision;
      const made = d && decisions?.find((x) => x.at === d.at && x.decision === d.decision);
      return { ...item, ...(decisions ? { decisions } : {}), ...(d ? { decision: made ?? d } : {}) };
    }),
    // Sign-offs are logged in the order they are made, one event each.
    joint: kept.joint.map((j) => {
      const opinions = opinionsOf(j.code);
      return { ...j, signedOff: j.signedOff.map((s, i) => (opinions[i] === undefined ? s : { ...s, opinion: opinions[i] })) };
    }),
  };
}
