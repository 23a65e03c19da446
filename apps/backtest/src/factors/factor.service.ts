import { BadRequestException, Injectable } from '@nestjs/common';
import { BUILTIN_FACTORS, FUNCTIONS } from '@qautlra/factors';
import { simInstrumentFor } from '@qautlra/sim';
import { BacktestService } from '../backtest.service';
import { SourceError, tradingDaysOf } from '../runs/market-source';
import type { FactorReport, FactorRequest } from './factor-job';
import type { FactorRequestDto } from './factor.dto';

/** Most instrument × trading-day rows one study reads (the sim generates them: a bound on its work). */
const MAX_ROWS = 150_000;
const MAX_DAYS = 2_500;

/** Factor studies on the service's worker threads. */
@Injectable()
export class FactorService {
  constructor(private readonly backtests: BacktestService) {}

  catalog() {
    return {
      builtins: BUILTIN_FACTORS.map((b) => ({
        name: b.name,
        summary: b.summary,
        window: b.window,
        expression: b.expression(b.window),
      })),
      functions: Object.entries(FUNCTIONS).map(([name, spec]) => ({
        name,
        arguments: spec.args.map((a) => (a === 'n' ? 'window' : 'x')),
        summary: spec.doc,
      })),
      columns: ['open', 'high', 'low', 'close', 'volume', 'amount'],
    };
  }

  async analyze(dto: FactorRequestDto): Promise<FactorReport> {
    const request = this.check(dto);
    const answer = await this.backtests.workers.factor(
      this.backtests.withSecrets(request as never) as unknown as FactorRequest,
    );
    if ('error' in answer)
      throw new BadRequestException({
        code: answer.error.code.toUpperCase(),
        message: answer.error.message,
      });
    return answer;
  }

  /** A study of a DTO, every field checked (a 400 names what is wrong). */
  check(dto: FactorRequestDto): FactorRequest {
    let days: number;
    try {
      days = tradingDaysOf({ from: dto.from, to: dto.to }).length;
    } catch (error) {
      if (error instanceof SourceError) throw new BadRequestException(error.message);
      throw error;
    }
    if (days === 0) throw new BadRequestException('from–to holds no trading day');
    if (days > MAX_DAYS)
      throw new BadRequestException(`from–to spans ${days} trading days; at most ${MAX_DAYS}`);
    if (days * dto.instruments.length > MAX_ROWS)
      throw new BadRequestException(
        `${dto.instruments.length} instruments × ${days} trading days is more than ${MAX_ROWS.toLocaleString('en')} rows; fewer of either`,
      );
    if ((dto.source ?? 'sim') === 'sim') {
      const unknown = dto.instruments.filter((id) => !simInstrumentFor(id));
      if (unknown.length)
        throw new BadRequestException(`the sim has no instrument ${unknown.join(', ')}`);
    }
    const named = [dto.expression, dto.builtin, dto.indicator].filter(
      (v) => v !== undefined,
    ).length;
    if (named !== 1) throw new BadRequestException('name one of expression, builtin or indicator');
    if (dto.groups) {
      const entries = Object.entries(dto.groups);
      if (
        entries.length > 300 ||
        entries.some(
          ([id, g]) => typeof g !== 'string' || g.length === 0 || g.length > 64 || id.length > 32,
        )
      )
        throw new BadRequestException(
          'groups map at most 300 instruments to names of 1–64 characters',
        );
    }
    if (dto.neutralize && !dto.groups) throw new BadRequestException('neutralize needs groups');
    return {
      source: dto.source ?? 'sim',
      instruments: dto.instruments,
      from: dto.from,
      to: dto.to,
      seed: dto.seed,
      factor: {
        expression: dto.expression,
        builtin: dto.builtin,
        window: dto.window,
        indicator: dto.indicator,
        value: dto.value,
      },
      preprocess: {
        winsorize: dto.winsorize,
        standardize: dto.standardize,
        neutralize: dto.neutralize,
      },
      groups: dto.groups,
      periods: dto.periods,
      quantiles: dto.quantiles,
      maxLoss: dto.max_loss,
      backtest: dto.backtest ? { ...dto.backtest } : undefined,
    };
  }
}
