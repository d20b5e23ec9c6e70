#!/usr/bin/env node
// Anchor for `dlbench net`: the same networks (built from dlbench's own definitions in
// dist/nets/defs.js, so the shapes cannot drift) written as ONNX models and timed by
// onnxruntime-node's forward pass at batch 1. No project dependency: the ONNX protobuf is
// encoded here by hand, and onnxruntime-node is loaded from a scratch directory outside the repo:
//
//   mkdir /work/ort && cd /work/ort && npm init -y && ONNXRUNTIME_NODE_INSTALL=skip npm i onnxruntime-node@1.30.0
//   npm run build     # in the repo: dist/nets/defs.js
//   ORT_DIR=/work/ort node bench/anchors/onnx-nets.mjs alexnet,vgg16 --threads 1,2 --runs 30
//
// Prints one line per (net, threads): p50 / p90 / min over back-to-back runs after a warm-up,
// the same statistics `dlbench net` prints for its end-to-end pass. With --dlbench, dlbench's own
// forward pass (the kernels `dlbench net` picks: conv auto, the fastest GEMM engine) runs in the
// same process, alternating pass by pass with onnxruntime's, so both see the same machine load;
// then a line per runtime and the ratio of the p50s and of the minima. Models are written to
// $TMPDIR (or /tmp) as <net>.onnx and rebuilt when missing.
import {existsSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const {nets} = await import(path.join(here, '../../dist/nets/defs.js'));

// ---- protobuf encoding (wire types 0: varint, 2: length-delimited, 5: 32-bit) ----
function varint(n) {
  const out = [];
  let v = BigInt(n);
  if (v < 0n) v += 1n << 64n;
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return Buffer.from(out);
}
const key = (field, wire) => varint((field << 3) | wire);
const int = (field, n) => Buffer.concat([key(field, 0), varint(n)]);
const bytes = (field, buf) => Buffer.concat([key(field, 2), varint(buf.length), buf]);
const str = (field, s) => bytes(field, Buffer.from(s, 'utf8'));
const msg = (field, parts) => bytes(field, Buffer.concat(parts));
function f32(field, x) {
  const b = Buffer.alloc(4);
  b.writeFloatLE(x);
  return Buffer.concat([key(field, 5), b]);
}

// AttributeProto: name 1, f 2, i 3, ints 8, type 20 (FLOAT 1, INT 2, INTS 7).
const attrInt = (name, i) => msg(5, [str(1, name), int(3, i), int(20, 2)]);
const attrFloat = (name, x) => msg(5, [str(1, name), f32(2, x), int(20, 1)]);
const attrInts = (name, xs) => msg(5, [str(1, name), ...xs.map((x) => int(8, x)), int(20, 7)]);
// NodeProto (graph field 1): input 1, output 2, name 3, op_type 4, attribute 5.
const node = (op, name, inputs, outputs, attrs = []) =>
  msg(1, [...inputs.map((s) => str(1, s)), ...outputs.map((s) => str(2, s)), str(3, name), str(4, op), ...attrs]);
// TensorProto (graph field 5): dims 1, data_type 2 (FLOAT 1), name 8, raw_data 9.
const tensor = (name, dims, data) =>
  msg(5, [
    ...dims.map((d) => int(1, d)),
    int(2, 1),
    str(8, name),
    bytes(9, Buffer.from(data.buffer, data.byteOffset, data.byteLength)),
  ]);
// ValueInfoProto: name 1, type 2 → TypeProto.tensor_type 1 → elem_type 1, shape 2 → dim 1 → dim_value 1.
const valueInfo = (field, name, dims) =>
  msg(field, [
    str(1, name),
    msg(2, [
      msg(1, [
        int(1, 1),
        msg(
          2,
          dims.map((d) => msg(1, [int(1, d)])),
        ),
      ]),
    ]),
  ]);

/** Kaiming-uniform-like values from a small LCG: the values do not change the timing, only their range. */
function fill(n, fanIn, seed) {
  const a = new Float32Array(n);
  const bound = 1 / Math.sqrt(fanIn);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = (s / 2 ** 32 - 0.5) * 2 * bound;
  }
  return a;
}

