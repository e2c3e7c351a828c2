// Who may see and do what (R-9.1): the one place. Routes ask here; the database layer takes the
// scopes decided here as plain conditions and decides nothing itself.
//
// - applicants see their own applications, agents those they submitted under their mandate (or own);
// - window staff and the 12345 hotline see every application (they serve anyone who walks in or calls);
// - a department sees the applications with an item of its own, or of a bundle it leads, and acts
//   only on its own items, inbox, cases and figures; a department token with a region claim is one
//   office of the department (属地): it reaches only the items whose competent region its region
//   covers (workflows/shared/jurisdiction.ts), and leads only where the lead's items lie in it;
// - a coordinator sees its region: a region claim covers the codes it prefixes once its trailing
//   zeros are cut (320000 → 32…., 320100 → 3201.., 320102 → 320102); no claim, the whole province.
import type { ListingScope } from '../db/listing.js';
import type { ApplicationState } from '../workflows/application/messages.js';
import type { BundleDefinition } from '../workflows/shared/bundle.js';
import { isAbove, isCrossLevel, LEVEL_LABELS, levelOfRegion, upperLevel } from '../workflows/shared/jurisdiction.js';
import type { Claims } from './auth.js';
import { forbidden, notFound } from './errors.js';

/** The prefix a region claim covers (none: everything). Only digits, since the prefix goes into a LIKE pattern: a RangeError otherwise. */
export function regionPrefixOf(claim: string | undefined): string | undefined {
  if (!claim) return undefined;
  if (!/^\d{1,12}$/.test(claim)) throw new RangeError('region claim must be an administrative code (digits)');
  return claim.replace(/0+$/, '');
}

/** Is `region` within the claim's region? A malformed claim covers nothing. */
export function regionCovers(claim: string | undefined, region: string): boolean {
  try {
    return region.startsWith(regionPrefixOf(claim) ?? '');
  } catch {
    return false;
  }
}

/** The token's region claim as a prefix, for the role given (403 for a malformed claim); undefined for other roles and without a claim. */
function claimPrefix(user: Claims, role: 'coordinator' | 'department'): string | undefined {
  if (user.role !== role) return undefined;
  try {
    return regionPrefixOf(user.region);
  } catch (err) {
    throw forbidden((err as Error).message);
  }
}

/** A coordinator's region as a prefix. */
export const coordinatorPrefix = (user: Claims): string | undefined => claimPrefix(user, 'coordinator');

/** A department office's region as a prefix (a province-wide department: none). */
export const officePrefix = (user: Claims): string | undefined => claimPrefix(user, 'department');

/** How far a staff member's region reaches into inboxes and items: a coordinator's or a department office's. */
export const staffPrefix = (user: Claims): string | undefined => coordinatorPrefix(user) ?? officePrefix(user);

/** The region an item is decided in: its competent region, the bundle's for applications begun before regions. */
export const itemRegionOf = (state: Pick<ApplicationState, 'bundle'>, item: { region?: string }): string => item.region ?? state.bundle.region;

/** Does a department token reach this item: its own department, and (with a region claim) an item of its region? */
export function reachesItem(user: Claims, item: { department: string; region: string }): boolean {
  return user.role === 'department' && item.department === user.dept && regionCovers(user.region, item.region);
}

/** 403 unless a department token reaches the item (other roles pass: their routes decide). */
export function assertOwnItem(user: Claims, item: { code: string; department: string; region: string }): void {
  assertOwnDepartment(user, item.department, `item ${item.code}`);
  if (user.role === 'department' && !regionCovers(user.region, item.region)) {
    throw forbidden(`item ${item.code} is decided in region ${item.region}, outside your office's region ${user.region} (属地)`);
  }
}

/** Does the department lead this application as far as its office reaches: where the lead's own items lie, else the bundle's region? */
export function leads(user: Claims, state: Pick<ApplicationState, 'bundle' | 'items'>, lead = state.bundle.leadDepartment): boolean {
  if (user.role !== 'department' || !lead || lead !== user.dept) return false;
  const own = state.items.filter((i) => i.department === user.dept);
  return own.length ? own.some((i) => regionCovers(user.region, itemRegionOf(state, i))) : regionCovers(user.region, state.bundle.region);
}

/** 403 unless the region lies within the caller's (a coordinator publishing or retiring a bundle, a drill-down into the statistics). */
export function assertRegion(user: Claims, region: string, what = 'region'): void {
  if (!regionCovers(user.region, region)) throw forbidden(`${what} ${region} is outside your region ${user.region}`);
}

/**
 * 5.2.2: a bundle whose items sit at several levels has its lead designated by the upper level — a
 * coordinator at (or above) the level of its highest item. A county coordinator may not designate
 * the lead of a bundle with a city item; no region claim is the province.
 */
export function assertDesignatesLead(user: Claims, bundle: Pick<BundleDefinition, 'code' | 'region' | 'items'>): void {
  if (!isCrossLevel(bundle)) return;
  const upper = upperLevel(bundle);
  const own = user.region ? levelOfRegion(user.region) : 'province';
  if (isAbove(upper, own)) {
    throw forbidden(
      `bundle ${bundle.code} spans levels up to ${LEVEL_LABELS[upper]}: its lead is designated by a ${upper} coordinator (5.2.2), not ${user.region}`,
    );
  }
}

