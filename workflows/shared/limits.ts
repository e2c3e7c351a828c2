// What one application may carry into its workflows, so that no sequence of requests the API
// accepts can push a history past Temporal's limits (2 MiB a payload, 50 MiB or 51,200 events a
// history). The API's schemas and the workflows' validators read the same figures. Pure.

/** A decision's result data, as UTF-8 JSON: a result's key facts. Documents go by reference (uri, sha256). */
export const MAX_RESULT_BYTES = 8 * 1024;
/** Keys of a result object. */
export const MAX_RESULT_KEYS = 50;
/**
 * Suspensions, corrections and extensions of one item together. Resuming, approving and rejecting
 * stay open: the cap never leaves an application without an answer.
 */
export const MAX_INTERIM_DECISIONS = 10;
/** Supplements to one application (each is forwarded to every running item). */
export const MAX_SUPPLEMENTS = 20;
/** Intake reviews (§32) of one application that ask for correction: each names everything at once. */
export const MAX_INTAKE_CORRECTIONS = 5;
/** Items of one bundle: with every item at every cap, the application's history stays within the limit (README). */
export const MAX_BUNDLE_ITEMS = 40;
/** Joint procedures (联合办理) of one bundle: each department of each signs once. */
export const MAX_BUNDLE_JOINTS = 10;

/** Size of a value as UTF-8 JSON, without Node APIs (workflow code). */
export function jsonBytes(value: unknown): number {
  const text = JSON.stringify(value) ?? '';
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c < 0xdc00) {
      bytes += 4; // a surrogate pair: one 4-byte character
      i++;
    } else bytes += 3;
  }
  return bytes;
}
