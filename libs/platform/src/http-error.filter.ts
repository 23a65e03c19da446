import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { Response } from 'express';
import { CalendarError } from '@qautlra/calendar';
import { DiffProtocolError } from '@qautlra/diff';
import { QamdError } from '@qautlra/qamd';
import { QifiError } from '@qautlra/qifi';

/** The REST error shape of every app: `{statusCode, code, message}`. */
export interface HttpErrorBody {
  statusCode: number;
  code: string;
  message: string;
  /** Details an endpoint adds (e.g. `problems`). */
  [detail: string]: unknown;
}

/** Maps a domain error to its REST shape, or undefined for errors it does not know. */
export type DomainErrorMapper = (error: unknown) => HttpErrorBody | undefined;

/** Input errors of the shared libraries are the client's fault: 400 with the library's code. */
export const mapLibraryError: DomainErrorMapper = (error) => {
  if (
    error instanceof QamdError ||
    error instanceof QifiError ||
    error instanceof CalendarError ||
    error instanceof DiffProtocolError
  ) {
    return { statusCode: HttpStatus.BAD_REQUEST, code: error.code, message: error.message };
  }
  return undefined;
};

function codeOfStatus(status: number): string {
  const name = HttpStatus[status];
  return typeof name === 'string' ? name : 'HTTP_ERROR';
}

/** One filter per app: domain errors by the app's mapper, Nest's HTTP errors by status, the rest as 500. */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpErrorFilter');

  constructor(private readonly mapDomainError: DomainErrorMapper = mapLibraryError) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const body = this.toBody(exception);
    if (body.statusCode >= 500)
      this.logger.error(
        exception instanceof Error
          ? (exception.stack ?? exception.message)
          : JSON.stringify(exception),
      );
    response.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown): HttpErrorBody {
    const mapped = this.mapDomainError(exception);
    if (mapped) return mapped;
    // A client error of the body parser (http-errors: a body over the limit is 413, bad JSON 400)
    // is the client's, in the same shape — not a 500 with a stack.
    const clientError = exception as { status?: unknown; expose?: unknown; message?: unknown };
    if (
      exception instanceof Error &&
      clientError.expose === true &&
      typeof clientError.status === 'number' &&
      clientError.status >= 400 &&
      clientError.status < 500
    )
      return {
        statusCode: clientError.status,
        code: codeOfStatus(clientError.status),
        message: exception.message,
      };
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const payload = exception.getResponse();
      const message =
        typeof payload === 'object' && payload !== null && 'message' in payload
          ? ([] as unknown[]).concat(payload.message).join('; ')
          : exception.message;
      // A payload may name its own code (`{code: 'INVALID_MESSAGE', message}`); else the status's.
      const code =
        typeof payload === 'object' &&
        payload !== null &&
        'code' in payload &&
        typeof payload.code === 'string'
          ? payload.code
          : codeOfStatus(status);
      // …and details of its own (e.g. every problem of a rejected import) are kept.
      const details =
        typeof payload === 'object' && payload !== null
          ? Object.fromEntries(
              Object.entries(payload).filter(
                ([key]) => !['statusCode', 'code', 'message', 'error'].includes(key),
              ),
            )
          : {};
      return { ...details, statusCode: status, code, message };
    }
    return {
      statusCode: HttpStatus.INTERNAL_SERVER_ERROR,
      code: 'INTERNAL_SERVER_ERROR',
      message: 'internal error',
    };
  }
}
