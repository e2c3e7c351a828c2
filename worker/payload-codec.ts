// Encrypts every Temporal payload (R-9.2): AES-256-GCM, the key id in the payload metadata so keys
// can rotate (new payloads use the first key, old ones decrypt with the key they name). Keys come
// from configuration, never from Temporal. Runs in the client and the worker, outside the sandbox.
import type { Payload, PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto'; // CommonJS: no named exports under Node's ESM loader
import { createCipheriv, createHmac, createDecipheriv, randomBytes } from 'node:crypto';

const ENCODING = 'binary/encrypted';
const PayloadMessage = proto.temporal.api.common.v1.Payload;
const utf8 = (s: string) => new TextEncoder().encode(s);

export interface CodecKey {
  id: string;
  /** 32 bytes. */
  key: Buffer;
}

/** Parses `id:base64key,id2:base64key` (first = current); every problem named. */
export function parseKeys(spec: string): CodecKey[] {
  const keys = spec
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const [id, b64] = part.split(':');
      const key = Buffer.from(b64 ?? '', 'base64');
      if (!id || !/^[\w.-]{1,64}$/.test(id)) throw new Error(`payload key id "${id}" must be 1-64 word characters`);
      if (key.length !== 32) throw new Error(`payload key "${id}" must be 32 bytes of base64 (got ${key.length})`);
      return { id, key };
    });
  if (keys.length === 0) throw new Error('no payload encryption key given');
  return keys;
}

export class EncryptionCodec implements PayloadCodec {
  private readonly byId: Map<string, Buffer>;
  /** The same keys, for values kept at rest outside Temporal. */
  readonly sealer: Sealer;

  constructor(private readonly keys: CodecKey[]) {
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
    this.sealer = new Sealer(keys);
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const { id, key } = this.keys[0]!;
    return payloads.map((payload) => {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const plain = PayloadMessage.encode(payload).finish();
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return { metadata: { encoding: utf8(ENCODING), 'encryption-key-id': utf8(id) }, data };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const encoding = payload.metadata?.encoding && Buffer.from(payload.metadata.encoding).toString();
      if (encoding !== ENCODING || !payload.data) return payload; // written before encryption, or not ours
      const keyId = Buffer.from(payload.metadata!['encryption-key-id'] ?? []).toString();
      const key = this.byId.get(keyId);
      if (!key) throw new Error(`no payload key "${keyId}" configured: cannot decrypt`);
      const data = Buffer.from(payload.data);
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
      decipher.setAuthTag(data.subarray(data.length - 16));
      const plain = Buffer.concat([decipher.update(data.subarray(12, data.length - 16)), decipher.final()]);
      return PayloadMessage.decode(plain) as Payload;
    });
  }
}

/**
 * Values sealed at rest with the same key ring (the case file's personal data in PostgreSQL):
 * AES-256-GCM, written `keyId:base64(iv | ciphertext | tag)`, opened with the key it names.
 */
export class Sealer {
  private readonly byId: Map<string, Buffer>;

  constructor(private readonly keys: CodecKey[]) {
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  seal(value: unknown): string {
    const { id, key } = this.keys[0]!;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const data = Buffer.concat([iv, cipher.update(JSON.stringify(value), 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${id}:${data.toString('base64')}`;
  }

  /**
   * Keyed hashes of a value (HMAC-SHA256 under each key of the ring, the current key's first): an ID
   * number looked up without being stored (the certificate store's holders). Stored under the
   * current key; looked up under every key, so a rotated ring still finds the older rows.
   */
  fingerprints(value: string): string[] {
    return this.keys.map(({ id, key }) => `${id}:${createHmac('sha256', key).update(`holder:${value.toUpperCase()}`).digest('base64url')}`);
  }

  open<T>(sealed: string): T {
    const at = sealed.indexOf(':');
    const id = sealed.slice(0, at);
    const key = this.byId.get(id);
    if (!key) throw new Error(`no payload key "${id}" configured: cannot open the sealed value`);
    const data = Buffer.from(sealed.slice(at + 1), 'base64');
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
    decipher.setAuthTag(data.subarray(data.length - 16));
    return JSON.parse(Buffer.concat([decipher.update(data.subarray(12, data.length - 16)), decipher.final()]).toString('utf8')) as T;
  }
}

/** The data converter for clients and workers: every payload encrypted. */
export const encryptingConverter = (keySpec: string) => ({ payloadCodecs: [new EncryptionCodec(parseKeys(keySpec))] as [EncryptionCodec] });
