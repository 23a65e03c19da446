export type CalendarErrorCode = 'CALENDAR_INVALID_DATE' | 'CALENDAR_OUT_OF_RANGE';

export class CalendarError extends Error {
  constructor(
    readonly code: CalendarErrorCode,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'CalendarError';
  }
}
