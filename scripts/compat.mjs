// `npm run test:compat` (run by .ci/run after `npm test`): the compatibility matrix.
//
// Packs the library and installs the tarball, without --legacy-peer-deps, into scratch apps made
// the way the Nest CLI makes them, each running its own e2e test (test/compat/app) on Express
// and Fastify:
//   - nest11-cjs:    Nest 11, CommonJS, ts-jest in CommonJS mode (the CLI 11 starter);
//   - nest12-vitest: Nest 12, ESM ("type": "module"), Vitest (the CLI 12 ESM starter);
//   - nest12-jest:   Nest 12, ESM, Jest in native ESM mode (ts-jest useESM, --experimental-vm-modules).
//     The CLI 12 Jest starter itself (CommonJS ts-jest) needs Node >= 24.9 to load ESM-only
//     Nest 12 through require(esm); on Node 20 this is the setup that works;
// then runs the project's own e2e suite (test/e2e, whatever it holds) against the Nest 11
// packages of nest11-cjs (module names mapped there) and against the repository's Nest 12.
//
// Everything lives in one scratch directory under os.tmpdir(), removed at the end (--keep keeps
// it). Nothing is cached outside the repository beyond npm's own download cache.
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const keep = process.argv.includes('--keep');
const scratch = mkdtempSync(join(tmpdir(), 'nestjs-cors-policy-compat-'));
const log = (line) => process.stdout.write(`compat: ${line}\n`);

/** Runs a command; resolves with its exit status and output (printed when it fails). */
function run(command, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? root,
      env: { ...process.env, NODE_OPTIONS: '', CI: 'true', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (status) => resolve({ status: status ?? 1, output }));
  });
}

