import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpException,
  HttpStatus,
  Post,
  Req,
  SetMetadata,
  UnauthorizedException,
} from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ref } from '@qautlra/platform';
import { AuthedRequest, PUBLIC_ROUTE, TradeApi } from '../rest/auth.guard';
import { ApiKeyRequestDto, LoginDto } from '../rest/dto';
import { userOf } from '../rest/owner';
import { AuthService } from './auth.service';

/** Logins and API keys for people and programs. */
@TradeApi('trade')
@Controller('api/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('login')
  @HttpCode(200)
  @SetMetadata(PUBLIC_ROUTE, true)
  @ApiOperation({
    summary: 'User name and password → JWT (1 h) for `Authorization: Bearer`',
    security: [],
  })
  @ApiOkResponse({ schema: ref('LoginResult') })
  async login(@Body() body: LoginDto, @Req() request: AuthedRequest) {
    // The same per-address limit on failed logins as the WebSocket's.
    const ip = request.ip ?? request.socket.remoteAddress ?? 'unknown';
    const failures = this.auth.loginFailures;
    if (failures.exhausted(ip, Date.now()))
      throw new HttpException(
        {
          statusCode: 429,
          code: 'TOO_MANY_LOGINS',
          message: 'too many failed logins from this address, try again later',
          retry_after_ms: failures.retryAfterMs(ip, Date.now()),
        },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    const result = await this.auth.checkPassword(body.user_name, body.password);
    if (!result.ok) {
      failures.hit(ip, Date.now());
      throw new UnauthorizedException({ code: result.reason, message: result.message });
    }
    const token = await this.auth.issueToken(result.userName);
    return { token, token_type: 'Bearer', expires_in: 3600, user_name: result.userName };
  }

  @Get('me')
  @ApiOperation({ summary: 'Who the credentials stand for (user name, admin or not)' })
  @ApiOkResponse({ schema: ref('User') })
  me(@Req() request: AuthedRequest) {
    const user = userOf(request);
    return { user_name: user.userName, is_admin: user.isAdmin };
  }

  @Post('api-keys')
  @ApiOperation({ summary: 'Creates an API key for `X-API-Key` (shown once)' })
  @ApiCreatedResponse({ schema: ref('ApiKey') })
  apiKey(@Req() request: AuthedRequest, @Body() body: ApiKeyRequestDto) {
    return this.auth.createApiKey(userOf(request).userName, body.label ?? '');
  }
}
