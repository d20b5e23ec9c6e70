// The conv2d size syntax: NxCxHxW then filter fields in any order —
// k<K> (filters, required), r<R> or r<R>x<S> (kernel, default 3), s<stride>, p<pad>, d<dilation>,
// g<groups> — and an optional -nhwc/-nchw suffix, e.g. '1x64x56x56k64r3s1p1', '8x3x227x227k96r11s4-nhwc';
// A size may also name a layer of a network, '<net>.<conv layer>[-n<batch>][-nhwc]'; networks sit
// above the kernels, so src/nets/conv-layers.ts reads those and hands every other token to this parser.
import {UsageError} from '../../core/errors.js';
import {parsePositiveInt} from '../../core/sizes.js';
import {conv, describeConv, invalidReason, type ConvShape} from './spec.js';

/** The whole conv2d size syntax the CLI accepts, named layers included, for every error message. */
export const CONV_SIZE_SYNTAX =
  "NxCxHxW + k<K> r<R>[x<S>] s<stride> p<pad> d<dilation> g<groups> [-nhwc], e.g. '1x64x56x56k64r3s1p1'; " +
  "or <net>.<layer>[-n<batch>][-nhwc], e.g. 'vgg16.conv3_1'";

export function badConvSize(flag: string, token: string, why: string): UsageError {
  return new UsageError(`${flag}: '${token}' ${why}. Valid: ${CONV_SIZE_SYNTAX}`);
}

export function parseConvShape(token: string, flag = '--size'): ConvShape {
  const t = token.trim().toLowerCase();
  const m = /^(\d+)x(\d+)x(\d+)x(\d+)((?:[kspdg]\d+|r\d+(?:x\d+)?)*)(?:-(nhwc|nchw))?$/.exec(t);
  if (!m) throw badConvSize(flag, token, 'is not a conv shape');
  const [n, c, h, w] = m.slice(1, 5).map((d) => parsePositiveInt(d, flag));
  const fields: Record<string, string> = {};
  for (const f of m[5].match(/[kspdg]\d+|r\d+(?:x\d+)?/g) ?? []) {
    if (fields[f[0]] !== undefined) throw badConvSize(flag, token, `repeats the field '${f[0]}'`);
    fields[f[0]] = f.slice(1);
  }
  if (fields.k === undefined) throw badConvSize(flag, token, 'has no filter count k<K>');
  const [r, s] = (fields.r ?? '3').split('x').map((d) => parsePositiveInt(d, flag));
  const int0 = (v: string | undefined, dflt: number) => (v === undefined ? dflt : /^\d+$/.test(v) ? Number(v) : NaN);
  const p: ConvShape = conv({
    n,
    c,
    h,
    w,
    k: parsePositiveInt(fields.k, flag),
    r,
    s: s ?? r,
    stride: fields.s === undefined ? 1 : parsePositiveInt(fields.s, flag),
    pad: int0(fields.p, 0),
    dilation: fields.d === undefined ? 1 : parsePositiveInt(fields.d, flag),
    groups: fields.g === undefined ? 1 : parsePositiveInt(fields.g, flag),
    layout: m[6] === 'nhwc' ? 'nhwc' : 'nchw',
  });
  const why = invalidReason(p);
  if (why) throw badConvSize(flag, token, `is not a valid convolution: ${why}`);
  return p;
}

export {describeConv};
