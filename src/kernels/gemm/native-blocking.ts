// The native GEMM's cache blocks from the machine, not the source: an analytical model in the
// BLIS manner (Low et al., "Analytical modeling is enough for high-performance BLIS", 2016),
// adapted to this driver's loop order (ir outer, jr inner: an A sliver stays in L1 while the B
// slivers of one block stream through it from L2). Inputs are the cache sizes (sysfs, else CPUID,
// else the Zen 4 sizes the compiled constants were tuned on); docs/native.md has the derivation.
import {existsSync, readdirSync, readFileSync} from 'node:fs';

export interface CacheSizes {
  /** Bytes of one core's L1 data cache, its L2, and the L3 it shares. */
  L1d: number;
  L2: number;
  L3: number;
  /** Where the sizes came from: 'sysfs', 'cpuid', or 'default (Zen 4)' when neither said. */
  source: string;
}

export type Split = 'auto' | 'columns' | 'rows';
export const SPLIT_CODE: Record<Split, number> = {auto: 0, columns: 1, rows: 2};

export interface Blocking {
  mc: number;
  kc: number;
  nc: number;
  split: Split;
}

export interface ModelBlocking extends Blocking {
  /** One line per block: the rule and the numbers behind it. */
  why: string[];
}

/** The sizes the compiled constants were chosen for (Zen 4: 32 KiB L1d, 1 MiB L2, 32 MiB L3). */
export const ZEN4_CACHES: CacheSizes = {L1d: 32 * 1024, L2: 1024 * 1024, L3: 32 * 1024 * 1024, source: 'default (Zen 4)'};

/** Share of L1d the A sliver may take: the rest holds the B sliver's lines in flight and the C tile. */
const L1_SHARE = 9 / 16;
/** Share of L2 the packed B block may take: the rest is the A sliver passing through and C. */
const L2_SHARE = 3 / 4;
/** Share of L3 the packed A block may take, and a cap: a VM's CPUID may report the whole package's L3. */
const L3_SHARE = 3 / 16;
const A_BLOCK_CAP = 6 * 1024 * 1024;
/** Fewest B columns per block: each B block re-reads the whole A block from L3, so a narrower one costs L3 traffic. */
const NC_MIN = 512;
const F32 = 4;

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
const lcm = (a: number, b: number): number => (a / gcd(a, b)) * b;
const KiB = (bytes: number): string => `${Math.round(bytes / 1024)} KiB`;

/**
 * MC, KC, NC for an MR×NR micro-kernel on caches of these sizes:
 * - KC: the A sliver (MR·KC floats) fills L1_SHARE of L1d, but no deeper than lets a B block of
 *   NC_MIN columns fit L2_SHARE of L2; a multiple of 16;
 * - NC: the B block (KC·NC) fills L2_SHARE of L2, whole NR slivers;
 * - MC: the A block (MC·KC) fills L3_SHARE of L3 (at most A_BLOCK_CAP), a multiple of MR and 16.
 * Split 'auto': column bands (each core packs its own B block into its own L2, all share the A
 * block in L3) whenever N has two slivers per thread, else row bands.
 */
export function blockingModel(tile: {mr: number; nr: number}, caches: CacheSizes): ModelBlocking {
  const {mr, nr} = tile;
  const kcL1 = Math.floor((caches.L1d * L1_SHARE) / (F32 * mr) / 16) * 16;
  const kcL2 = Math.floor((caches.L2 * L2_SHARE) / (F32 * NC_MIN) / 16) * 16;
  const kc = Math.max(16, Math.min(kcL1, kcL2));
  const nc = Math.max(nr, Math.floor((caches.L2 * L2_SHARE) / (F32 * kc) / nr) * nr);
  const aBytes = Math.min(caches.L3 * L3_SHARE, A_BLOCK_CAP);
  const q = lcm(mr, 16);
  const mc = Math.max(q, Math.floor(aBytes / (F32 * kc) / q) * q);
  return {
    mc,
    kc,
    nc,
    split: 'auto',
    why: [
      `caches from ${caches.source}: L1d ${KiB(caches.L1d)}, L2 ${KiB(caches.L2)}, L3 ${KiB(caches.L3)}`,
      kcL1 <= kcL2
        ? `KC ${kc}: the ${mr}-row A sliver (${KiB(F32 * mr * kc)}) fills ${L1_SHARE * 16}/16 of L1d`
        : `KC ${kc}: capped so a B block of ${NC_MIN} columns fits ${L2_SHARE * 4}/4 of L2 (L1d alone would allow ${kcL1})`,
      `NC ${nc}: the B block (${KiB(F32 * kc * nc)}) fills ${L2_SHARE * 4}/4 of L2 in whole ${nr}-column slivers`,
      `MC ${mc}: the A block (${KiB(F32 * mc * kc)}) fills ${L3_SHARE * 16}/16 of L3 (at most ${KiB(A_BLOCK_CAP)}) in multiples of ${q} rows`,
      'split auto: column bands (each core its own B block in its own L2, one shared A block) when N has 2 slivers per thread, else row bands',
    ],
  };
}

function parseSize(text: string): number | undefined {
  const m = /^(\d+)\s*([KMG]?)/i.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * ({'': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3}[m[2].toUpperCase()] ?? 1);
}

/** sysfs's sizes for cpu0 (L1d, L2, L3), or undefined for a level it does not list. */
export function sysfsCaches(dir = '/sys/devices/system/cpu/cpu0/cache'): Partial<Record<'L1d' | 'L2' | 'L3', number>> {
  const out: Partial<Record<'L1d' | 'L2' | 'L3', number>> = {};
  if (!existsSync(dir)) return out;
  try {
    for (const entry of readdirSync(dir).filter((d) => d.startsWith('index'))) {
      const read = (f: string): string => readFileSync(`${dir}/${entry}/${f}`, 'utf8').trim();
      const type = read('type');
      if (type === 'Instruction') continue;
      const level = read('level');
      const name = level === '1' ? 'L1d' : level === '2' ? 'L2' : level === '3' ? 'L3' : undefined;
      const size = parseSize(read('size'));
      if (name && size) out[name] = size;
    }
  } catch {
    // Hidden or partial sysfs: the levels read so far stand, CPUID fills the rest.
  }
  return out;
}

/** Each level from sysfs, else CPUID, else Zen 4's; the source names what was used. */
export function machineCaches(
  sysfs: Partial<Record<'L1d' | 'L2' | 'L3', number>>,
  cpuid: Partial<Record<'L1d' | 'L2' | 'L3', number>>,
): CacheSizes {
  const from = new Set<string>();
  const level = (name: 'L1d' | 'L2' | 'L3'): number => {
    const s = sysfs[name],
      c = cpuid[name];
    if (s && s > 0) {
      from.add('sysfs');
      return s;
    }
    if (c && c > 0) {
      from.add('cpuid');
      return c;
    }
    from.add('default (Zen 4)');
    return ZEN4_CACHES[name];
  };
  const L1d = level('L1d'),
    L2 = level('L2'),
    L3 = level('L3');
  return {L1d, L2, L3, source: [...from].join(' + ')};
}
