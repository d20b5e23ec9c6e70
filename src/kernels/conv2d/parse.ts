// The conv2d size syntax. A token is either numeric, NxCxHxW then filter fields in any order —
// k<K> (filters, required), r<R> or r<R>x<S> (kernel, default 3), s<stride>, p<pad>, d<dilation>,
// g<groups> — and an optional -nhwc/-nchw suffix, e.g. '1x64x56x56k64r3s1p1', '8x3x227x227k96r11s4-nhwc';
// or a named layer of a network, '<net>.<conv layer>[-n<batch>][-nhwc]', e.g. 'vgg16.conv3_1', 'alexnet.conv2-n8'.
import {UsageError} from '../../core/errors.js';
import {parsePositiveInt} from '../../core/sizes.js';
import {nets} from '../../nets/defs.js';
import {planNet} from '../../nets/shapes.js';
import {conv, describeConv, invalidReason, type ConvShape} from './spec.js';

export const CONV_SIZE_SYNTAX = "NxCxHxW + k<K> r<R>[x<S>] s<stride> p<pad> d<dilation> g<groups> [-nhwc], e.g. '1x64x56x56k64r3s1p1'; " +
  "or <net>.<layer>[-n<batch>][-nhwc], e.g. 'vgg16.conv3_1'";

function bad(flag: string, token: string, why: string): UsageError {
  return new UsageError(`${flag}: '${token}' ${why}. Valid: ${CONV_SIZE_SYNTAX}`);
}

function namedLayer(token: string, flag: string): ConvShape {
  const m = /^([a-z0-9-]+?)\.([a-z0-9_]+)((?:-(?:n\d+|nhwc|nchw))*)$/i.exec(token);
  if (!m) throw bad(flag, token, 'is not a conv shape');
  const net = nets.find((n) => n.name === m[1].toLowerCase());
  if (!net) throw bad(flag, token, `names unknown network '${m[1]}' (networks: ${nets.map((n) => n.name).join(', ')})`);
  const suffix = m[3].toLowerCase();
  const batch = /-n(\d+)/.exec(suffix);
  const plans = planNet(net, batch ? parsePositiveInt(batch[1], flag) : 1);
  const hit = plans.find((l) => l.def.name === m[2].toLowerCase());
  if (!hit || hit.kernel?.op !== 'conv2d') {
    const convs = plans.filter((l) => l.kernel?.op === 'conv2d').map((l) => l.def.name);
    throw bad(flag, token, `names no conv layer of ${net.name} (conv layers: ${convs.join(', ')})`);
  }
  return {...hit.kernel.shape, layout: suffix.includes('nhwc') ? 'nhwc' : 'nchw'};
}

export function parseConvShape(token: string, flag = '--size'): ConvShape {
  const t = token.trim().toLowerCase();
  if (t.includes('.')) return namedLayer(t, flag);
  const m = /^(\d+)x(\d+)x(\d+)x(\d+)((?:[kspdg]\d+|r\d+(?:x\d+)?)*)(?:-(nhwc|nchw))?$/.exec(t);
  if (!m) throw bad(flag, token, 'is not a conv shape');
  const [n, c, h, w] = m.slice(1, 5).map((d) => parsePositiveInt(d, flag));
  const fields: Record<string, string> = {};
  for (const f of m[5].match(/[kspdg]\d+|r\d+(?:x\d+)?/g) ?? []) {
    if (fields[f[0]] !== undefined) throw bad(flag, token, `repeats the field '${f[0]}'`);
    fields[f[0]] = f.slice(1);
  }
  if (fields.k === undefined) throw bad(flag, token, 'has no filter count k<K>');
  const [r, s] = (fields.r ?? '3').split('x').map((d) => parsePositiveInt(d, flag));
  const int0 = (v: string | undefined, dflt: number) => (v === undefined ? dflt : /^\d+$/.test(v) ? Number(v) : NaN);
  const p: ConvShape = conv({
    n, c, h, w, k: parsePositiveInt(fields.k, flag), r, s: s ?? r,
    stride: fields.s === undefined ? 1 : parsePositiveInt(fields.s, flag),
    pad: int0(fields.p, 0),
    dilation: fields.d === undefined ? 1 : parsePositiveInt(fields.d, flag),
    groups: fields.g === undefined ? 1 : parsePositiveInt(fields.g, flag),
    layout: m[6] === 'nhwc' ? 'nhwc' : 'nchw',
  });
  const why = invalidReason(p);
  if (why) throw bad(flag, token, `is not a valid convolution: ${why}`);
  return p;
}

export {describeConv};
