// Which core a result came from: the CPU's family/model/stepping (from /proc/cpuinfo) and a small
// table naming the microarchitecture. The model name alone ("AMD EPYC") often does not say it.
// Kept small on purpose: anything not listed is "unknown" rather than a guess.

export interface CpuId {
  vendor: string;
  family: number;
  model: number;
  stepping: number;
  microarch: string;
}

/** Intel family 6 models of recent cores (SDM vol. 4 / Linux intel-family.h). */
const INTEL_FAMILY6: [models: number[], name: string][] = [
  [[0x3c, 0x3f, 0x45, 0x46], 'Haswell'],
  [[0x3d, 0x47, 0x4f, 0x56], 'Broadwell'],
  [[0x4e, 0x5e], 'Skylake'],
  [[0x55], 'Skylake-SP/Cascade Lake'],
  [[0x8e, 0x9e], 'Kaby/Coffee Lake'],
  [[0x6a, 0x6c, 0x7d, 0x7e], 'Ice Lake'],
  [[0x8c, 0x8d], 'Tiger Lake'],
  [[0x8f], 'Sapphire Rapids'],
  [[0xcf], 'Emerald Rapids'],
  [[0xad, 0xae], 'Granite Rapids'],
  [[0x97, 0x9a], 'Alder Lake'],
  [[0xb7, 0xba, 0xbf], 'Raptor Lake'],
  [[0xaa, 0xac], 'Meteor Lake'],
];

/** The microarchitecture for a vendor/family/model, or 'unknown'. */
export function microarch(vendor: string, family: number, model: number): string {
  if (vendor === 'AuthenticAMD') {
    if (family === 0x17) return 'Zen/Zen 2';
    if (family === 0x19) {
      // Zen 3: Milan 0x01, Vermeer 0x21, Rembrandt 0x44, Cezanne 0x50; Zen 4: Genoa 0x11, Raphael 0x61, Phoenix 0x74, Bergamo 0xa0.
      if (model <= 0x0f || (model >= 0x20 && model <= 0x5f)) return 'Zen 3';
      if ((model >= 0x10 && model <= 0x1f) || (model >= 0x60 && model <= 0x7f) || (model >= 0xa0 && model <= 0xaf))
        return 'Zen 4';
      return 'unknown';
    }
    if (family === 0x1a) return 'Zen 5';
    return 'unknown';
  }
  if (vendor === 'GenuineIntel' && family === 6) return INTEL_FAMILY6.find(([ms]) => ms.includes(model))?.[1] ?? 'unknown';
  return 'unknown';
}

/** Parses the first processor of /proc/cpuinfo text; undefined when the fields are missing (not x86 Linux). */
export function parseCpuId(cpuinfo: string): CpuId | undefined {
  const field = (name: string): string | undefined =>
    cpuinfo
      .split('\n')
      .find((l) => l.split(':')[0].trim() === name)
      ?.split(':')[1]
      ?.trim();
  const vendor = field('vendor_id');
  const family = Number(field('cpu family'));
  const model = Number(field('model'));
  const stepping = Number(field('stepping'));
  if (!vendor || !Number.isInteger(family) || !Number.isInteger(model)) return undefined;
  return {
    vendor,
    family,
    model,
    stepping: Number.isInteger(stepping) ? stepping : -1,
    microarch: microarch(vendor, family, model),
  };
}

/** The vector ISA a CPU flag list or an OpenBLAS kernel name stands for, as a rank (higher = wider). */
const ISA_RANK = {sse: 1, avx: 2, avx2: 3, avx512: 4} as const;
export type VectorIsa = keyof typeof ISA_RANK;

export function isaOfFlags(flags: readonly string[]): VectorIsa | undefined {
  if (flags.includes('avx512f')) return 'avx512';
  if (flags.includes('avx2')) return 'avx2';
  if (flags.includes('avx')) return 'avx';
  if (flags.includes('sse4_2')) return 'sse';
  return undefined;
}

/** OpenBLAS x86 core names (its DYNAMIC_ARCH targets) by the widest ISA their kernels use. */
export function isaOfOpenBlasCore(core: string): VectorIsa | undefined {
  const c = core.toLowerCase();
  if (/^(skylakex|cooperlake|sapphirerapids)$/.test(c)) return 'avx512';
  if (/^(haswell|zen|excavator)$/.test(c)) return 'avx2';
  if (/^(sandybridge|bulldozer|piledriver|steamroller)$/.test(c)) return 'avx';
  if (/^(katmai|coppermine|northwood|prescott|banias|core2|penryn|dunnington|nehalem|atom|opteron|barcelona|bobcat|nano)/.test(c))
    return 'sse';
  return undefined;
}

export function isaBelow(a: VectorIsa, b: VectorIsa): boolean {
  return ISA_RANK[a] < ISA_RANK[b];
}
