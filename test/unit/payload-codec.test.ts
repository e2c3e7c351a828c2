import { defaultPayloadConverter } from '@temporalio/common';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EncryptionCodec, parseKeys } from '../../worker/payload-codec.js';

const key = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;

describe('EncryptionCodec', () => {
  const applicant = { idNumber: '320681199001011234', name: '张三', phone: '13800000000' };

  it('round-trips and leaves no plaintext in the stored bytes', async () => {
    const codec = new EncryptionCodec(parseKeys(key('k1')));
    const payload = defaultPayloadConverter.toPayload(applicant);
    const [encrypted] = await codec.encode([payload]);
    const stored = Buffer.from(encrypted!.data!).toString('latin1') + JSON.stringify(encrypted!.metadata);
    expect(stored).not.toContain('320681199001011234');
    expect(Buffer.from(encrypted!.metadata!['encryption-key-id']!).toString()).toBe('k1');
    const [decoded] = await codec.decode([encrypted!]);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual(applicant);
  });

  it('rotates: new payloads use the first key, old ones still decrypt with theirs', async () => {
    const old = key('k1');
    const before = await new EncryptionCodec(parseKeys(old)).encode([defaultPayloadConverter.toPayload('x')]);
    const rotated = new EncryptionCodec(parseKeys(`${key('k2')},${old}`));
    expect(defaultPayloadConverter.fromPayload((await rotated.decode(before))[0]!)).toBe('x');
    const [fresh] = await rotated.encode([defaultPayloadConverter.toPayload('y')]);
    expect(Buffer.from(fresh!.metadata!['encryption-key-id']!).toString()).toBe('k2');
  });

  it('refuses a tampered payload, an unknown key and malformed key specs', async () => {
    const codec = new EncryptionCodec(parseKeys(key('k1')));
    const [encrypted] = await codec.encode([defaultPayloadConverter.toPayload('secret')]);
    const data = Buffer.from(encrypted!.data!);
    data[20] = data[20]! ^ 1;
    await expect(codec.decode([{ ...encrypted!, data }])).rejects.toThrow();
    await expect(new EncryptionCodec(parseKeys(key('other'))).decode([encrypted!])).rejects.toThrow(/no payload key "k1"/);
    expect(() => parseKeys('k1:short')).toThrow(/32 bytes/);
    expect(() => parseKeys('')).toThrow(/no payload/);
    const plain = defaultPayloadConverter.toPayload('unencrypted');
    expect(await codec.decode([plain])).toEqual([plain]);
  });
});
