#!/usr/bin/env bash
# Writes generated/TroupeClient.cs from the repo's openapi.yaml with the pinned NSwag.
#
#   sdk/csharp/generate.sh [path/to/openapi.yaml]
#
# Needs mono + mcs (Debian: apt-get install mono-complete) and node/npm (for `npm ci`).
# NSwag's npm launcher wants `dotnet`; instead we use the net462 build it ships
# (node_modules/nswag/bin/binaries/Win) under mono: tools/Generate.cs is compiled against
# those libraries and calls the same code generator as `NSwag.exe openapi2csclient`, with
# the options listed in tools/Generate.cs plus PascalCase naming hooks the CLI can't take.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
spec="${1:-$here/../../openapi.yaml}"
out="$here/generated/TroupeClient.cs"
nswag="$here/node_modules/nswag/bin/binaries/Win"

for tool in mono mcs; do
  command -v "$tool" >/dev/null || { echo "generate.sh: $tool not found (apt-get install -y mono-complete, or use run.sh)" >&2; exit 1; }
done
[ -f "$spec" ] || { echo "generate.sh: no spec at $spec" >&2; exit 1; }
if [ ! -f "$nswag/NSwag.Commands.dll" ]; then
  (cd "$here" && npm ci --no-audit --no-fund)
fi

mkdir -p "$here/build"
refs=()
for lib in NSwag.Core NSwag.Core.Yaml NJsonSchema.Annotations NSwag.CodeGeneration NSwag.CodeGeneration.CSharp \
           NJsonSchema NJsonSchema.CodeGeneration NJsonSchema.CodeGeneration.CSharp Newtonsoft.Json; do
  refs+=("-r:$nswag/$lib.dll")
done
mcs -nologo -warnaserror+ -out:"$here/build/Generate.exe" "${refs[@]}" "$here/tools/Generate.cs"

# MONO_PATH lets the driver load NSwag's own assemblies (and their dependencies) in place.
MONO_PATH="$nswag" mono "$here/build/Generate.exe" "$spec" "$out"
