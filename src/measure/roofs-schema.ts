// The roofs cache file's one declaration (TypeBox, like the results file in core/results.ts): the
// types `dlbench machine` writes and the checker that reads a cache back. A cache of the wrong
// shape, version or syntax is "no cache" with a reason, never a crash in `dlbench run`.
import {Type, type Static} from '@sinclair/typebox';
import {TypeCompiler} from '@sinclair/typebox/compiler';

export const ROOFS_VERSION = 1;

const IsaSchema = Type.Union([Type.Literal('avx512'), Type.Literal('avx2'), Type.Literal('scalar')]);
const Positive = Type.Number({exclusiveMinimum: 0});
const Threads = Type.Integer({minimum: 1});

export const ComputeRoofSchema = Type.Object({
  /** 'js' is V8's scalar float64 mul+add; the others are the addon's FMA chains. */
  isa: Type.Union([IsaSchema, Type.Literal('js')]),
  dtype: Type.Union([Type.Literal('f32'), Type.Literal('f64')]),
  threads: Threads,
  gflops: Positive,
});

export const MemoryRoofSchema = Type.Object({
  kind: Type.Union([Type.Literal('stream-copy'), Type.Literal('stream-triad')]),
  threads: Threads,
  /** Bytes of each of the three arrays (several times the L3). */
  arrayBytes: Positive,
  gbps: Positive,
});

export const CacheRoofSchema = Type.Object({
  level: Type.Union([Type.Literal('L1'), Type.Literal('L2'), Type.Literal('L3')]),
  threads: Threads,
  /** Buffer each thread reads repeatedly (half its share of the cache). */
  bytesPerThread: Positive,
  gbps: Positive,
});

export const RoofsSchema = Type.Object({
  roofsVersion: Type.Literal(ROOFS_VERSION),
  fingerprint: Type.String({pattern: '^[0-9a-f]{16}$'}),
  measuredAt: Type.String(),
  durationMs: Type.Number({minimum: 0}),
  /** Shorter probes (`--quick`): fine for tests, noisier than a full measurement. */
  quick: Type.Boolean(),
  machine: Type.Object({
    cpu: Type.String(),
    cores: Threads,
    arch: Type.String(),
    caches: Type.Record(Type.String(), Type.String()),
    node: Type.String(),
    /** The clock for flops/cycle: measured by the addon's add chain where it can, else the nominal
     * one from /proc/cpuinfo or os.cpus() (a hypervisor may report its base clock); 0 when unknown. */
    mhz: Type.Optional(Type.Number({minimum: 0})),
    mhzSource: Type.Optional(Type.Union([Type.Literal('measured'), Type.Literal('nominal')])),
    /** Distinct (package, core) pairs in /proc/cpuinfo: threads beyond it share a core. */
    physicalCores: Type.Optional(Threads),
  }),
  threads: Type.Object({one: Type.Literal(1), all: Threads}),
  native: Type.Union([
    Type.Object({ok: Type.Literal(true), bestIsa: IsaSchema}),
    Type.Object({ok: Type.Literal(false), reason: Type.String()}),
  ]),
  compute: Type.Array(ComputeRoofSchema, {minItems: 1}),
  memory: Type.Array(MemoryRoofSchema),
  caches: Type.Array(CacheRoofSchema),
  /** Cached with `--force` despite these sanity or load problems. */
  forced: Type.Optional(Type.Array(Type.String())),
});

export type ComputeRoof = Static<typeof ComputeRoofSchema>;
export type MemoryRoof = Static<typeof MemoryRoofSchema>;
export type CacheRoof = Static<typeof CacheRoofSchema>;
export type Roofs = Static<typeof RoofsSchema>;

const checker = TypeCompiler.Compile(RoofsSchema);

/** The cache text as Roofs, or why it is not one (a single line naming the first problem). */
export function parseRoofsCache(text: string): {ok: true; roofs: Roofs} | {ok: false; reason: string} {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return {ok: false, reason: `not JSON (${(e as Error).message})`};
  }
  const version = (value as {roofsVersion?: unknown} | null)?.roofsVersion;
  if (version !== ROOFS_VERSION) {
    return {ok: false, reason: `roofsVersion ${JSON.stringify(version)}, this dlbench reads ${ROOFS_VERSION}`};
  }
  const err = checker.Errors(value).First();
  if (err) return {ok: false, reason: `wrong shape at ${err.path || '/'}: ${err.message}`};
  return {ok: true, roofs: value as Roofs};
}
