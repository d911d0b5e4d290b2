// Configuration of @hey-api/openapi-ts, read by `npx openapi-ts` (see generate.sh).
// TROUPE_SPEC and HEY_API_OUT override the spec path and the output folder.
import { defineConfig } from '@hey-api/openapi-ts';

export default defineConfig({
  input: process.env.TROUPE_SPEC ?? '../../openapi.yaml',
  output: {
    path: process.env.HEY_API_OUT ?? 'generated/hey-api',
    // The generated files import each other; Node's ESM resolution (tsconfig "module":
    // "nodenext") needs the ".js" extension. Left unset, the generator guesses from a
    // tsconfig.json it looks for starting from its own install folder, so say it here.
    module: { extension: '.js' },
    tsConfigPath: null,
  },
  plugins: [
    // The fetch client is copied into the output (generated/hey-api/client/ and core/),
    // so the generated SDK needs no runtime npm package.
    '@hey-api/client-fetch',
    '@hey-api/typescript',
    '@hey-api/sdk',
  ],
});