/** The ONNX model of one dlbench network at batch 1, NCHW, fc weights OUT×IN with Gemm transB=1 (as PyTorch exports). */
function buildModel(net) {
  let [c, h, w] = net.input;
  const nodes = [],
    inits = [];
  let x = 'input',
    flat = 0,
    seed = 1;
  for (const l of net.layers) {
    const y = l.name;
    switch (l.type) {
      case 'conv': {
        const s = l.stride ?? 1,
          p = l.pad ?? 0,
          g = l.groups ?? 1;
        const cg = c / g;
        inits.push(tensor(`${y}.w`, [l.k, cg, l.r, l.r], fill(l.k * cg * l.r * l.r, cg * l.r * l.r, seed++)));
        inits.push(tensor(`${y}.b`, [l.k], fill(l.k, cg * l.r * l.r, seed++)));
        nodes.push(
          node(
            'Conv',
            y,
            [x, `${y}.w`, `${y}.b`],
            [y],
            [
              attrInts('kernel_shape', [l.r, l.r]),
              attrInts('strides', [s, s]),
              attrInts('pads', [p, p, p, p]),
              attrInt('group', g),
            ],
          ),
        );
        c = l.k;
        h = Math.floor((h + 2 * p - l.r) / s) + 1;
        w = Math.floor((w + 2 * p - l.r) / s) + 1;
        break;
      }
      case 'relu':
        nodes.push(node('Relu', y, [x], [y]));
        break;
      case 'maxpool':
        nodes.push(
          node('MaxPool', y, [x], [y], [attrInts('kernel_shape', [l.size, l.size]), attrInts('strides', [l.stride, l.stride])]),
        );
        h = Math.floor((h - l.size) / l.stride) + 1;
        w = Math.floor((w - l.size) / l.stride) + 1;
        break;
      case 'lrn':
        nodes.push(
          node('LRN', y, [x], [y], [attrInt('size', 5), attrFloat('alpha', 1e-4), attrFloat('beta', 0.75), attrFloat('bias', 2)]),
        );
        break;
      case 'flatten':
        nodes.push(node('Flatten', y, [x], [y], [attrInt('axis', 1)]));
        flat = c * h * w;
        break;
      case 'dropout':
        continue; // the identity at inference
      case 'fc': {
        inits.push(tensor(`${y}.w`, [l.out, flat], fill(l.out * flat, flat, seed++)));
        inits.push(tensor(`${y}.b`, [l.out], fill(l.out, flat, seed++)));
        nodes.push(node('Gemm', y, [x, `${y}.w`, `${y}.b`], [y], [attrInt('transB', 1)]));
        flat = l.out;
        break;
      }
      case 'softmax':
        nodes.push(node('Softmax', y, [x], [y], [attrInt('axis', 1)]));
        break;
      default:
        throw new Error(`layer type ${l.type} has no ONNX form here`);
    }
    x = y;
  }
  const graph = msg(7, [
    ...nodes,
    str(2, net.name),
    ...inits,
    valueInfo(11, 'input', [1, ...net.input]),
    valueInfo(12, x, [1, flat]),
  ]);
  // ModelProto: ir_version 1, producer_name 2, graph 7, opset_import 8 (version 2).
  return Buffer.concat([int(1, 8), str(2, 'dlbench-anchor'), graph, msg(8, [str(1, ''), int(2, 17)])]);
}

function parseArgs(argv) {
  const o = {nets: ['alexnet', 'vgg16'], threads: [1, 2], runs: 30, warmup: 3, dlbench: false};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--threads') o.threads = argv[++i].split(',').map(Number);
    else if (a === '--runs') o.runs = Number(argv[++i]);
    else if (a === '--warmup') o.warmup = Number(argv[++i]);
    else if (a === '--dlbench') o.dlbench = true;
    else if (!a.startsWith('-')) o.nets = a.split(',');
    else throw new Error(`unknown flag ${a}. Valid: <nets> --threads 1,2 --runs N --warmup N --dlbench`);
  }
  return o;
}

const q = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];

const opts = parseArgs(process.argv.slice(2));
const ortDir = process.env.ORT_DIR ?? '/work/ort';
const ort = createRequire(path.join(ortDir, 'package.json'))('onnxruntime-node');
const version = createRequire(path.join(ortDir, 'package.json'))('onnxruntime-node/package.json').version;
console.log(
  `onnxruntime-node ${version}; ${os.cpus()[0]?.model}; load ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
for (const name of opts.nets) {
  const net = nets.find((n) => n.name === name);
  if (!net) throw new Error(`unknown net ${name}. Valid: ${nets.map((n) => n.name).join(', ')}`);
  const file = path.join(process.env.TMPDIR ?? '/tmp', `dlbench-anchor-${name}.onnx`);
  if (!existsSync(file)) writeFileSync(file, buildModel(net));
  const input = new ort.Tensor(
    'float32',
    fill(
      net.input.reduce((a, b) => a * b, 1),
      1,
      7,
    ),
    [1, ...net.input],
  );
  for (const threads of opts.threads) {
    const session = await ort.InferenceSession.create(file, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
    const feeds = {[session.inputNames[0]]: input};
    const runners = {onnxruntime: () => session.run(feeds)};
    let dl;
    if (opts.dlbench) {
      const {prepareForward} = await import(path.join(here, '../../dist/nets/run-net.js'));
      const {resolveChoice} = await import(path.join(here, '../../dist/nets/kernels.js'));
      const caps = {threads};
      dl = await prepareForward(net, 1, resolveChoice('auto', undefined, caps), 42, caps);
      runners.dlbench = () => dl.run();
    }
    for (let i = 0; i < opts.warmup; i++) for (const f of Object.values(runners)) await f();
    const times = Object.fromEntries(Object.keys(runners).map((k) => [k, []]));
    for (let i = 0; i < opts.runs; i++)
      for (const [k, f] of Object.entries(runners)) {
        const t0 = performance.now();
        await f();
        times[k].push(performance.now() - t0);
      }
    for (const [k, t] of Object.entries(times)) {
      t.sort((a, b) => a - b);
      console.log(
        `${name} threads ${threads} ${k}: p50 ${q(t, 0.5).toFixed(2)} ms, p90 ${q(t, 0.9).toFixed(2)} ms, min ${t[0].toFixed(2)} ms (${opts.runs} runs)`,
      );
    }
    if (dl) {
      const [o, d] = [times.onnxruntime, times.dlbench];
      console.log(
        `${name} threads ${threads} dlbench / onnxruntime: p50 ${(q(d, 0.5) / q(o, 0.5)).toFixed(3)}, min ${(d[0] / o[0]).toFixed(3)}`,
      );
      await dl.dispose();
    }
    await session.release();
  }
}
