import {
  BadRequestException,
  Body,
  Controller,
  Get,
  Header,
  HttpException,
  NotFoundException,
  Param,
  Post,
  Query,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ConventionOverrides, PRESET_NAMES } from '@qautlra/analytics';
import { AnalysisError, AnalysisRequest, CompareRequest, FundService } from '../fund.service';
import {
  gainColours,
  SHEET_LANGS,
  sheetWords,
  type GainColours,
  type SheetLang,
  renderComparisonSheet,
  renderProductSheet,
} from '@qautlra/report';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** An analysis error as its HTTP exception (404 for a missing product, else 400); others as they are. */
function asHttpError(error: unknown): unknown {
  if (!(error instanceof AnalysisError)) return error;
  return error.status === 404
    ? new NotFoundException(error.message)
    : new BadRequestException(error.message);
}

function dateParam(value: string | undefined, name: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!DATE.test(value)) throw new BadRequestException(`${name} must be YYYY-MM-DD`);
  return value;
}

function numberParam(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const number = Number(value);
  if (!Number.isFinite(number)) throw new BadRequestException(`${name} must be a number`);
  return number;
}

/** A tear sheet's language (`en` by default; `zh`: Chinese, gains in red). */
function sheetLang(value: unknown): SheetLang {
  if (value === undefined || value === null || value === '') return 'en';
  if (typeof value !== 'string' || !SHEET_LANGS.includes(value as SheetLang))
    throw new BadRequestException(`lang must be one of ${SHEET_LANGS.join(', ')}`);
  return value as SheetLang;
}

const RF_MODES = ['per-period', 'annual-geometric', 'annual-arithmetic', 'annual-sqrt'];
const VAR_METHODS = ['parametric', 'historical', 'mean-2sigma'];

/** The analysis a query string asks for (preset, range, benchmark, convention overrides). */
function analysisRequest(query: Record<string, string | undefined>): AnalysisRequest {
  const overrides: ConventionOverrides = {
    periodsPerYear: numberParam(query.periods_per_year, 'periods_per_year'),
    riskFree: numberParam(query.risk_free, 'risk_free'),
    rfMode: query.rf_mode as ConventionOverrides['rfMode'],
    varMethod: query.var_method as ConventionOverrides['varMethod'],
    navFirstPoint: firstPointParam(query.nav_first_point),
  };
  if (overrides.rfMode && !RF_MODES.includes(overrides.rfMode))
    throw new BadRequestException(`rf_mode ${overrides.rfMode} is not known`);
  if (overrides.varMethod && !VAR_METHODS.includes(overrides.varMethod))
    throw new BadRequestException(`var_method ${overrides.varMethod} is not known`);
  return {
    preset: query.preset || undefined,
    start: dateParam(query.start, 'start'),
    end: dateParam(query.end, 'end'),
    benchmark: query.benchmark || undefined,
    overrides,
  };
}

/** The `nav_first_point` query parameter as the OpenAPI document shows it. */
const NAV_FIRST_POINT_QUERY = {
  name: 'nav_first_point',
  required: false,
  enum: ['zero', 'drop'],
  description:
    'NAV → returns: zero keeps the first point as a 0 return (reproduces quantstats given prices), drop starts at the second (quantstats given returns, empyrical); default: the preset’s',
};

/**
 * `nav_first_point`: `zero` keeps the first NAV point as a 0 return (quantstats given prices),
 * `drop` starts at the second point (quantstats given a return series, empyrical, pyfolio…).
 */
function firstPointParam(value: unknown): ConventionOverrides['navFirstPoint'] {
  if (value === undefined || value === null || value === '') return undefined;
  if (value !== 'zero' && value !== 'drop')
    throw new BadRequestException('nav_first_point must be zero or drop');
  return value;
}

/** `gains=red|green`: the sheet's gain colour (absent: by language). */
function gainsParam(value: unknown): GainColours | undefined {
  try {
    return gainColours(value);
  } catch (error) {
    throw new BadRequestException((error as Error).message);
  }
}

