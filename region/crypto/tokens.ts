import { createHash, randomBytes } from 'node:crypto';

/** Secrets handed out once (API keys, admin tokens); only their SHA-256 is stored. */
export function newSecret(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

export function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
