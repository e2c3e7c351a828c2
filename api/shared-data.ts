// 数据共享 (3.7, 9.3; 国务院令第716号): the form values the platform already holds for an applicant —
// an identity claim of its own login, a value in one of its certificates — found by the bundle's
// field sources. The guide pre-fills them; the submission records which values came from where.
import { heldCertificates, type CertificateView, type Holder } from '../db/certificates.js';
import type { Db } from '../db/client.js';
import type { BundleDefinition } from '../workflows/shared/bundle.js';
import type { SharedFrom } from '../workflows/shared/guide.js';
import type { Claims } from './auth.js';

export interface SharedValue {
  value: string | number | boolean;
  from: SharedFrom;
}

/** A value at a dot path of a certificate's data, if it is a plain value. */
function at(data: Record<string, unknown>, path: string): SharedValue['value'] | undefined {
  let value: unknown = data;
  for (const key of path.split('.')) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : undefined;
}

/** The event that proposed an application (政策服务免申办): its data fills the fields whose source names a path in it. */
export interface ProposingEvent {
  id: string;
  type: string;
  data: Record<string, unknown>;
}

/**
 * The bundle's fields whose source holds a value for this applicant: `claims` only when they are the
 * applicant's own (role applicant), `holder` whose certificates to read (its account or its ID number),
 * `event` the event proposing the application. `certificates`: the holder's certificates in force by
 * type, when the caller has read them already.
 */
export async function sharedValues(
  db: Db,
  bundle: Pick<BundleDefinition, 'fields'>,
  who: { claims?: Pick<Claims, 'role' | 'name'>; holder?: Holder; event?: ProposingEvent },
  now: string,
  certificates?: Map<string, CertificateView>,
): Promise<Map<string, SharedValue>> {
  const found = new Map<string, SharedValue>();
  const types = [...new Set(bundle.fields.flatMap((f) => (f.source && 'certificate' in f.source ? [f.source.certificate] : [])))];
  const held = certificates ?? (who.holder && types.length ? await heldCertificates(db, who.holder, types, now) : new Map<string, CertificateView>());
  for (const field of bundle.fields) {
    const source = field.source;
    if (!source) continue;
    if ('claim' in source) {
      const value = who.claims?.role === 'applicant' ? who.claims[source.claim] : undefined;
      if (value) found.set(field.key, { value, from: { kind: 'identity', claim: source.claim } });
      continue;
    }
    if ('event' in source) {
      const value = who.event && at(who.event.data, source.event);
      if (who.event && value !== undefined) found.set(field.key, { value, from: { kind: 'event', event: who.event.id, type: who.event.type } });
      continue;
    }
    const cert = held.get(source.certificate);
    const value = cert && at(cert.data as Record<string, unknown>, source.path);
    if (cert && value !== undefined) found.set(field.key, { value, from: { kind: 'certificate', certificate: cert.id, name: cert.name, number: cert.number } });
  }
  return found;
}