/** The comparison a JSON body asks for. */
function compareRequest(body: Record<string, unknown>): CompareRequest {
  const codes = body?.codes;
  if (!Array.isArray(codes) || !codes.every((code) => typeof code === 'string'))
    throw new BadRequestException('codes must be an array of product codes');
  const text = (key: string) => {
    const value = body[key];
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') throw new BadRequestException(`${key} must be a string`);
    return value;
  };
  const order = text('order');
  if (order !== undefined && order !== 'asc' && order !== 'desc')
    throw new BadRequestException('order must be asc or desc');
  const periods = body.periods_per_year;
  if (periods !== undefined && typeof periods !== 'number')
    throw new BadRequestException('periods_per_year must be a number');
  const riskFree = body.risk_free;
  if (riskFree !== undefined && typeof riskFree !== 'number')
    throw new BadRequestException('risk_free must be a number');
  return {
    codes,
    preset: text('preset'),
    start: dateParam(text('start'), 'start'),
    end: dateParam(text('end'), 'end'),
    benchmark: text('benchmark'),
    rankBy: text('rank_by'),
    order,
    overrides: {
      periodsPerYear: periods,
      riskFree,
      navFirstPoint: firstPointParam(body.nav_first_point),
    },
  };
}

/** Products, NAV series and their statistics. OpenAPI at /api/docs. */
@ApiTags('fund-analytics')
@Controller('api')
export class FundController {
  constructor(private readonly fund: FundService) {}

