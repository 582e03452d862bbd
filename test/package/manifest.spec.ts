import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';

const root = join(process.cwd());
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

function importedPackages(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  const specifiers = [...source.matchAll(/(?:from|import)\s+'([^']+)'/g)].map((match) => match[1]);
  return specifiers
    .filter(
      (spec) =>
        !spec.startsWith('.') && !spec.startsWith('node:') && !builtinModules.includes(spec),
    )
    .map((spec) =>
      spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0],
    );
}

describe('package manifest', () => {
  const libFiles = sourceFiles(join(root, 'lib'));

  it('declares every package lib/ imports as a dependency or peer dependency', () => {
    const declared = new Set([
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.peerDependencies ?? {}),
    ]);
    const imported = new Set(libFiles.flatMap(importedPackages));
    expect(imported.size).toBeGreaterThan(0);
    expect([...imported].filter((name) => !declared.has(name))).toEqual([]);
  });

  it('imports packages from their roots only', () => {
    const deep = libFiles.flatMap((file) =>
      importedPackages(file).length === 0
        ? []
        : [...readFileSync(file, 'utf8').matchAll(/from\s+'(@nestjs\/[^']+)'/g)]
            .map((match) => match[1])
            .filter((spec) => spec.split('/').length > 2),
    );
    expect(deep).toEqual([]);
  });

  it('keeps the policy engine free of Nest', () => {
    const engine = libFiles.filter((file) => /[/\\](policy|routing)[/\\]/.test(file));
    expect(engine.length).toBeGreaterThan(3);
    for (const file of engine) {
      expect({
        file,
        nest: importedPackages(file).filter((name) => name.startsWith('@nestjs/')),
      }).toEqual({
        file,
        nest: [],
      });
    }
  });

  it('has an exports map with types, import and default, and ./package.json', () => {
    expect(manifest.type).toBe('module');
    expect(manifest.exports['.']).toEqual({
      types: './dist/index.d.ts',
      import: './dist/index.js',
      default: './dist/index.js',
    });
    expect(manifest.exports['./package.json']).toBe('./package.json');
    expect(manifest.files).toEqual(['dist']);
  });

  it('declares the engines and the peer ranges of NestJS 12', () => {
    expect(manifest.engines.node).toBe('^20.19.0 || ^22.12.0 || >=24');
    expect(manifest.peerDependencies['@nestjs/common']).toMatch(/^\^12/);
    expect(manifest.peerDependencies['@nestjs/core']).toMatch(/^\^12/);
    expect(manifest.peerDependencies['rxjs']).toMatch(/^\^7/);
    expect(manifest.peerDependencies['reflect-metadata']).toBeDefined();
  });

  it('points every script at files that exist', () => {
    const scripts: Record<string, string> = manifest.scripts;
    for (const command of Object.values(scripts)) {
      for (const path of command.match(/[\w./-]+\.(?:mjs|ts|js|json)\b/g) ?? []) {
        expect({
          command,
          path,
          exists: statSync(join(root, path), { throwIfNoEntry: false }) !== undefined,
        }).toEqual({
          command,
          path,
          exists: true,
        });
      }
    }
  });
});
