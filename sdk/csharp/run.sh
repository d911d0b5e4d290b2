#!/usr/bin/env bash
# Generates the C# client, compiles it with the example, and runs the first-hour flow
# against a live server:
#
#   TROUPE_URL=http://127.0.0.1:9000 TROUPE_KEY=demo-key-123 sdk/csharp/run.sh
#
# Installs Debian's mono-complete when mcs is missing (needs root or sudo), installs the
# pinned NSwag with `npm ci`, runs generate.sh, builds with mcs into build/, runs with mono.
# Exits non-zero on any failure.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

: "${TROUPE_URL:?set TROUPE_URL to the server base URL, e.g. http://127.0.0.1:9000}"
: "${TROUPE_KEY:?set TROUPE_KEY to an API key, e.g. demo-key-123}"

if ! command -v mcs >/dev/null || ! command -v mono >/dev/null; then
  echo "run.sh: installing mono-complete (Debian) for mcs and mono"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get install -y --no-install-recommends mono-complete \
    || { $sudo apt-get update && $sudo apt-get install -y --no-install-recommends mono-complete; }
fi
echo "mono: $(mono --version | head -n1)"

npm ci --no-audit --no-fund
"$here/generate.sh"

nswag="$here/node_modules/nswag/bin/binaries/Win"
out="$here/build"
mkdir -p "$out"
cp "$nswag/Newtonsoft.Json.dll" "$out/"

# The SDK as Unity would compile it: the generated client plus the hand-written streaming
# part, against Newtonsoft.Json and the BCL (System.Net.Http, System.Runtime.Serialization
# for [EnumMember]). Warnings are errors so a spec change that makes NSwag emit
# questionable code fails here.
mcs -nologo -target:library -warnaserror+ -out:"$out/Troupe.dll" \
  -r:"$out/Newtonsoft.Json.dll" -r:System.Net.Http.dll -r:System.Runtime.Serialization.dll \
  "$here/generated/TroupeClient.cs" "$here/Runtime/TroupeClient.Streaming.cs"
mcs -nologo -warnaserror+ -out:"$out/FirstHour.exe" \
  -r:"$out/Troupe.dll" -r:"$out/Newtonsoft.Json.dll" -r:System.Net.Http.dll \
  "$here/Example/FirstHour.cs"

echo "running the first-hour flow against $TROUPE_URL"
mono "$out/FirstHour.exe"
