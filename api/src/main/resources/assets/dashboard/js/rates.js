// A rate with its confidence interval as the variants table shows it (no DOM).
import { num, isNum, pct } from './util.js';

/**
 * A rate with its interval, from the server's {rate, low, high, trials} (or a bare number); null,
 * shown as '–', when there is nothing to show, also a rate over no trials at all: the server's 0
 * over 0 is "not measured yet", not 0 %.
 */
export function pickInterval(o) {
  if (isNum(o)) return { rate: o, low: null, high: null };
  if (!o || typeof o !== 'object') return null;
  if (isNum(o.trials) && o.trials === 0) return null;
  const first = (keys) => {
    for (let i = 0; i < keys.length; i++) if (isNum(o[keys[i]])) return o[keys[i]];
    return null;
  };
  const iv = {
    rate: first(['rate', 'estimate', 'mean', 'value', 'point']),
    low: first(['low', 'lower', 'lo', 'lowerBound', 'ciLow']),
    high: first(['high', 'upper', 'hi', 'upperBound', 'ciHigh'])
  };
  const arr = o.interval || o.ci;
  if ((iv.low == null || iv.high == null) && Array.isArray(arr) && arr.length === 2) {
    iv.low = num(arr[0]); iv.high = num(arr[1]);
  }
  return iv.rate == null ? null : iv;
}

export function fmtInterval(iv) {
  if (!iv) return '–';
  let s = pct(iv.rate);
  if (iv.low != null && iv.high != null) {
    s += ' [' + (iv.low * 100).toFixed(1) + '–' + (iv.high * 100).toFixed(1) + ']';
  }
  return s;
}
