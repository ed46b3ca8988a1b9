import { createCipheriv, createDecipheriv, createHmac, createSecretKey, randomBytes } from 'node:crypto';

/**
 * No BSN is stored in plain text: it is sealed with AES-256-GCM (random 96-bit IV, the
 * 128-bit tag kept) and matched on a keyed hash (HMAC-SHA-256 blind index), so equal BSNs
 * can be found without being readable. The two keys are different and never in the repo.
 */
export interface BsnVault {
  seal(bsn: string): Buffer;
  open(sealed: Buffer): string;
  /** The blind index of a youth: equal for equal BSNs, useless without the key. */
  youthKey(bsn: string): string;
  /** A keyed hash of any text that may hold a BSN (e.g. an idempotent request body). */
  keyedHash(text: string): string;
}

const AAD = Buffer.from('vir-bsn-v1');

/**
 * Random 96-bit IVs for AES-GCM, drawn from the CSPRNG in blocks: one randomFillSync per 1024
 * IVs instead of one per seal (it dominated bulk sealing). Every IV is still fresh random bytes.
 */
function ivSource(): () => Buffer {
  const BLOCK = 12 * 1024;
  let pool = randomBytes(BLOCK);
  let offset = 0;
  return () => {
    if (offset === BLOCK) {
      pool = randomBytes(BLOCK);
      offset = 0;
    }
    const iv = pool.subarray(offset, offset + 12); // the pool is never written again: a view is enough
    offset += 12;
    return iv;
  };
}

export function createBsnVault(encryptionKey: Buffer, indexKey: Buffer): BsnVault {
  const nextIv = ivSource();
  if (encryptionKey.length !== 32 || indexKey.length !== 32) throw new Error('BSN keys must be 32 bytes');
  // Key objects made once: a raw key given to createHmac or createCipheriv is copied into a new one each call.
  const sealKey = createSecretKey(encryptionKey);
  const hashKey = createSecretKey(indexKey);
  const hmac = (text: string): string => createHmac('sha256', hashKey).update(text).digest('base64url');
  return {
    seal(bsn) {
      const iv = nextIv();
      const cipher = createCipheriv('aes-256-gcm', sealKey, iv);
      cipher.setAAD(AAD);
      const body = cipher.update(bsn, 'utf8');
      cipher.final(); // GCM is a stream mode: final() adds no bytes, it computes the tag
      // iv (12) | tag (16) | ciphertext, written into one buffer.
      const sealed = Buffer.allocUnsafe(28 + body.length);
      iv.copy(sealed, 0);
      cipher.getAuthTag().copy(sealed, 12);
      body.copy(sealed, 28);
      return sealed;
    },
    open(sealed) {
      const decipher = createDecipheriv('aes-256-gcm', sealKey, sealed.subarray(0, 12));
      decipher.setAAD(AAD);
      decipher.setAuthTag(sealed.subarray(12, 28));
      return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]).toString('utf8');
    },
    youthKey: (bsn) => hmac(`bsn:${bsn}`),
    keyedHash: (text) => hmac(`text:${text}`),
  };
}
