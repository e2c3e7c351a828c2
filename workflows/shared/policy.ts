// Configurable limits the workflows apply, carried in the workflow input (never read from config
// inside workflow code). Defaults follow DOMAIN.md; a deployment may set its own per region.

export interface Policy {
  /** Warn the department when this fraction of an item's working-day budget is used (预警). */
  warnFraction: number;
  /** AB岗: working days post A has to take a task before post B may act for A. */
  postADays: number;
  /** Working days the applicant has to answer a correction (补正) before the item ends. */
  correctionDays: number;
  /** Working days after a missed 容缺 deadline before the item is returned (退件). */
  materialGraceDays: number;
  /** Working days an incomplete application waits for the supplement before it expires. */
  intakeDays: number;
  /** §32: working days window staff have to review materials received online; then deemed accepted (the law says 5). */
  intakeReviewDays?: number;
  /** §42: at most this many working days of extension per item, with an approver. */
  maxExtensionDays: number;
  /** Working days cooperating departments have to sign off a joint procedure (国发〔1999〕9号 practice). */
  jointDays: number;
  /** Working days after delivery is prepared before an unclaimed delivery is closed anyway. */
  deliveryDays: number;
  /** 政策服务免申办: working days the subject of an event has to confirm a proposed application (absent: 20). */
  proposalDays?: number;
}

export const DEFAULT_POLICY: Policy = {
  warnFraction: 0.8,
  postADays: 1,
  correctionDays: 10,
  materialGraceDays: 15,
  intakeDays: 10,
  intakeReviewDays: 5,
  maxExtensionDays: 10,
  jointDays: 7,
  deliveryDays: 30,
  proposalDays: 20,
};
