import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { HealthRegistry } from './health.registry';

@ApiTags('platform')
@Controller()
export class HealthController {
  constructor(private readonly registry: HealthRegistry) {}

  @Get('health')
  @ApiOkResponse({
    description: 'Every registered check passed (`ok`), or passed with parts left out (`degraded`)',
  })
  @ApiServiceUnavailableResponse({ description: 'A check failed; the body names it' })
  async health(@Res() response: Response): Promise<void> {
    const report = await this.registry.report();
    response
      .status(report.status !== 'error' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
      .json(report);
  }
}
