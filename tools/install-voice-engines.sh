#!/usr/bin/env bash
# install-voice-engines.sh: install the programs Troupe's offline voice engines spawn
# (local/speech and local/recognition), if they are missing. `make run` and `make test`
# call it; it is quiet and quick when everything is there.
#
#   espeak-ng              text to speech (local/speech)
#   lame                   MP3 output
#   sox, libsox-fmt-mp3    Ogg output; MP3/Ogg/FLAC input to recognition
#   pocketsphinx           speech to text (pocketsphinx_batch, kept warm between requests)
#   pocketsphinx-en-us     its US English model and dictionary
#   pocketsphinx-testdata  recorded speech with transcripts, for the WER tests
#
# Only Debian/Ubuntu (apt) is handled. Without apt, or without root (and no passwordless
# sudo), it prints what is missing and exits 0: the server runs without local voice, and
# the voice tests skip (outside CI). If apt fails (no network, say), it warns and exits 0
# too, unless VOICE_ENGINES_STRICT=1, when it exits 1; set that in CI.
set -uo pipefail

packages=(espeak-ng lame sox libsox-fmt-mp3 pocketsphinx pocketsphinx-en-us pocketsphinx-testdata)

say() { echo "install-voice-engines: $*" >&2; }

installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
	for p in "${packages[@]}"; do
		installed "$p" || missing+=("$p")
	done
else
	# No dpkg: judge by the programs themselves.
	command -v espeak-ng >/dev/null 2>&1 || missing+=(espeak-ng)
	command -v lame >/dev/null 2>&1 || missing+=(lame)
	command -v sox >/dev/null 2>&1 || missing+=(sox libsox-fmt-mp3)
	command -v pocketsphinx_batch >/dev/null 2>&1 || missing+=(pocketsphinx pocketsphinx-en-us)
	[ -d /usr/share/pocketsphinx/test/data ] || missing+=(pocketsphinx-testdata)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
	say "missing: ${missing[*]} (no apt-get here: install them with your package manager)"
	exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
		sudo=(sudo -n)
	else
		say "missing: ${missing[*]} (run as root: sudo apt-get install --no-install-recommends ${missing[*]})"
		exit 0
	fi
fi

fail() {
	say "$1"
	if [ "${VOICE_ENGINES_STRICT:-0}" = 1 ]; then exit 1; fi
	exit 0
}

log=$(mktemp)
trap 'rm -f "$log"' EXIT
export DEBIAN_FRONTEND=noninteractive
apt_install() {
	"${sudo[@]}" apt-get install -y -qq --no-install-recommends "$@" >"$log" 2>&1
}

say "installing ${missing[*]}"
# Try the package lists we have first; refresh them only if that fails (a fresh machine
# has none, an old one may point at versions no longer on the mirror).
if ! apt_install "${missing[@]}"; then
	"${sudo[@]}" apt-get update -qq >"$log" 2>&1 || fail "apt-get update failed: $(tail -n 3 "$log")"
	# Install what the archive has; name what it does not.
	available=()
	for p in "${missing[@]}"; do
		if apt-cache policy "$p" 2>/dev/null | grep -q 'Candidate: [^(]'; then
			available+=("$p")
		else
			say "not in this system's archive: $p"
		fi
	done
	[ ${#available[@]} -eq 0 ] && fail "nothing installable; still missing: ${missing[*]}"
	apt_install "${available[@]}" || fail "apt-get install failed: $(tail -n 3 "$log")"
fi
exit 0
