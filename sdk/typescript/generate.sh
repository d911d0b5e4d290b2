#!/usr/bin/env bash
# Generates both TypeScript SDKs from the Troupe OpenAPI document:
#   generated/openapi-typescript/schema.ts  types for openapi-fetch (openapi-typescript)
#   generated/hey-api/                      types + SDK functions + bundled fetch client (@hey-api/openapi-ts)
# Needs `npm ci` first. TROUPE_SPEC overrides the spec (default: the repository's openapi.yaml).
# The output is not committed (.gitignore); run this, or run.sh, after every spec change.
set -euo pipefail
cd "$(dirname "$0")"

spec="${TROUPE_SPEC:-../../openapi.yaml}"
spec="$(cd "$(dirname "$spec")" && pwd)/$(basename "$spec")"
[ -f "$spec" ] || { echo "generate.sh: no spec at $spec" >&2; exit 1; }

rm -rf generated
mkdir -p generated/openapi-typescript

# openapi-typescript: by default (--default-non-nullable true) a property with a `default`
# becomes required in every component schema, request bodies included, so a studio would
# have to send genre/tone/size/... that the server fills in itself. `false` keeps them
# optional; response fields are unaffected because the spec lists them in `required`.
npx --no-install openapi-typescript "$spec" \
  --default-non-nullable false \
  --output generated/openapi-typescript/schema.ts

# @hey-api/openapi-ts: everything else is in openapi-ts.config.ts.
TROUPE_SPEC="$spec" HEY_API_OUT=generated/hey-api npx --no-install openapi-ts \
  --file openapi-ts.config.ts --no-log-file

echo "generate.sh: generated/openapi-typescript/schema.ts and generated/hey-api/ from $spec"
