// `npm run build`: the library twice, with tsc only, behind one exports map (see package.json).
//  - dist/esm: ES modules, for `import` (the package is "type": "module");
//  - dist/cjs: CommonJS, for `require` (a Nest 11 CommonJS app, Jest in CommonJS mode), marked
//    by its own package.json, since Node reads a .js file's module kind from the nearest one.
// Both builds keep every piece of shared state on strings (metadata keys), so a decorator
// applied through one build is read by the module loaded from the other.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

rmSync(join(root, 'dist'), { recursive: true, force: true });
for (const project of ['tsconfig.build.json', 'tsconfig.build.cjs.json']) {
  const result = spawnSync(process.execPath, [tsc, '-p', project], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
mkdirSync(join(root, 'dist', 'cjs'), { recursive: true });
writeFileSync(
  join(root, 'dist', 'cjs', 'package.json'),
  `${JSON.stringify({ type: 'commonjs' }, null, 2)}\n`,
);
