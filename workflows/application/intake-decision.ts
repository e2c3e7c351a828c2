// 8.1 at submission, from the input alone: what the application becomes — incomplete (一次告知),
// received for 受理审查 (§32) or accepted — and the receipt it starts with. Pure: the workflow's
// ApplicationRecord acts on it, and the API answers a submission accepted outright with it, so both
// say the same without the API running the workflow's state machine.
import { checkSubmission, type IntakeCheck } from '../shared/intake.js';
import type { ApplicationInput, Receipt } from './messages.js';

/** 受理审查 (§32): online submissions to a bundle under review wait for window staff; at a window the staff member submitting has judged them. */
export function needsIntakeReview(input: Pick<ApplicationInput, 'bundle' | 'channel'>): boolean {
  return !!input.bundle.intakeReview && input.channel !== 'window';
}

function checkOf({ bundle, answers, form, materials, commitments }: ApplicationInput): IntakeCheck {
  return checkSubmission(bundle, { answers, form, materials: materials.map((m) => m.code), commitments });
}

export interface IntakeDecision {
  check: IntakeCheck;
  next: 'incomplete' | 'received' | 'accepted';
  /** The receipt as submitted (promised 容缺 materials get their due dates when accepted). */
  receipt: Receipt;
}

/** `check`: the completeness check of this same input, when the caller has made it already (the API, to refuse bad input). */
export function intakeDecision(input: ApplicationInput, check = checkOf(input)): IntakeDecision {
  const materials = input.materials.map((m) => m.code);
  const next = check.missing.length > 0 ? 'incomplete' : needsIntakeReview(input) ? 'received' : 'accepted';
  return {
    check,
    next,
    receipt: {
      number: input.number,
      time: input.submittedAt,
      items: check.items.map(({ code, name, department }) => ({ code, name, department })),
      materials,
      promised: [],
      // 免提交: materials the certificate store held for the applicant, not asked for.
      ...(input.shared?.length ? { shared: input.shared } : {}),
    },
  };
}
