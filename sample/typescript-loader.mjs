// Module hooks (see register.mjs): `.js` specifiers resolve to the `.ts` file next to them (NodeNext
// style imports), and `.ts` files are transpiled with the project's tsconfig, decorator metadata included.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath, URL } from 'node:url';
import ts from 'typescript';

const tsconfigPath = fileURLToPath(new URL('../tsconfig.json', import.meta.url));
const { config } = ts.readConfigFile(tsconfigPath, ts.sys.readFile);
const compilerOptions = {
  ...ts.convertCompilerOptionsFromJson(config.compilerOptions, '.').options,
  // The files are ESM (package "type": "module"); transpileModule cannot look that up itself.
  module: ts.ModuleKind.ESNext,
  sourceMap: false,
  inlineSourceMap: true,
  inlineSources: true,
  declaration: false,
};

export async function resolve(specifier, context, nextResolve) {
  const fromTypeScript = context.parentURL?.endsWith('.ts');
  if (fromTypeScript && /^\.{1,2}\/.*\.js$/.test(specifier)) {
    const tsUrl = new URL(specifier.replace(/\.js$/, '.ts'), context.parentURL);
    const jsUrl = new URL(specifier, context.parentURL);
    if (existsSync(tsUrl) && !existsSync(jsUrl)) return nextResolve(tsUrl.href, context);
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context);
  const fileName = fileURLToPath(url);
  const { outputText } = ts.transpileModule(readFileSync(fileName, 'utf8'), {
    compilerOptions,
    fileName,
  });
  return { format: 'module', source: outputText, shortCircuit: true };
}
