import { Inject, Injectable } from '@nestjs/common';
import type { DatabaseHandle } from '@qautlra/platform';
import { TraderAccounts } from './account/trader-accounts.service';
import { IntakeService } from './intake/intake.service';
import type { TraderDatabase } from './store/trader-store';
import { TRADER_DATABASE, TRADER_EVENT_SINK } from './tokens';
import { AmqpEventSink, type TraderEventSink } from './events/trader-events';

/** `GET /api/status`: the intakes, the event transport, the database and every account's session. */
@Injectable()
export class TraderStatusService {
  constructor(
    private readonly accounts: TraderAccounts,
    private readonly intake: IntakeService,
    @Inject(TRADER_EVENT_SINK) private readonly sink: TraderEventSink,
    @Inject(TRADER_DATABASE) private readonly database: DatabaseHandle<TraderDatabase>,
  ) {}

  status() {
    return {
      intake: this.intake.status(),
      events:
        this.sink instanceof AmqpEventSink
          ? { transport: 'rabbitmq', connected: this.sink.connected }
          : { transport: 'in-process' },
      database: this.database.kind,
      accounts: this.accounts.all().map((account) => account.status()),
    };
  }
}
