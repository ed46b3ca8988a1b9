/**
 * Typed errors with a stable code and an HTTP status, in the style of directus's
 * createError(code, message, status). One error middleware maps them to responses.
 */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details?: unknown;

  constructor(code: string, message: string, status = 400, details?: unknown) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.status = status;
    this.details = details;
  }
}

export const notFound = (what: string): AppError => new AppError('NOT_FOUND', `${what} not found`, 404);
export const forbidden = (message: string): AppError => new AppError('FORBIDDEN', message, 403);
export const unauthorized = (message: string): AppError => new AppError('UNAUTHORIZED', message, 401);
export const conflict = (code: string, message: string): AppError => new AppError(code, message, 409);
