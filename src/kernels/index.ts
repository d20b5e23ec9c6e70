// Every op dlbench knows. Adding an op means adding its definition here and nowhere else.
import type {OpDefinition} from '../core/types.js';
import {conv2d} from './conv2d/index.js';
import {gemm} from './gemm/index.js';
import {layer} from './layers/index.js';
import {svd} from './svd/index.js';

export const ops: OpDefinition[] = [gemm, conv2d, svd, layer];
