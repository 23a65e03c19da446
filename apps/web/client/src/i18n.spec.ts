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
    expect(plainNotice('登录成功', 'zh')).toBe('登录成功');
    expect(plainReason('PRICE_LIMIT: 700 above 663.4', 'zh')).toBe(
      '价格超出涨跌停板。 (700 above 663.4)',
    );
    expect(plainReason('全部成交', 'zh')).toBe('全部成交');
  });

  it("shows the server's Chinese status texts in English on the English page", () => {
    expect(plainReason('全部成交', 'en')).toBe('Filled');
    expect(plainReason('部分成交', 'en')).toBe('Partly filled');
    expect(plainReason('已撤单', 'en')).toBe('Cancelled');
    expect(plainReason('已撤单: 收盘撤单', 'en')).toBe('Cancelled at the close');
    expect(plainReason('已报', 'en')).toBe('Accepted');
    expect(plainNotice('登录成功', 'en')).toBe('Logged in');
    expect(plainNotice('转账成功: 100000', 'en')).toBe('Transfer done: 100000');
    expect(plainNotice('something else', 'en')).toBe('something else');
  });
});
