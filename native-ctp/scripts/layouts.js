// The ABI layouts this binding is built for, derived from one catalog (spec/ctp-api-6.3.15.json) by the rules
// of ../shared/spec/market-data-sources.md §A.2–A.6. Both the C++ generator (scripts/generate.js) and the
// TypeScript side (libs/ctp/src/catalog.ts) read a layout through this module, so they agree by construction.
//
//   6.3.15  the catalog as it is: libraries up to 6.3.15 (openctp's, older SFIT builds).
//   6.5.1   the market-data API of 6.5.1 … 6.7.11:
//           - 6.3.19 added ReqQryMulticastInstrument to CThostFtdcMdApi (after ReqUserLogout) and
//             OnRspQryMulticastInstrument to CThostFtdcMdSpi (after OnRspUserLogout), which shifts every
//             later callback's vtable slot, with their two structs (fields from the vendor's manual);
//           - 6.5.1 widened InstrumentIDType and ExchangeInstIDType to char[81] and IPAddressType to char[33]:
//             in every struct a field of those types keeps its place as `reserveN` of the old width (N counts
//             up within the struct), and the field itself, at the new width, is appended after the struct's
//             last field, in declaration order (§A.5: DepthMarketData 568 bytes, §A.6: ReqUserLogin 264,
//             SpecificInstrument 112);
//           - later versions only append fields (BandingUpperPrice… in 6.6.1, SysVersion… in 6.6.9), so a
//             6.5.1 image is a prefix of theirs: what this layout reads from them is exact, what it sends is
//             zero-extended by the addon.
//           The trader API's vtable grew in ways the spec does not record, so this layout drives market data
//           only (`trader: false`); trading stays on 6.3.15 libraries.
'use strict';
const fs = require('fs');
const path = require('path');

const LAYOUTS = ['6.3.15', '6.5.1'];

const WIDENED = {
  TThostFtdcInstrumentIDType: { old: 'TThostFtdcOldInstrumentIDType', length: 81 },
  TThostFtdcExchangeInstIDType: { old: 'TThostFtdcOldExchangeInstIDType', length: 81 },
  TThostFtdcIPAddressType: { old: 'TThostFtdcOldIPAddressType', length: 33 },
};

/** Splits "CThostFtdcXField *pX, int nRequestID" into [{type, name, pointer, array}]. */
function paramsOf(text) {
  return text
    .split(',')
    .map((p) => p.replace(/=.*$/, '').trim())
    .filter(Boolean)
    .map((p) => {
      const m = /^(.*?)([\s*]+)(\w+)(\[\])?$/.exec(p);
      if (!m) throw new Error(`cannot read parameter "${p}"`);
      return {
        type: m[1].replace(/^const\s+/, '').trim(),
        name: m[3],
        pointer: m[2].includes('*'),
        array: Boolean(m[4]),
      };
    });
}

function insertAfter(list, name, item) {
  const at = list.findIndex((m) => m.name === name);
  if (at < 0) throw new Error(`no method ${name}`);
  list.splice(at + 1, 0, item);
}

/** The 6.3.19 multicast-instrument query (6.3.15 fields: InstrumentID still char[31] here). */
function addMulticast(catalog) {
  catalog.structs.CThostFtdcQryMulticastInstrumentField = [
    { type: 'TThostFtdcInstallIDType', name: 'TopicID' },
    { type: 'TThostFtdcInstrumentIDType', name: 'InstrumentID' },
  ];
  catalog.structs.CThostFtdcMulticastInstrumentField = [
    { type: 'TThostFtdcInstallIDType', name: 'TopicID' },
    { type: 'TThostFtdcInstrumentIDType', name: 'InstrumentID' },
    { type: 'TThostFtdcInstallIDType', name: 'InstrumentNo' },
    { type: 'TThostFtdcPriceType', name: 'CodePrice' },
    { type: 'TThostFtdcVolumeMultipleType', name: 'VolumeMultiple' },
    { type: 'TThostFtdcPriceType', name: 'PriceTick' },
  ];
  insertAfter(catalog.classes.CThostFtdcMdApi, 'ReqUserLogout', {
    kind: 'virtual',
    returns: 'int',
    name: 'ReqQryMulticastInstrument',
    params: 'CThostFtdcQryMulticastInstrumentField *pQryMulticastInstrument, int nRequestID',
  });
  insertAfter(catalog.classes.CThostFtdcMdSpi, 'OnRspUserLogout', {
    kind: 'virtual',
    returns: 'void',
    name: 'OnRspQryMulticastInstrument',
    params:
      'CThostFtdcMulticastInstrumentField *pMulticastInstrument, CThostFtdcRspInfoField *pRspInfo, int nRequestID, bool bIsLast',
  });
}

/** 6.5.1: widened ids appended, the old places kept as reserveN. */
function widenIds(catalog) {
  for (const [type, { old, length }] of Object.entries(WIDENED)) {
    const was = catalog.typedefs[type];
    if (!was) throw new Error(`no typedef ${type}`);
    catalog.typedefs[old] = { ...was };
    catalog.typedefs[type] = { ...was, length };
  }
  for (const [name, fields] of Object.entries(catalog.structs)) {
    let reserve = 0;
    const kept = [];
    const appended = [];
    for (const f of fields) {
      const widened = WIDENED[f.type];
      if (!widened) {
        kept.push(f);
        continue;
      }
      kept.push({ type: widened.old, name: `reserve${++reserve}` });
      appended.push(f);
    }
    catalog.structs[name] = [...kept, ...appended];
  }
}

const cache = new Map();

/** The catalog of a layout: { layout, trader, typedefs, constants, structs, classes } (a fresh copy). */
function catalogFor(layout) {
  if (!LAYOUTS.includes(layout)) throw new Error(`unknown CTP layout ${layout} (${LAYOUTS.join(', ')})`);
  if (!cache.has(layout)) {
    const catalog = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'spec', 'ctp-api-6.3.15.json'), 'utf8'));
    if (layout === '6.5.1') {
      addMulticast(catalog);
      widenIds(catalog);
    }
    cache.set(layout, JSON.stringify({ layout, trader: layout === '6.3.15', ...catalog }));
  }
  return JSON.parse(cache.get(layout));
}

/**
 * The layout that drives a library reporting `version` (its GetApiVersion()), or the reason none does.
 * SFIT's strings look like `v6.6.7_20220613 14:52:04.1708`, openctp's like `openctp-sina v6.3.15`; a string
 * without a version is taken for 6.3.15 (openctp's early builds).
 */
function layoutForVersion(version) {
  const match = /v?(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!match) return { layout: '6.3.15' };
  const [major, minor, patch] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (major === 6 && minor === 3 && patch <= 15) return { layout: '6.3.15' };
  if (major === 6 && (minor === 5 || minor === 6 || minor === 7)) return { layout: '6.5.1' };
  if (major === 6 && minor === 3)
    return { problem: '6.3.16–6.3.19 put the 6.5.1 vtable over the 6.3.15 structs, a layout this build does not have' };
  return { problem: 'its layout is not known to this build (6.3.x ≤ 6.3.15 and 6.5.x–6.7.x are)' };
}

module.exports = { LAYOUTS, catalogFor, layoutForVersion, paramsOf };
