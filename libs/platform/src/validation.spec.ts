import { ArgumentMetadata, BadRequestException } from '@nestjs/common';
import { IsInt, IsString, Max, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { platformValidationPipe } from './validation';

class Inner {
  @IsInt()
  @Max(10)
  size!: number;
}
class Outer {
  @IsString()
  name!: string;
  @ValidateNested()
  @Type(() => Inner)
  inner!: Inner;
}

describe('the platform validation pipe', () => {
  const metadata: ArgumentMetadata = { type: 'body', metatype: Outer };

  it('names every failing field, nested ones by path, and refuses unknown fields', async () => {
    const error = (await platformValidationPipe()
      .transform({ name: 3, inner: { size: 11 }, extra: true }, metadata)
      .catch((caught: unknown) => caught)) as BadRequestException;
    expect(error).toBeInstanceOf(BadRequestException);
    const body = error.getResponse() as {
      code: string;
      message: string;
      details: { field: string }[];
    };
    expect(body.code).toBe('INVALID_REQUEST');
    expect(body.details.map((detail) => detail.field).sort()).toEqual([
      'extra',
      'inner.size',
      'name',
    ]);
    expect(body.message).toContain('size must not be greater than 10');
  });

  it('passes a valid body through as the DTO class, and leaves untyped bodies alone', async () => {
    const good = await platformValidationPipe().transform(
      { name: 'a', inner: { size: 2 } },
      metadata,
    );
    expect(good).toBeInstanceOf(Outer);
    const loose = { anything: [1, 2] };
    await expect(
      platformValidationPipe().transform(loose, { type: 'body', metatype: Object }),
    ).resolves.toEqual(loose);
  });
});