/** The working-day calendar counts every deadline in the province: only a province-wide coordinator publishes it. */
export function assertProvinceWide(user: Claims): void {
  if (user.region && !/^\d{2}0000$/.test(user.region)) throw forbidden(`the working-day calendar is province-wide; region ${user.region} may not publish it`);
}

/** A department reads and acts only as itself (its inbox, cases, figures, items); other roles pass. `what`: what belongs to `department`. */
export function assertOwnDepartment(user: Claims, department: string | undefined, what: string): void {
  if (user.role === 'department' && department !== undefined && department !== user.dept) {
    throw forbidden(`${what} of department ${department}: a department reads and acts only as itself (${user.dept})`);
  }
}

/** What a user may list of the read model. */
export function listingScope(user: Claims): ListingScope {
  switch (user.role) {
    case 'applicant':
      return { owner: user.sub };
    case 'agent':
      return { agent: user.sub };
    case 'department':
      return { department: user.dept!, departmentRegionPrefix: officePrefix(user) };
    case 'coordinator':
      return { regionPrefix: coordinatorPrefix(user) };
    case 'window':
    case 'hotline':
      return {};
    case 'system':
      return { owner: user.sub }; // an integration owns nothing (every listing route refuses it before)
  }
}

/** Who may read an application at all. */
export function canRead(user: Claims, state: ApplicationState): boolean {
  switch (user.role) {
    case 'applicant':
      return state.owner === user.sub;
    case 'agent':
      // 帮办代办: only within the mandate it submitted under (or an application it owns itself).
      return (!!user.mandate && state.submittedBy.sub === user.sub && state.submittedBy.mandate === user.mandate) || state.owner === user.sub;
    case 'window':
    case 'hotline':
      return true;
    case 'department':
      return state.items.some((i) => reachesItem(user, { department: i.department, region: itemRegionOf(state, i) })) || leads(user, state);
    case 'coordinator':
      return regionCovers(user.region, state.bundle.region);
    case 'system':
      return false;
  }
}

/** canRead or refuse: 404 to applicants and agents for others' applications (no existence leak), 403 to staff. */
export function assertCanRead(user: Claims, state: ApplicationState): void {
  if (canRead(user, state)) return;
  if (user.role === 'applicant' || user.role === 'agent') throw notFound('application');
  const own = user.role === 'department' ? state.items.filter((i) => i.department === user.dept) : [];
  if (own.length) {
    const regions = [...new Set(own.map((i) => itemRegionOf(state, i)))].join(', ');
    throw forbidden(`this application's items of ${user.dept} are decided in region ${regions} (属地), outside your office's region ${user.region}`);
  }
  throw forbidden('this application is outside your remit');
}

const isApplicantSide = (viewer: Claims, state: ApplicationState) =>
  (viewer.role === 'applicant' || viewer.role === 'agent') && (state.owner === viewer.sub || state.submittedBy.sub === viewer.sub);

/** The delivery address: for those who deliver (the window, the lead department) and the applicant or its agent. */
export function mayReadAddress(viewer: Claims | undefined, state: ApplicationState): boolean {
  if (!viewer) return false;
  if (viewer.role === 'window') return true;
  if (viewer.role === 'department') return leads(viewer, state);
  return isApplicantSide(viewer, state);
}

/** The pickup code: only the applicant (or its agent) holds it; the window checks what is shown against it. */
export function mayReadPickupCode(viewer: Claims | undefined, state: ApplicationState): boolean {
  return !!viewer && isApplicantSide(viewer, state);
}

/** How much of the submission a reader may see of one item (the review sheet): its department the item's, the lead and those who serve the applicant the whole. */
export type Reach = 'whole' | 'item' | 'none';

export function sheetReach(user: Claims, state: ApplicationState, item: { code: string; department: string; region?: string }): Reach {
  switch (user.role) {
    case 'department':
      if (leads(user, state)) return 'whole';
      if (user.dept !== item.department) throw forbidden(`item belongs to department ${item.department}: a department reviews only its own items`);
      assertOwnItem(user, { code: item.code, department: item.department, region: itemRegionOf(state, item) });
      return 'item';
    case 'window':
    case 'applicant':
    case 'agent':
      return 'whole'; // assertCanRead has already kept applicants and agents to their own
    case 'coordinator':
    case 'hotline':
    case 'system':
      return 'none';
  }
}

/** A joint procedure (8.3.2): its departments sign off; its lead resolves a dissent. */
export function assertJointParticipant(user: Claims, joint: { code: string; departments: string[]; items: string[] }, state: ApplicationState): void {
  if (!joint.departments.includes(user.dept ?? '')) throw forbidden(`${user.dept} 不是联合办理程序 ${joint.code} 的参与部门`);
  const own = state.items.filter((i) => joint.items.includes(i.code) && i.department === user.dept);
  if (!own.some((i) => reachesItem(user, { department: i.department, region: itemRegionOf(state, i) }))) {
    throw forbidden(`联合办理程序 ${joint.code} 中本部门的事项不在本机构辖区 ${user.region}（属地）`);
  }
}

export function assertJointLead(user: Claims, joint: { code: string; lead?: string }, state: ApplicationState): void {
  if (!joint.lead || joint.lead !== user.dept) throw forbidden(`只有牵头部门${joint.lead ? ` ${joint.lead} ` : ''}可以处理联合办理程序 ${joint.code} 的分歧`);
  if (!leads(user, state, joint.lead)) throw forbidden(`联合办理程序 ${joint.code} 的牵头事项不在本机构辖区 ${user.region}（属地）`);
}
