import {
  ArgumentsHost,
  BadRequestException,
  HttpException,
  NotFoundException,
} from '@nestjs/common';
import { QamdError } from '@qautlra/qamd';
import { QifiError } from '@qautlra/qifi';
import { HttpErrorFilter } from './http-error.filter';

class ResponseRecorder {
  statusCode = 0;
  body: unknown;
  status(code: number): this {
    this.statusCode = code;
    return this;
  }
  json(body: unknown): this {
    this.body = body;
    return this;
  }
}

function hostFor(response: ResponseRecorder): ArgumentsHost {
  return { switchToHttp: () => ({ getResponse: () => response }) } as unknown as ArgumentsHost;
}

describe('HttpErrorFilter', () => {
  it.each([
    [
      new QamdError('QAMD_UNKNOWN_INSTRUMENT', 'cannot infer the exchange of instrument "zz"'),
      400,
      {
        statusCode: 400,
        code: 'QAMD_UNKNOWN_INSTRUMENT',
        message: 'cannot infer the exchange of instrument "zz"',
      },
    ],
    [
      new QifiError(
        'QIFI_INVALID_DOCUMENT',
        'accounts.balance: expected a number',
        'accounts.balance',
      ),
      400,
      {
        statusCode: 400,
        code: 'QIFI_INVALID_DOCUMENT',
        message: 'accounts.balance: expected a number',
      },
    ],
    [
      new NotFoundException('no account acc1'),
      404,
      { statusCode: 404, code: 'NOT_FOUND', message: 'no account acc1' },
    ],
    [
      new BadRequestException(['volume must be positive', 'price must be positive']),
      400,
      {
        statusCode: 400,
        code: 'BAD_REQUEST',
        message: 'volume must be positive; price must be positive',
      },
    ],
    [
      new HttpException({ code: 'ORDER_VOLUME', message: 'volume 0 is outside 1–10' }, 422),
      422,
      { statusCode: 422, code: 'ORDER_VOLUME', message: 'volume 0 is outside 1–10' },
    ],
    [
      new HttpException(
        { code: 'IMPORT_REJECTED', message: '1 problem', problems: [{ row: 2 }] },
        422,
      ),
      422,
      { statusCode: 422, code: 'IMPORT_REJECTED', message: '1 problem', problems: [{ row: 2 }] },
    ],
    [
      new Error('secret detail'),
      500,
      { statusCode: 500, code: 'INTERNAL_SERVER_ERROR', message: 'internal error' },
    ],
  ])('maps %p to %p', (error, status, body) => {
    const response = new ResponseRecorder();
    const filter = new HttpErrorFilter();
    Object.defineProperty(filter, 'logger', { value: { error: () => undefined } });
    filter.catch(error, hostFor(response));
    expect(response.statusCode).toBe(status);
    expect(response.body).toEqual(body);
  });
});
