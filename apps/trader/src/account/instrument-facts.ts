import { buyLotOf, defaultPresetFor, isStockExchange, Qifi } from '@qautlra/qifi';
import { InstrumentFacts } from '@qautlra/risk';

/**
 * What the trader knows of an instrument: the contract presets (tick, multiple). It has no quotes,
 * so price limits and sessions are left to the trade server; a MARKET order is priced at the last
 * price the account's position shows, or refused here when there is none.
 */
export function instrumentFacts(
  document: Qifi,
  exchange: string,
  instrument: string,
): InstrumentFacts {
  const preset = defaultPresetFor(exchange, instrument);
  const last = document.positions[`${exchange}.${instrument}`]?.last_price;
  return {
    exists: preset !== undefined || isStockExchange(exchange),
    trading: true,
    priceTick: preset?.price_tick ?? 0.01,
    volumeMultiple: preset?.unit_table ?? 1,
    referencePrice: last !== undefined && last > 0 ? last : undefined,
    buyLot: buyLotOf(exchange, instrument),
  };
}
