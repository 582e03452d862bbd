import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Builds and packs the library, installs the tarball into a scratch ESM app and a scratch
 * CommonJS app, and checks that each loads its own build (dist/esm, dist/cjs), boots and answers
 * CORS. A third app mixes the builds, as a dependency tree can: its controller is decorated
 * through the CommonJS build and the module comes from the ESM build (the dual-package hazard).
 * The compatibility matrix (scripts/compat.mjs) runs the same tarball in Nest 11 and 12 apps.
 */
const root = process.cwd();
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
const versionOf = (name: string): string => lock.packages[`node_modules/${name}`].version;

const APP_SOURCE = (load: string) => `
${load}
class ThingsController { list() { return ['ok']; } }
Get()(ThingsController.prototype, 'list', Object.getOwnPropertyDescriptor(ThingsController.prototype, 'list'));
Controller('things')(ThingsController);
CorsPolicy({ origin: 'https://partner.example', credentials: true })(ThingsController);
class AppModule {}
Module({ imports: [CorsModule.forRoot({ origin: 'https://app.example' })], controllers: [ThingsController] })(AppModule);

async function main() {
  const app = await NestFactory.create(AppModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address();
  const actual = await fetch('http://127.0.0.1:' + port + '/things', { headers: { Origin: 'https://partner.example' } });
  const preflight = await fetch('http://127.0.0.1:' + port + '/things', {
    method: 'OPTIONS',
    headers: { Origin: 'https://app.example', 'Access-Control-Request-Method': 'GET' },
  });
  let refused;
  try {
    class Bad {}
    Module({ imports: [CorsModule.forRoot({ origin: '*', credentials: true })] })(Bad);
    const bad = await NestFactory.create(Bad, { logger: false, abortOnError: false });
    await bad.init();
  } catch (error) {
    refused = error instanceof CorsConfigurationError;
  }
  await app.close();
  console.log(JSON.stringify({
    status: actual.status,
    allowOrigin: actual.headers.get('access-control-allow-origin'),
    allowCredentials: actual.headers.get('access-control-allow-credentials'),
    preflightStatus: preflight.status,
    refused,
  }));
}
main().catch((error) => { console.error(error); process.exit(1); });
`;

const ESM_LOAD = `import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CorsConfigurationError, CorsModule, CorsPolicy } from 'nestjs-cors-policy';
if (!import.meta.resolve('nestjs-cors-policy').includes('/dist/esm/')) throw new Error('not the ESM build');`;

const CJS_LOAD = `require('reflect-metadata');
const { Controller, Get, Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { CorsConfigurationError, CorsModule, CorsPolicy } = require('nestjs-cors-policy');
if (!require.resolve('nestjs-cors-policy').includes('/dist/cjs/')) throw new Error('not the CommonJS build');`;

const MIXED_LOAD = `import 'reflect-metadata';
import { createRequire } from 'node:module';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CorsModule } from 'nestjs-cors-policy';
const commonjs = createRequire(import.meta.url)('nestjs-cors-policy');
if (commonjs.CorsModule === CorsModule) throw new Error('one build only: nothing would be mixed');
// The error thrown by the ESM build's module is checked against the CommonJS build's class.
const { CorsPolicy, CorsConfigurationError } = commonjs;`;

describe('packed tarball', () => {
  let scratch: string;
  let tarball: string;

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'cors-pack-'));
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'pipe' });
    const packed = JSON.parse(
      execFileSync('npm', ['pack', '--json', '--pack-destination', scratch], {
        cwd: root,
        encoding: 'utf8',
      }),
    );
    tarball = join(scratch, packed[0].filename);
    const files: string[] = packed[0].files.map((file: { path: string }) => file.path);
    for (const build of ['esm', 'cjs']) {
      expect(files).toContain(`dist/${build}/index.js`);
      expect(files).toContain(`dist/${build}/index.d.ts`);
    }
    expect(files).toContain('dist/cjs/package.json');
    expect(
      files.filter(
        (file) =>
          !file.startsWith('dist/') && !['package.json', 'README.md', 'LICENSE'].includes(file),
      ),
    ).toEqual([]);
  }, 120_000);

  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it.each([
    ['ESM', 'module', 'main.js', ESM_LOAD],
    ['CommonJS', 'commonjs', 'main.cjs', CJS_LOAD],
    ['mixed-build', 'mixed', 'main.mjs', MIXED_LOAD],
  ])(
    'boots in a scratch %s app and serves CORS',
    (_kind, type, entry, load) => {
      const dir = join(scratch, type);
      mkdirSync(dir);
      const dependencies = Object.fromEntries(
        [
          '@nestjs/common',
          '@nestjs/core',
          '@nestjs/platform-express',
          'reflect-metadata',
          'rxjs',
        ].map((name) => [name, versionOf(name)]),
      );
      writeFileSync(
        join(dir, 'package.json'),
        JSON.stringify({
          name: `scratch-${type}`,
          private: true,
          type: type === 'commonjs' ? 'commonjs' : 'module',
          dependencies: { ...dependencies, 'nestjs-cors-policy': `file:${tarball}` },
        }),
      );
      writeFileSync(join(dir, entry), APP_SOURCE(load));
      execFileSync(
        'npm',
        ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'],
        {
          cwd: dir,
          stdio: 'pipe',
        },
      );
      const output = execFileSync(process.execPath, [entry], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, NODE_OPTIONS: '' },
      });
      expect(JSON.parse(output.trim().split('\n').pop()!)).toEqual({
        status: 200,
        allowOrigin: 'https://partner.example',
        allowCredentials: 'true',
        preflightStatus: 403,
        refused: true,
      });
    },
    180_000,
  );
});
