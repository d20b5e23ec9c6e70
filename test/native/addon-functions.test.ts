// The addon's functions are listed once, in src/native/napi_functions.h (the C module init registers
// from it). loader.ts's NativeAddon interface types them by hand, so it must name exactly the same
// functions: one missing on either side is a call that types but throws, or C code nothing reaches.
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import ts from 'typescript';
import {describe, expect, it} from 'vitest';
import {loadNative} from '../../src/native/loader.js';

const nativeSrc = fileURLToPath(new URL('../../src/native/', import.meta.url));

function headerNames(): string[] {
  const text = readFileSync(path.join(nativeSrc, 'napi_functions.h'), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
  return [...text.matchAll(/^\s*DLB_FN\(\s*(\w+)\s*,\s*\w+\s*\)/gm)].map((m) => m[1]);
}

function interfaceNames(): string[] {
  const file = path.join(nativeSrc, 'loader.ts');
  const src = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const decl = src.statements.find(
    (s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === 'NativeAddon',
  );
  if (!decl) throw new Error('loader.ts has no NativeAddon interface');
  return decl.members.map((m) => (m.name && ts.isIdentifier(m.name) ? m.name.text : '?'));
}

describe('addon function table', () => {
  const header = headerNames();

  it('napi_functions.h lists each function once', () => {
    expect(header.length).toBeGreaterThan(20);
    expect(new Set(header).size).toBe(header.length);
  });

  it("loader.ts's NativeAddon names exactly the header's functions", () => {
    expect([...interfaceNames()].sort()).toEqual([...header].sort());
  });

  const n = loadNative();
  it.skipIf(!n.ok)("the built addon exports exactly the header's functions", () => {
    if (!n.ok) return;
    expect(Object.getOwnPropertyNames(n.addon).sort()).toEqual([...header].sort());
  });
});
