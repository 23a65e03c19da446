import { Controller, Get, Headers, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ref } from '@qautlra/platform';
import type { Response } from 'express';
import { renderPlatformPage } from './platform-info.page';
import { PlatformInfo, PlatformInfoService } from './platform-info.service';

@ApiTags('platform')
@Controller()
export class PlatformInfoController {
  constructor(private readonly info: PlatformInfoService) {}

  @Get()
  @ApiProduces('application/json', 'text/html')
  @ApiOperation({ summary: 'The platform: every component, its state, API and docs' })
  @ApiOkResponse({
    description:
      'What runs in this process, with links to each API and its docs (HTML for browsers)',
    content: {
      'application/json': { schema: ref('PlatformInfo') },
      'text/html': { schema: { type: 'string' } },
    },
  })
  index(
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): PlatformInfo | string {
    const info = this.info.describe();
    if (accept?.includes('text/html')) {
      response.type('html');
      return renderPlatformPage(info);
    }
    return info;
  }
}
