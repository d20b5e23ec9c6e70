// Conv sizes that name a layer of a network, '<net>.<conv layer>[-n<batch>][-nhwc]', e.g. 'vgg16.conv3_1',
// 'alexnet.conv2-n8', and the conv2d presets made of such layers. The conv2d op itself knows only
// numeric shapes; the suite plans with withNetLayers(op), so `--size` and `--preset` take both.
import type {OpDefinition} from '../core/types.js';
import {parsePositiveInt} from '../core/sizes.js';
import {badConvSize, parseConvShape} from '../kernels/conv2d/parse.js';
import type {ConvShape} from '../kernels/conv2d/spec.js';
import {nets} from './defs.js';
import {planNet} from './shapes.js';

function namedLayer(token: string, flag: string): ConvShape {
  const m = /^([a-z0-9-]+?)\.([a-z0-9_]+)((?:-(?:n\d+|nhwc|nchw))*)$/i.exec(token);
  if (!m) throw badConvSize(flag, token, 'is not a conv shape');
  const net = nets.find((n) => n.name === m[1].toLowerCase());
  if (!net) throw badConvSize(flag, token, `names unknown network '${m[1]}' (networks: ${nets.map((n) => n.name).join(', ')})`);
  const suffix = m[3].toLowerCase();
  const batch = /-n(\d+)/.exec(suffix);
  const plans = planNet(net, batch ? parsePositiveInt(batch[1], flag) : 1);
  const hit = plans.find((l) => l.def.name === m[2].toLowerCase());
  if (hit?.kernel?.op !== 'conv2d') {
    const convs = plans.filter((l) => l.kernel?.op === 'conv2d').map((l) => l.def.name);
    throw badConvSize(flag, token, `names no conv layer of ${net.name} (conv layers: ${convs.join(', ')})`);
  }
  return {...hit.kernel.shape, layout: suffix.includes('nhwc') ? 'nhwc' : 'nchw'};
}

/** A conv2d size token, numeric or a named network layer. */
export function parseConvSize(token: string, flag = '--size'): ConvShape {
  const t = token.trim().toLowerCase();
  return t.includes('.') ? namedLayer(t, flag) : parseConvShape(token, flag);
}

const named = (tokens: string[]): ConvShape[] => tokens.map((t) => parseConvSize(t));

/** conv2d presets drawn from the networks, after the op's own (numeric) ones. */
export const netConvPresets: Record<string, ConvShape[]> = {
  standard: named([
    'alexnet.conv1',
    'alexnet.conv2',
    'alexnet-2012.conv2',
    'vgg16.conv2_1',
    'vgg16.conv3_1',
    'vgg16.conv4_2',
    'vgg16.conv5_1',
    'vgg16.conv3_1-nhwc',
  ]),
  alexnet: named(['alexnet.conv1', 'alexnet.conv2', 'alexnet.conv3', 'alexnet.conv4', 'alexnet.conv5']),
  // VGG-16's distinct 3×3 layers (the ones Winograd is built for).
  vgg16: named([
    'vgg16.conv1_1',
    'vgg16.conv1_2',
    'vgg16.conv2_1',
    'vgg16.conv2_2',
    'vgg16.conv3_1',
    'vgg16.conv3_2',
    'vgg16.conv4_1',
    'vgg16.conv4_2',
    'vgg16.conv5_1',
  ]),
};

const withNets = new WeakMap<OpDefinition, OpDefinition>();

/** The op as users name its sizes: conv2d also reads named layers and gains the network presets. */
export function withNetLayers(op: OpDefinition): OpDefinition {
  if (op.name !== 'conv2d') return op;
  let full = withNets.get(op);
  if (!full) {
    full = {...op, parseShape: (token) => parseConvSize(token), presets: {...op.presets, ...netConvPresets}};
    withNets.set(op, full);
  }
  return full;
}