  @Post('products/import')
  @ApiOperation({
    summary:
      'Import NAV series from an .xlsx or .csv file (multipart field `file`); `product` names a single-series file; `dry_run=true` only says what would change. A file with any problem imports nothing (422 with every problem and its place).',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      properties: {
        file: { type: 'string', format: 'binary' },
        product: { type: 'string' },
        dry_run: { type: 'boolean' },
      },
    },
  })
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: 50 * 1024 * 1024 } }))
  async import(
    @UploadedFile() file: { originalname: string; buffer: Buffer } | undefined,
    @Body() body: { product?: string; dry_run?: string } = {},
    @Query('dry_run') dryRunQuery?: string,
  ) {
    if (!file) throw new BadRequestException('multipart field `file` is required');
    const dryRun = (body.dry_run ?? dryRunQuery) === 'true';
    const outcome = await this.fund.importFile(file.buffer, file.originalname, {
      product: body.product || undefined,
      dryRun,
    });
    if (!outcome.ok)
      throw new HttpException(
        {
          statusCode: 422,
          code: 'IMPORT_REJECTED',
          message: `${outcome.problems.length} problem(s); nothing was imported`,
          problems: outcome.problems,
        },
        422,
      );
    return { dry_run: outcome.dryRun, products: outcome.products };
  }

  @Get('products')
  @ApiOperation({ summary: 'Products (search by code or name)' })
  products(@Query('search') search?: string) {
    return this.fund.store.listProducts(search || undefined);
  }

  @Get('products/:code/nav')
  @ApiOperation({ summary: 'NAV series of a product' })
  async nav(
    @Param('code') code: string,
    @Query('start') start?: string,
    @Query('end') end?: string,
  ) {
    const product = await this.fund.store.product(code);
    if (!product) throw new NotFoundException(`no product ${code}`);
    return {
      ...product,
      nav: await this.fund.store.nav(code, dateParam(start, 'start'), dateParam(end, 'end')),
    };
  }

  @Post('compare')
  @ApiOperation({
    summary:
      'Compare products over one date range (dates all share): statistics per product, ranking by any metric, correlation matrix, optional benchmark',
  })
  @ApiBody({
    schema: {
      example: {
        codes: ['SX0001', 'SX0002'],
        preset: 'quantstats',
        start: '2024-01-01',
        benchmark: 'IDX300',
        rank_by: 'sharpe',
      },
    },
  })
  async compare(@Body() body: Record<string, unknown>) {
    try {
      return await this.fund.compare(compareRequest(body));
    } catch (error) {
      throw asHttpError(error);
    }
  }

  @Post('compare/report')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @ApiOperation({
    summary:
      'HTML tear sheet of a comparison (same body as /api/compare): cumulative returns vs benchmark, drawdowns, rolling Sharpe/volatility, metrics table, monthly heat map, correlation',
  })
  @ApiBody({
    schema: { example: { codes: ['SX0001', 'SX0002'], benchmark: 'IDX300', rank_by: 'sharpe' } },
  })
  async compareReport(@Body() body: Record<string, unknown>): Promise<string> {
    const words = sheetWords(sheetLang(body?.lang), gainsParam(body?.gains));
    try {
      return renderComparisonSheet(await this.fund.comparisonSheet(compareRequest(body)), words);
    } catch (error) {
      throw asHttpError(error);
    }
  }

  @Get('compare/report')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @ApiOperation({
    summary:
      'The comparison tear sheet for a browser link: codes=A,B,C plus the same fields as query parameters',
  })
  @ApiQuery({ name: 'codes', required: true, description: 'comma-separated product codes' })
  @ApiQuery({ name: 'lang', required: false, enum: SHEET_LANGS })
  async compareReportLink(@Query() query: Record<string, string | undefined>): Promise<string> {
    const body: Record<string, unknown> = { ...query };
    body.codes = (query.codes ?? '').split(',').filter((code) => code !== '');
    for (const key of ['periods_per_year', 'risk_free'])
      if (query[key] !== undefined) body[key] = numberParam(query[key], key);
    return this.compareReport(body);
  }

  @Get('products/:code/metrics')
  @ApiOperation({
    summary:
      'Statistics of a product (keys are quantstats function names) under a named convention with overrides; the response states the convention used',
  })
  @ApiQuery({ name: 'preset', required: false, enum: PRESET_NAMES })
  @ApiQuery({ name: 'benchmark', required: false, description: 'another product code' })
  @ApiQuery({
    name: 'periods_per_year',
    required: false,
    description: 'default: inferred from the dates (252 daily, 52 weekly, 12 monthly)',
  })
  @ApiQuery({ name: 'risk_free', required: false })
  @ApiQuery({
    name: 'rf_mode',
    required: false,
    enum: ['per-period', 'annual-geometric', 'annual-arithmetic', 'annual-sqrt'],
  })
  @ApiQuery({
    name: 'var_method',
    required: false,
    enum: ['parametric', 'historical', 'mean-2sigma'],
  })
  @ApiQuery(NAV_FIRST_POINT_QUERY)
  @ApiQuery({ name: 'rolling', required: false, description: 'true: also the rolling series' })
  async metrics(@Param('code') code: string, @Query() query: Record<string, string | undefined>) {
    try {
      return await this.fund.analyse(code, {
        ...analysisRequest(query),
        rolling: query.rolling === 'true',
      });
    } catch (error) {
      throw asHttpError(error);
    }
  }

  @Get('products/:code/report')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @ApiOperation({
    summary:
      'HTML tear sheet of a product (same parameters as /metrics): cumulative return vs benchmark, drawdown, rolling Sharpe/volatility, monthly heat map, yearly returns, worst drawdowns, the full metrics table',
  })
  @ApiQuery({ name: 'preset', required: false, enum: PRESET_NAMES })
  @ApiQuery({ name: 'benchmark', required: false, description: 'another product code' })
  @ApiQuery({
    name: 'lang',
    required: false,
    enum: SHEET_LANGS,
    description: 'en (default) or zh: Chinese labels, gains in red and losses in green',
  })
  @ApiQuery(NAV_FIRST_POINT_QUERY)
  async report(
    @Param('code') code: string,
    @Query() query: Record<string, string | undefined>,
  ): Promise<string> {
    try {
      const words = sheetWords(sheetLang(query.lang), gainsParam(query.gains));
      return renderProductSheet(await this.fund.productSheet(code, analysisRequest(query)), words);
    } catch (error) {
      throw asHttpError(error);
    }
  }
}
