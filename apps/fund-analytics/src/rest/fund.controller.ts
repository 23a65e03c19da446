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
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { ref } from '@qautlra/platform';
import { renderComparisonSheet, renderProductSheet, sheetWords } from '@qautlra/report';
import { AnalysisError, FundService } from '../fund.service';
import {
  analysisRequest,
  CompareDto,
  compareRequest,
  CompareReportDto,
  CompareReportQueryDto,
  DateRangeQueryDto,
  ImportFieldsDto,
  MetricsQueryDto,
  ProductSearchQueryDto,
  ReportQueryDto,
} from './dto';
import { conventionToWire } from '@qautlra/analytics';
import { HTML, wireNav } from './schemas';

/** An analysis error as its HTTP exception (404 for a missing product, else 400); others as they are. */
function asHttpError(error: unknown): unknown {
  if (!(error instanceof AnalysisError)) return error;
  return error.status === 404
    ? new NotFoundException(error.message)
    : new BadRequestException(error.message);
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
  @ApiCreatedResponse({ schema: ref('ImportResult') })
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: 50 * 1024 * 1024 } }))
  async import(
    @UploadedFile() file: { originalname: string; buffer: Buffer } | undefined,
    @Body() body: ImportFieldsDto,
    @Query() query: ImportFieldsDto,
  ) {
    if (!file) throw new BadRequestException('multipart field `file` is required');
    const dryRun = (body.dry_run ?? query.dry_run) === 'true';
    const outcome = await this.fund.importFile(file.buffer, file.originalname, {
      product: body.product ?? query.product,
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
  @ApiOkResponse({ schema: { type: 'array', items: ref('ProductSummary') } })
  products(@Query() query: ProductSearchQueryDto) {
    return this.fund.store.listProducts(query.search || undefined);
  }

  @Get('products/:code/nav')
  @ApiOperation({ summary: 'NAV series of a product' })
  @ApiOkResponse({ schema: ref('ProductNav') })
  async nav(@Param('code') code: string, @Query() query: DateRangeQueryDto) {
    const product = await this.fund.store.product(code);
    if (!product) throw new NotFoundException(`no product ${code}`);
    return {
      ...product,
      nav: (await this.fund.store.nav(code, query.start, query.end)).map(wireNav),
    };
  }

  @Post('compare')
  @ApiOperation({
    summary:
      'Compare products over one date range (dates all share): statistics per product, ranking by any metric, correlation matrix, optional benchmark',
  })
  @ApiCreatedResponse({ schema: ref('Comparison') })
  async compare(@Body() body: CompareDto) {
    try {
      const comparison = await this.fund.compare(compareRequest(body));
      return { ...comparison, convention: conventionToWire(comparison.convention) };
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
  @ApiProduces('text/html')
  @ApiCreatedResponse(HTML)
  async compareReport(@Body() body: CompareReportDto): Promise<string> {
    const words = sheetWords(body.lang ?? 'en', body.gains);
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
  @ApiProduces('text/html')
  @ApiOkResponse(HTML)
  async compareReportLink(@Query() query: CompareReportQueryDto): Promise<string> {
    return this.compareReport(query);
  }

  @Get('products/:code/metrics')
  @ApiOperation({
    summary:
      'Statistics of a product (keys are quantstats function names) under a named convention with overrides; the response states the convention used',
  })
  @ApiOkResponse({ schema: ref('Analysis') })
  async metrics(@Param('code') code: string, @Query() query: MetricsQueryDto) {
    try {
      const analysis = await this.fund.analyse(code, {
        ...analysisRequest(query),
        rolling: query.rolling === 'true',
      });
      return { ...analysis, convention: conventionToWire(analysis.convention) };
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
  @ApiProduces('text/html')
  @ApiOkResponse(HTML)
  async report(@Param('code') code: string, @Query() query: ReportQueryDto): Promise<string> {
    try {
      const words = sheetWords(query.lang ?? 'en', query.gains);
      return renderProductSheet(await this.fund.productSheet(code, analysisRequest(query)), words);
    } catch (error) {
      throw asHttpError(error);
    }
  }
}
