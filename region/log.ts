import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * JSON logs with pino: a fixed message plus a fields object. Never a BSN, a name or a token:
 * the paths below are censored wherever they appear, and request bodies are never logged.
 */
export const REDACTED_PATHS = [
  'bsn', '*.bsn', '*.*.bsn',
  'name', '*.name', '*.*.name',
  'email', '*.email', 'phone', '*.phone',
  'token', '*.token', 'key', '*.key', 'apiKey', '*.apiKey', 'adminToken', '*.adminToken',
  'authorization', '*.authorization', '*.headers.authorization', '*.headers.cookie', '*.headers["x-api-key"]',
  'body', '*.body',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'region' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}
