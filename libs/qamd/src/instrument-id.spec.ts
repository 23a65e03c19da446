import fc from 'fast-check';
import {
  formatInstrumentId,
  InstrumentIdStyle,
  normaliseInstrumentId,
  parseInstrumentId,
} from './instrument-id';
import { QamdError } from './qamd.error';

describe('instrument id normalisation', () => {
  it.each([
    ['SHFE.au2512', 'SHFE.au2512'],
    ['au2512', 'SHFE.au2512'],
    ['AU2512', 'SHFE.au2512'],
    ['shfe.AU2512', 'SHFE.au2512'],
    ['SSE_688286', 'SSE.688286'],
    ['000001.XSHG', 'SSE.000001'],
    ['000001.XSHE', 'SZSE.000001'],
    ['IF2301.CFFEX', 'CFFEX.IF2301'],
    ['if2301', 'CFFEX.IF2301'],
    ['sh600000', 'SSE.600000'],
    ['SZ000001', 'SZSE.000001'],
    ['bj430047', 'BSE.430047'],
    ['SHFE_rb2001', 'SHFE.rb2001'],
    ['rb2001', 'SHFE.rb2001'],
    ['SR501', 'CZCE.SR501'],
    ['sr501', 'CZCE.SR501'],
    ['m2505', 'DCE.m2505'],
    ['sc2506', 'INE.sc2506'],
    ['si2506', 'GFEX.si2506'],
    ['IM2412', 'CFFEX.IM2412'],
    ['RBL8', 'SHFE.rbl8'],
    ['600000', 'SSE.600000'],
    ['688286', 'SSE.688286'],
    ['510050', 'SSE.510050'],
    ['000001', 'SZSE.000001'],
    ['300750', 'SZSE.300750'],
    ['399001', 'SZSE.399001'],
    ['830799', 'BSE.830799'],
    [' SHFE.au2512 ', 'SHFE.au2512'],
  ])('%s → %s', (input, expected) => {
    expect(normaliseInstrumentId(input)).toBe(expected);
  });

  it.each([
    ['', 'QAMD_UNKNOWN_INSTRUMENT'],
    ['XYZ.au2512', 'QAMD_UNKNOWN_INSTRUMENT'],
    ['zz2512', 'QAMD_UNKNOWN_INSTRUMENT'],
    ['700000', 'QAMD_UNKNOWN_INSTRUMENT'],
    ['SHFE.DCE', 'QAMD_AMBIGUOUS_INSTRUMENT'],
    ['DCE.au2512', 'QAMD_AMBIGUOUS_INSTRUMENT'],
    ['SHFE.a u', 'QAMD_UNKNOWN_INSTRUMENT'],
    ['a.b.c', 'QAMD_UNKNOWN_INSTRUMENT'],
  ])('rejects %p with %s naming the input', (input, code) => {
    try {
      parseInstrumentId(input);
      throw new Error('expected a QamdError');
    } catch (error) {
      expect(error).toBeInstanceOf(QamdError);
      expect((error as QamdError).code).toBe(code);
      expect((error as QamdError).details.input).toBe(input);
    }
  });

  it.each<[string, InstrumentIdStyle, string]>([
    ['SHFE.au2512', 'canonical', 'SHFE.au2512'],
    ['SHFE.au2512', 'bare', 'au2512'],
    ['SHFE.au2512', 'underscore', 'SHFE_au2512'],
    ['CFFEX.IF2301', 'suffix', 'IF2301.CFFEX'],
    ['SSE.000001', 'suffix', '000001.XSHG'],
    ['SZSE.000001', 'suffix', '000001.XSHE'],
    ['SSE.600000', 'market-prefix', 'sh600000'],
    ['SSE.688286', 'underscore', 'SSE_688286'],
  ])('formats %s in %s style as %s', (id, style, expected) => {
    expect(formatInstrumentId(id, style)).toBe(expected);
  });

  it('has no market-prefix form for futures', () => {
    expect(() => formatInstrumentId('SHFE.au2512', 'market-prefix')).toThrow(QamdError);
  });

  it('every style parses back to the same canonical id', () => {
    const ids = [
      'SHFE.au2512',
      'CZCE.SR501',
      'CFFEX.IF2301',
      'SSE.600000',
      'SZSE.000001',
      'DCE.m2505',
      'BSE.430047',
    ];
    const styles: InstrumentIdStyle[] = ['canonical', 'underscore', 'suffix'];
    for (const id of ids)
      for (const style of styles)
        expect(normaliseInstrumentId(formatInstrumentId(id, style))).toBe(id);
  });

  it('throws only QamdError on arbitrary strings (fuzz)', () => {
    fc.assert(
      fc.property(fc.string(), (input) => {
        try {
          const parsed = parseInstrumentId(input);
          expect(parsed.id).toBe(`${parsed.exchange}.${parsed.code}`);
        } catch (error) {
          expect(error).toBeInstanceOf(QamdError);
        }
      }),
    );
  });
});
