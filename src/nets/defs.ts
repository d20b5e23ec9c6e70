// Network definitions as plain data (no kernels imported): AlexNet as in torchvision (224×224) and
// as in the 2012 paper (227×227, conv2/4/5 split in two groups, LRN), VGG-11/13/16/19 (224×224).
// ReLU, dropout and flatten are their own rows so `dlbench net` can show what they cost.
export type LayerDef =
  | {type: 'conv'; name: string; k: number; r: number; stride?: number; pad?: number; groups?: number}
  | {type: 'relu'; name: string}
  | {type: 'maxpool'; name: string; size: number; stride: number}
  | {type: 'lrn'; name: string}
  | {type: 'fc'; name: string; out: number}
  | {type: 'dropout'; name: string}
  | {type: 'flatten'; name: string}
  | {type: 'softmax'; name: string};

export interface NetDef {
  name: string;
  title: string;
  /** C, H, W of one image. */
  input: [number, number, number];
  layers: LayerDef[];
}

const convRelu = (name: string, k: number, r: number, o: {stride?: number; pad?: number; groups?: number} = {}): LayerDef[] => [
  {type: 'conv', name: `conv${name}`, k, r, ...o},
  {type: 'relu', name: `relu${name}`},
];

const classifier = (dropoutFirst: boolean): LayerDef[] => [
  {type: 'flatten', name: 'flatten'},
  ...(dropoutFirst ? [{type: 'dropout', name: 'drop6'} as LayerDef] : []),
  {type: 'fc', name: 'fc6', out: 4096},
  {type: 'relu', name: 'relu6'},
  ...(dropoutFirst ? [] : [{type: 'dropout', name: 'drop6'} as LayerDef]),
  ...(dropoutFirst ? [{type: 'dropout', name: 'drop7'} as LayerDef] : []),
  {type: 'fc', name: 'fc7', out: 4096},
  {type: 'relu', name: 'relu7'},
  ...(dropoutFirst ? [] : [{type: 'dropout', name: 'drop7'} as LayerDef]),
  {type: 'fc', name: 'fc8', out: 1000},
  {type: 'softmax', name: 'prob'},
];

export const alexnet: NetDef = {
  name: 'alexnet',
  title: 'AlexNet (torchvision layout, 224×224)',
  input: [3, 224, 224],
  layers: [
    ...convRelu('1', 64, 11, {stride: 4, pad: 2}),
    {type: 'maxpool', name: 'pool1', size: 3, stride: 2},
    ...convRelu('2', 192, 5, {pad: 2}),
    {type: 'maxpool', name: 'pool2', size: 3, stride: 2},
    ...convRelu('3', 384, 3, {pad: 1}),
    ...convRelu('4', 256, 3, {pad: 1}),
    ...convRelu('5', 256, 3, {pad: 1}),
    {type: 'maxpool', name: 'pool5', size: 3, stride: 2},
    ...classifier(true),
  ],
};

export const alexnet2012: NetDef = {
  name: 'alexnet-2012',
  title: 'AlexNet (Krizhevsky et al. 2012: two groups, LRN, 227×227)',
  input: [3, 227, 227],
  layers: [
    ...convRelu('1', 96, 11, {stride: 4}),
    {type: 'lrn', name: 'norm1'},
    {type: 'maxpool', name: 'pool1', size: 3, stride: 2},
    ...convRelu('2', 256, 5, {pad: 2, groups: 2}),
    {type: 'lrn', name: 'norm2'},
    {type: 'maxpool', name: 'pool2', size: 3, stride: 2},
    ...convRelu('3', 384, 3, {pad: 1}),
    ...convRelu('4', 384, 3, {pad: 1, groups: 2}),
    ...convRelu('5', 256, 3, {pad: 1, groups: 2}),
    {type: 'maxpool', name: 'pool5', size: 3, stride: 2},
    ...classifier(false),
  ],
};

/** VGG configurations (Simonyan & Zisserman, table 1): channel counts per stage, 'M' = 2×2/2 max-pool. */
const VGG_STAGES: Record<string, number[]> = {
  vgg11: [1, 1, 2, 2, 2],
  vgg13: [2, 2, 2, 2, 2],
  vgg16: [2, 2, 3, 3, 3],
  vgg19: [2, 2, 4, 4, 4],
};
const VGG_WIDTHS = [64, 128, 256, 512, 512];

function vgg(name: string): NetDef {
  const layers: LayerDef[] = [];
  VGG_STAGES[name].forEach((count, stage) => {
    for (let i = 1; i <= count; i++) layers.push(...convRelu(`${stage + 1}_${i}`, VGG_WIDTHS[stage], 3, {pad: 1}));
    layers.push({type: 'maxpool', name: `pool${stage + 1}`, size: 2, stride: 2});
  });
  layers.push(...classifier(false));
  return {name, title: `VGG-${name.slice(3)} (224×224)`, input: [3, 224, 224], layers};
}

export const nets: NetDef[] = [alexnet, alexnet2012, ...Object.keys(VGG_STAGES).map(vgg)];

export function netNames(): string[] {
  return nets.map((n) => n.name);
}