const results = [];
async function step(name, command, args, options) {
  const started = Date.now();
  const { status, output } = await run(command, args, options);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  // eslint-disable-next-line no-control-regex
  const plain = output.replace(/\x1b\[[0-9;]*m/g, '');
  const tests = /Tests:?\s+(.*\d+ passed.*)/.exec(plain)?.[1]?.trim() ?? '';
  results.push({ name, ok: status === 0, seconds, tests });
  log(`${status === 0 ? 'PASS' : 'FAIL'} ${name} (${seconds}s) ${tests}`);
  if (status !== 0) process.stdout.write(`${plain.slice(-6000)}\n`);
  return status === 0;
}

const APP_DEPENDENCIES = {
  11: {
    '@nestjs/common': '^11.0.1',
    '@nestjs/core': '^11.0.1',
    '@nestjs/platform-express': '^11.0.1',
    '@nestjs/platform-fastify': '^11.0.1',
    'reflect-metadata': '^0.2.2',
    rxjs: '^7.8.1',
    '@nestjs/throttler': '^6.7.1',
  },
  12: {
    '@nestjs/common': '^12.0.1',
    '@nestjs/core': '^12.0.1',
    '@nestjs/platform-express': '^12.0.1',
    '@nestjs/platform-fastify': '^12.0.1',
    'reflect-metadata': '^0.2.2',
    rxjs: '^7.8.1',
    '@nestjs/throttler': '^6.7.1',
  },
};

/** tsconfig.json of the CLI starters (11 and 12 alike), with `types` per test runner. */
const cliTsconfig = (types) => ({
  compilerOptions: {
    module: 'nodenext',
    moduleResolution: 'nodenext',
    resolvePackageJsonExports: true,
    esModuleInterop: true,
    isolatedModules: true,
    declaration: true,
    removeComments: true,
    emitDecoratorMetadata: true,
    experimentalDecorators: true,
    allowSyntheticDefaultImports: true,
    target: 'ES2023',
    sourceMap: true,
    outDir: './dist',
    rootDir: '.',
    skipLibCheck: true,
    strict: true,
    strictPropertyInitialization: false,
    types,
  },
});

/** The CLI's test/jest-e2e.json (ts-jest, CommonJS). */
const JEST_E2E = {
  moduleFileExtensions: ['js', 'json', 'ts'],
  rootDir: '.',
  testEnvironment: 'node',
  testRegex: '.e2e-spec.ts$',
  transform: { '^.+\\.(t|j)s$': 'ts-jest' },
};

const VITEST_E2E = `import { defineConfig } from 'vitest/config';
import tsconfigPaths from 'vite-tsconfig-paths';

export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    globals: true,
    root: './',
    include: ['**/*.e2e-spec.ts'],
  },
});
`;

const APPS = [
  {
    name: 'nest11-cjs',
    nest: 11,
    type: undefined,
    relativeSuffix: '',
    scripts: { 'test:e2e': 'jest --config ./test/jest-e2e.json', typecheck: 'tsc --noEmit' },
    devDependencies: {
      '@nestjs/testing': '^11.0.1',
      '@types/jest': '^29.5.14',
      '@types/node': '^22.10.7',
      '@types/supertest': '^6.0.2',
      jest: '^29.7.0',
      supertest: '^7.0.0',
      'ts-jest': '^29.2.5',
      typescript: '^5.7.3',
    },
    files: {
      'tsconfig.json': cliTsconfig(['node', 'jest']),
      'test/jest-e2e.json': JEST_E2E,
    },
  },
  {
    name: 'nest12-vitest',
    nest: 12,
    type: 'module',
    relativeSuffix: '.js',
    scripts: {
      'test:e2e': 'vitest run --config ./vitest.config.e2e.ts',
      typecheck: 'tsc --noEmit',
    },
    devDependencies: {
      '@nestjs/testing': '^12.0.1',
      '@types/node': '^24.0.0',
      '@types/supertest': '^7.0.0',
      supertest: '^7.0.0',
      typescript: '^6.0.2',
      'vite-tsconfig-paths': '^5.1.4',
      vitest: '^4.1.2',
    },
    files: {
      'tsconfig.json': cliTsconfig(['vitest/globals', 'node']),
      'vitest.config.e2e.ts': VITEST_E2E,
    },
  },
  {
    name: 'nest12-jest',
    nest: 12,
    type: 'module',
    relativeSuffix: '.js',
    // Jest's ESM mode on Node.js 20 cannot load a CommonJS package (@nestjs/throttler) that
    // requires ESM-only Nest 12; the recipe runs in the two other apps.
    omit: ['test/throttler.e2e-spec.ts'],
    scripts: {
      'test:e2e':
        'node --experimental-vm-modules ./node_modules/jest/bin/jest.js --config ./test/jest-e2e.json',
      typecheck: 'tsc --noEmit',
    },
    devDependencies: {
      '@nestjs/testing': '^12.0.1',
      '@types/jest': '^30.0.0',
      '@types/node': '^24.0.0',
      '@types/supertest': '^7.0.0',
      jest: '^30.0.0',
      supertest: '^7.0.0',
      'ts-jest': '^29.4.0',
      typescript: '^6.0.2',
    },
    files: {
      'tsconfig.json': cliTsconfig(['node', 'jest']),
      'test/jest-e2e.json': {
        ...JEST_E2E,
        extensionsToTreatAsEsm: ['.ts'],
        moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
        transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
      },
    },
  },
];

/** Writes an app: its manifest and configs, and the sources of test/compat/app. */
function writeApp(app, tarball) {
  const dir = join(scratch, app.name);
  cpSync(join(root, 'test', 'compat', 'app'), dir, { recursive: true });
  for (const file of app.omit ?? []) rmSync(join(dir, file));
  for (const file of [...listFiles(join(dir, 'src')), ...listFiles(join(dir, 'test'))]) {
    // ESM apps spell relative imports with .js, as the CLI's ESM starter does.
    const source = readFileSync(file, 'utf8').replace(
      /from '(\.{1,2}\/[^']+)'/g,
      (_match, path) => `from '${path}${app.relativeSuffix}'`,
    );
    writeFileSync(file, source);
  }
  const manifest = {
    name: app.name,
    version: '0.0.1',
    private: true,
    license: 'UNLICENSED',
    ...(app.type ? { type: app.type } : {}),
    scripts: app.scripts,
    dependencies: { ...APP_DEPENDENCIES[app.nest], 'nestjs-cors-policy': `file:${tarball}` },
    devDependencies: app.devDependencies,
  };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  for (const [name, content] of Object.entries(app.files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    const text = typeof content === 'string' ? content : JSON.stringify(content, null, 2);
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

function listFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

/**
 * Jest config running test/e2e on other Nest packages: the repository's own config, with
 * Nest, rxjs and reflect-metadata mapped to `modules`, and a setup file that checks the major.
 */
async function e2eConfigFor(modules, nest) {
  const { default: base } = await import(join(root, 'jest.config.mjs'));
  const mapped = '@nestjs/(?:common|core|platform-express|platform-fastify|testing)|rxjs';
  return {
    ...base,
    rootDir: root,
    testMatch: ['<rootDir>/test/e2e/**/*.spec.ts'],
    // The GraphQL, static-file, Swagger and WebSocket packages installed for development are
    // their Nest 12 releases, which cannot load Nest 11: those suites run on Nest 12 only.
    testPathIgnorePatterns:
      nest === 12
        ? []
        : ['/test/e2e/path-policies.*\\.spec\\.ts$', '/test/e2e/gateway-origin\\.spec\\.ts$'],
    setupFiles: [join(root, 'scripts', 'compat-nest-version.cjs')],
    moduleNameMapper: {
      ...(modules ? { [`^(${mapped}|reflect-metadata)(/.*)?$`]: `${modules}/$1$2` } : {}),
      ...base.moduleNameMapper,
    },
  };
}

async function e2eSuite(nest, modules) {
  const jest = createRequire(import.meta.url).resolve('jest/bin/jest');
  const config = JSON.stringify(await e2eConfigFor(modules, nest));
  return step(
    `test/e2e on Nest ${nest} (express, fastify)`,
    process.execPath,
    [jest, '--config', config],
    {
      env: {
        NODE_OPTIONS: '--experimental-vm-modules --no-warnings=ExperimentalWarning',
        COMPAT_NEST_MAJOR: String(nest),
      },
    },
  );
}

async function main() {
  const started = Date.now();
  log(`scratch directory ${scratch}`);
  if (!(await step('build', 'npm', ['run', 'build']))) return false;
  const packed = await run('npm', ['pack', '--json', '--pack-destination', scratch]);
  if (packed.status !== 0) {
    log(`FAIL npm pack\n${packed.output}`);
    return false;
  }
  const tarball = join(
    scratch,
    JSON.parse(packed.output.slice(packed.output.indexOf('[')))[0].filename,
  );

  const dirs = Object.fromEntries(APPS.map((app) => [app.name, writeApp(app, tarball)]));
  // Installs are network-bound: all at once. No --legacy-peer-deps: peers must resolve.
  const installed = await Promise.all(
    APPS.map((app) =>
      step(`${app.name}: npm install`, 'npm', ['install', '--no-audit', '--no-fund'], {
        cwd: dirs[app.name],
      }),
    ),
  );
  for (const [index, app] of APPS.entries()) {
    if (!installed[index]) continue;
    const cwd = dirs[app.name];
    await step(`${app.name}: tsc --noEmit`, 'npm', ['run', 'typecheck'], { cwd });
    await step(`${app.name}: npm run test:e2e`, 'npm', ['run', 'test:e2e'], { cwd });
  }
  if (installed[0]) await e2eSuite(11, join(dirs['nest11-cjs'], 'node_modules'));
  await e2eSuite(12, undefined);

  log(
    `${results.filter((r) => r.ok).length}/${results.length} steps passed in ${((Date.now() - started) / 1000).toFixed(0)}s`,
  );
  return results.every((r) => r.ok) && installed.every(Boolean);
}

const ok = await main().catch((error) => {
  log(`FAIL ${error.stack ?? error}`);
  return false;
});
if (!keep) rmSync(scratch, { recursive: true, force: true });
process.exit(ok ? 0 : 1);
