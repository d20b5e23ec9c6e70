import {describe, expect, it} from 'vitest';
import {isaBelow, isaOfFlags, isaOfOpenBlasCore, microarch, parseCpuId} from '../../src/measure/cpu-id.js';

describe('CPU microarchitecture', () => {
  it.each([
    ['AuthenticAMD', 25, 0x01, 'Zen 3'], // Milan
    ['AuthenticAMD', 25, 0x21, 'Zen 3'], // Vermeer
    ['AuthenticAMD', 25, 0x50, 'Zen 3'], // Cezanne
    ['AuthenticAMD', 25, 0x11, 'Zen 4'], // Genoa
    ['AuthenticAMD', 25, 0x61, 'Zen 4'], // Raphael
    ['AuthenticAMD', 25, 0xa0, 'Zen 4'], // Bergamo
    ['AuthenticAMD', 25, 0x90, 'unknown'],
    ['AuthenticAMD', 26, 0x02, 'Zen 5'],
    ['AuthenticAMD', 16, 0x02, 'unknown'],
    ['GenuineIntel', 6, 0x55, 'Skylake-SP/Cascade Lake'],
    ['GenuineIntel', 6, 0x8f, 'Sapphire Rapids'],
    ['GenuineIntel', 6, 0x3f, 'Haswell'],
    ['GenuineIntel', 6, 0x97, 'Alder Lake'],
    ['GenuineIntel', 6, 0x01, 'unknown'],
    ['GenuineIntel', 15, 0x04, 'unknown'],
    ['CentaurHauls', 6, 0x0f, 'unknown'],
  ])('%s family %i model %i is %s', (vendor, family, model, name) => {
    expect(microarch(vendor, family, model)).toBe(name);
  });

  it('parses the first processor of /proc/cpuinfo', () => {
    const text = [
      'processor\t: 0',
      'vendor_id\t: AuthenticAMD',
      'cpu family\t: 25',
      'model\t\t: 17',
      'model name\t: AMD EPYC 9654 96-Core Processor',
      'stepping\t: 1',
      '',
      'processor\t: 1',
      'vendor_id\t: GenuineIntel',
    ].join('\n');
    expect(parseCpuId(text)).toEqual({vendor: 'AuthenticAMD', family: 25, model: 17, stepping: 1, microarch: 'Zen 4'});
  });

  it('gives undefined where cpuinfo has no x86 identity (an Arm board)', () => {
    expect(parseCpuId('processor\t: 0\nBogoMIPS\t: 48.00\nFeatures\t: fp asimd\n')).toBeUndefined();
  });
});

describe('vector ISA of a CPU and of an OpenBLAS kernel', () => {
  it('takes the widest flag', () => {
    expect(isaOfFlags(['sse4_2', 'avx', 'avx2', 'fma', 'avx512f'])).toBe('avx512');
    expect(isaOfFlags(['sse4_2', 'avx', 'avx2'])).toBe('avx2');
    expect(isaOfFlags(['neon'])).toBeUndefined();
  });

  it('names OpenBLAS cores by ISA, case-insensitively', () => {
    expect(isaOfOpenBlasCore('Haswell')).toBe('avx2');
    expect(isaOfOpenBlasCore('Zen')).toBe('avx2');
    expect(isaOfOpenBlasCore('Cooperlake')).toBe('avx512');
    expect(isaOfOpenBlasCore('SkylakeX')).toBe('avx512');
    expect(isaOfOpenBlasCore('Sandybridge')).toBe('avx');
    expect(isaOfOpenBlasCore('Nehalem')).toBe('sse');
    expect(isaOfOpenBlasCore('ARMV8')).toBeUndefined();
  });

  it('orders ISAs', () => {
    expect(isaBelow('avx2', 'avx512')).toBe(true);
    expect(isaBelow('avx512', 'avx512')).toBe(false);
    expect(isaBelow('avx512', 'sse')).toBe(false);
  });
});
