import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { HealthRegistry } from '@qautlra/platform';
import { TraderAccounts } from '../account/trader-accounts.service';
import { AmqpIntake, DeliveryHandler } from './amqp-intake';
import { BullIntake } from './bull-intake';

export const AMQP_INTAKE = Symbol('AMQP_INTAKE');
export const BULL_INTAKE = Symbol('BULL_INTAKE');

/**
 * Starts the intakes the configuration turned on (their instances come from factory providers:
 * RabbitMQ `QAORDER_ROUTER` with `AMQP_URL`, BullMQ with `REDIS_URL`) once the accounts run, and
 * reports them.
 */
@Injectable()
export class IntakeService implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(AMQP_INTAKE) private readonly amqp: AmqpIntake | null,
    @Inject(BULL_INTAKE) private readonly bull: BullIntake | null,
    private readonly accounts: TraderAccounts,
    private readonly health: HealthRegistry,
  ) {}

  async onModuleInit(): Promise<void> {
    const amqp = this.amqp;
    if (amqp) {
      const handlers = new Map<string, DeliveryHandler>();
      for (const account of this.accounts.all())
        handlers.set(account.account, (delivery) =>
          account.submit(delivery.body, () => delivery.ack(), { messageId: delivery.messageId }),
        );
      await amqp.start(handlers);
      this.health.register('order-intake', () => {
        if (amqp.state !== 'consuming')
          throw new Error(
            `RabbitMQ intake is ${amqp.state}${amqp.lastError ? `: ${amqp.lastError}` : ''}`,
          );
      });
    }
    this.bull?.start(this.accounts.all());
  }

  async onApplicationShutdown(): Promise<void> {
    await this.bull?.close();
    await this.amqp?.close();
  }

  status() {
    return {
      amqp: this.amqp
        ? { state: this.amqp.state, last_error: this.amqp.lastError }
        : 'off (no eventmq_ip / AMQP_URL: REST and in-process only)',
      bullmq: this.bull ? this.bull.queues() : 'off (no REDIS_URL)',
      rest: 'POST /api/orders',
    };
  }
}
