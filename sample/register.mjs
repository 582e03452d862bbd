// `npm start` runs `node --import ./sample/register.mjs sample/main.ts`: this registers a loader that
// compiles the sample's TypeScript on the fly with the project's own `typescript`, because Nest's
// dependency injection needs `emitDecoratorMetadata`, which Node's type stripping and esbuild-based
// runners (tsx) do not emit.
import { register } from 'node:module';

register('./typescript-loader.mjs', import.meta.url);
