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

  it('has one exports map for an ESM and a CommonJS build, each with its types', () => {
    expect(manifest.type).toBe('module');
    expect(manifest.exports['.']).toEqual({
      import: { types: './dist/esm/index.d.ts', default: './dist/esm/index.js' },
      require: { types: './dist/cjs/index.d.ts', default: './dist/cjs/index.js' },
      default: './dist/esm/index.js',
    });
    // Tools that predate exports maps (TypeScript's node10 resolution, old bundlers).
    expect(manifest.main).toBe('./dist/cjs/index.js');
    expect(manifest.types).toBe('./dist/cjs/index.d.ts');
    expect(manifest.exports['./package.json']).toBe('./package.json');
    expect(manifest.files).toEqual(['dist']);
  });

  it('declares the engines and the peer ranges of NestJS 11 and 12', () => {
    expect(manifest.engines.node).toBe('^20.19.0 || ^22.12.0 || >=24');
    for (const name of ['@nestjs/common', '@nestjs/core']) {
      expect(manifest.peerDependencies[name]).toBe('^11.0.0 || ^12.0.0');
    }
    expect(manifest.peerDependencies['rxjs']).toMatch(/^\^7/);
    expect(manifest.peerDependencies['reflect-metadata']).toBeDefined();
  });

  it('links the npm page to one repository', () => {
    const repo = 'https://github.com/nestjs-cors-policy/nestjs-cors-policy';
    expect(manifest.repository).toEqual({ type: 'git', url: `git+${repo}.git` });
    expect(manifest.homepage).toBe(`${repo}#readme`);
    expect(manifest.bugs).toEqual({ url: `${repo}/issues` });
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
