import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { PlatformInfoService, PlatformInfo } from './platform-info.service';

@ApiTags('platform')
@Controller()
export class PlatformInfoController {
  constructor(private readonly info: PlatformInfoService) {}

  @Get()
  @ApiOkResponse({ description: 'What runs in this process, with links to each API and its docs' })
  index(): PlatformInfo {
    return this.info.describe();
  }
}
