import type { SchemaObject } from '@nestjs/swagger';
import { BOOLEAN, mapOf, NUMBER, objectOf, STRING } from '@qautlra/platform';

/** A strategy parameter's value: a number, a string or a boolean. */
export const PARAMETER_VALUE_SCHEMA: SchemaObject = { oneOf: [NUMBER, STRING, BOOLEAN] };

/** A catalogue entry as the backtest service and the live runtime list it (`GET /api/strategies`). */
export const STRATEGY_ENTRY_SCHEMA: SchemaObject = objectOf(
  {
    name: STRING,
    description: STRING,
    parameters: mapOf(
      objectOf(
        {
          default: PARAMETER_VALUE_SCHEMA,
          min: NUMBER,
          max: NUMBER,
          step: NUMBER,
          description: STRING,
        },
        { optional: ['min', 'max', 'step', 'description'] },
      ),
      'parameter name → its default and range',
    ),
  },
  { optional: ['description'] },
);
