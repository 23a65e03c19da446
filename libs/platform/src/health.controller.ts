import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { HealthRegistry } from './health.registry';
import { ref } from './openapi';

@ApiTags('platform')
@Controller()
export class HealthController {
  constructor(private readonly registry: HealthRegistry) {}

  @Get('health')
  @ApiOperation({ summary: 'Health of the app and what it depends on (database, broker, feed)' })
  @ApiOkResponse({
    description: 'Every registered check passed (`ok`), or passed with parts left out (`degraded`)',
    schema: ref('HealthReport'),
  })
  @ApiServiceUnavailableResponse({
    description: 'A check failed; the body names it',
    schema: ref('HealthReport'),
  })
  async health(@Res() response: Response): Promise<void> {
    const report = await this.registry.report();
    response
      .status(report.status !== 'error' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
      .json(report);
  }
}
