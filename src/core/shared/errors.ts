/** The one error type. Every failure a user can cause is an AppError; the server maps codes to HTTP. */
export const ERROR_CODES = {
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  precondition_failed: 412,
  precondition_required: 428,
  payload_too_large: 413,
  unsupported_media_type: 415,
  validation_failed: 422,
  idempotency_key_reused: 422,
  rate_limited: 429,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export type FieldError = { field: string; reason: string };

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly errors: FieldError[];
  readonly extra?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, errors: FieldError[] = [], extra?: Record<string, unknown>) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.errors = errors;
    this.extra = extra;
  }

  get status(): number {
    return ERROR_CODES[this.code];
  }

  static notFound(entity: string, id?: string): AppError {
    return new AppError('not_found', id ? `${entity} ${id} was not found` : `${entity} was not found`);
  }

  static invalid(field: string, reason: string): AppError {
    return new AppError('validation_failed', `${field}: ${reason}`, [{ field, reason }]);
  }

  static forbidden(message = 'Your role does not allow this'): AppError {
    return new AppError('forbidden', message);
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;
