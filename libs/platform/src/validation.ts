import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';

/** One field a request got wrong, and what is wrong with it. */
export interface FieldProblem {
  /** Dotted path of the field (`instruments.0`, `params`). */
  field: string;
  problems: string[];
}

/** Every failing field of class-validator's errors, nested ones by their dotted path. */
export function fieldProblems(errors: readonly ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, problems: Object.values(error.constraints) }] : [];
    return [...own, ...fieldProblems(error.children ?? [], field)];
  });
}

/**
 * The platform's validation of request DTOs (class-validator): unknown fields refused, values
 * transformed to the DTO's types; a bad request is a 400 `INVALID_REQUEST` in the REST error shape,
 * its `message` naming every failing field and `details` listing them.
 */
export function platformValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => {
      const details = fieldProblems(errors);
      return new BadRequestException({
        code: 'INVALID_REQUEST',
        message: details.map((detail) => detail.problems.join(', ')).join('; '),
        details,
      });
    },
  });
}
