// Shape inference over a network: per layer, its output shape, weights, activation memory and
// FLOPs, and the kernel-level shape (a conv2d or layer problem) that runs it. No kernels run here:
// this is all `dlbench net --summary` needs, and the plan the timed run follows. A layout
// (NCHW default, or NHWC) goes into every 4-D kernel shape; shapes here stay listed N, C, H, W.
import {UsageError} from '../core/errors.js';
import {conv, convSpec, outDims, type ConvShape} from '../kernels/conv2d/spec.js';
import {layerSpec, poolOut, type LayerShape} from '../kernels/layers/spec.js';
import type {NetLayout} from './layout.js';
import {nets, netNames, type LayerDef, type NetDef} from './defs.js';

export interface LayerPlan {
  index: number;
  def: LayerDef;
  /** [N, C, H, W] (in that order whatever the layout) or [N, D] after flatten/fc. */
  inShape: number[];
  outShape: number[];
  /** Weights alone (the seeds' count: R·S·C/g·K, IN·OUT) and weights + biases. */
  weights: number;
  params: number;
  /** Output values (the seeds' "memory") and their bytes in fp32. */
  activations: number;
  activationBytes: number;
  flops: number;
  macs: number;
  bytes: number;
  /** Memory layout of the 4-D activations (and conv weights: KCRS for NCHW, RSCK for NHWC). */
  layout: NetLayout;
  /** NHWC only, on an fc layer fed by a flattened 4-D tensor: that tensor's [C, H, W] (its weight rows follow H·W·C order). */
  flattenedFrom?: [number, number, number];
  /** The problem the layer's kernel solves; absent for identities (dropout, flatten). */
  kernel?: {op: 'conv2d'; shape: ConvShape} | {op: 'layer'; shape: LayerShape};
}

export function findNet(name: string, flag = 'NET'): NetDef {
  const net = nets.find((n) => n.name === name.toLowerCase());
  if (!net) throw new UsageError(`${flag}: unknown network '${name}'. Valid: ${netNames().join(', ')}`);
  return net;
}

const prod = (xs: number[]) => xs.reduce((a, b) => a * b, 1);

export function planNet(net: NetDef, batch: number, layout: NetLayout = 'nchw'): LayerPlan[] {
  let shape = [batch, ...net.input];
  const plans: LayerPlan[] = [];
  // Layer shapes name NHWC explicitly; NCHW stays the unmarked default of the layer op.
  const lay = layout === 'nhwc' ? {layout} : {};
  // The last 4-D shape before a flatten, while no fc has consumed it yet.
  let flattened: [number, number, number] | undefined;
  net.layers.forEach((def, index) => {
    const inShape = shape;
    let outShape = inShape,
      weights = 0,
      params = 0;
    let kernel: LayerPlan['kernel'];
    let flattenedFrom: LayerPlan['flattenedFrom'];
    const [n, c, h, w] = inShape;
    switch (def.type) {
      case 'conv': {
        const cs = conv({
          n,
          c,
          h,
          w,
          k: def.k,
          r: def.r,
          stride: def.stride ?? 1,
          pad: def.pad ?? 0,
          groups: def.groups ?? 1,
          layout,
        });
        const {P, Q} = outDims(cs);
        outShape = [n, def.k, P, Q];
        weights = def.k * (c / cs.groups) * def.r * def.r;
        params = weights + def.k;
        kernel = {op: 'conv2d', shape: cs};
        break;
      }
      case 'maxpool':
        outShape = [n, c, poolOut(h, def.size, def.stride), poolOut(w, def.size, def.stride)];
        kernel = {op: 'layer', shape: {kind: 'maxpool', n, c, h, w, size: def.size, stride: def.stride, ...lay}};
        break;
      case 'relu':
        // ReLU runs on the flat tensor: any rank maps onto N×C×H×W with trailing ones.
        kernel = {
          op: 'layer',
          shape: {kind: 'relu', n, c: inShape[1], h: inShape[2] ?? 1, w: inShape[3] ?? 1, ...(inShape.length === 4 ? lay : {})},
        };
        break;
      case 'lrn':
        kernel = {op: 'layer', shape: {kind: 'lrn', n, c, h, w, ...lay}};
        break;
      case 'fc': {
        const inF = prod(inShape.slice(1));
        outShape = [n, def.out];
        weights = inF * def.out;
        params = weights + def.out;
        kernel = {op: 'layer', shape: {kind: 'fc', n, in: inF, out: def.out}};
        if (layout === 'nhwc' && flattened) flattenedFrom = flattened;
        flattened = undefined;
        break;
      }
      case 'flatten':
        outShape = [n, prod(inShape.slice(1))];
        if (inShape.length === 4) flattened = [c, h, w];
        break;
      case 'dropout':
        break;
      case 'softmax':
        kernel = {op: 'layer', shape: {kind: 'softmax', n, d: prod(inShape.slice(1))}};
        break;
    }
    const activations = prod(outShape);
    let flops = 0,
      macs = 0,
      bytes = 0;
    if (kernel?.op === 'conv2d') {
      // The conv layer also adds its bias: one more add per output.
      flops = convSpec.flops(kernel.shape) + activations;
      macs = convSpec.macs(kernel.shape);
      bytes = convSpec.bytes(kernel.shape) + 4 * kernel.shape.k;
    } else if (kernel) {
      flops = layerSpec.flops(kernel.shape);
      macs = layerSpec.macs(kernel.shape);
      bytes = layerSpec.bytes(kernel.shape);
    }
    plans.push({
      index,
      def,
      inShape,
      outShape,
      weights,
      params,
      activations,
      activationBytes: 4 * activations,
      flops,
      macs,
      bytes,
      layout,
      ...(flattenedFrom ? {flattenedFrom} : {}),
      kernel,
    });
    shape = outShape;
  });
  return plans;
}

/** Layer family for the time shares: conv, fc, or everything else. */
export function family(def: LayerDef): 'conv' | 'fc' | 'other' {
  return def.type === 'conv' ? 'conv' : def.type === 'fc' ? 'fc' : 'other';
}
