import { RISK_RULE_CODES } from '@qautlra/risk';
import { DICTIONARIES, plainNotice, plainReason, RULES } from './i18n';

describe('web labels and plain-word refusals', () => {
  it('every risk rule of libs/risk has a sentence in both languages', () => {
    const missing = Object.keys(RISK_RULE_CODES).filter(
      (rule) => !RULES[rule]?.zh || !RULES[rule]?.en,
    );
    expect(missing).toEqual([]);
  });

  it('both dictionaries have every label', () => {
    expect(Object.keys(DICTIONARIES.zh).sort()).toEqual(Object.keys(DICTIONARIES.en).sort());
    expect(Object.values(DICTIONARIES.zh).every((text) => text.length > 0)).toBe(true);
  });

  it('turns a trade-server refusal into the rule in words, keeping the detail', () => {
    const text = '下单失败: INSUFFICIENT_FUNDS: needs 60000.00, available 1000.00';
    expect(plainNotice(text, 'zh')).toBe(
      '下单失败: 可用资金不足。 (needs 60000.00, available 1000.00)',
    );
    expect(plainNotice(text, 'en')).toBe(
      'Order refused: Not enough available funds for this order. (needs 60000.00, available 1000.00)',
    );
    expect(plainNotice('撤单失败: CANCEL_RATE: 6 in 1 s', 'en')).toBe(
      'Cancel refused: Too many cancels per second: slow down. (6 in 1 s)',
    );
    // Unknown rules and other texts pass through.
    expect(plainNotice('下单失败: NEW_RULE: x', 'en')).toBe('Order refused: NEW_RULE: x');
    expect(plainNotice('登录成功', 'en')).toBe('登录成功');
    expect(plainReason('PRICE_LIMIT: 700 above 663.4', 'zh')).toBe(
      '价格超出涨跌停板。 (700 above 663.4)',
    );
    expect(plainReason('全部成交', 'zh')).toBe('全部成交');
  });
});
