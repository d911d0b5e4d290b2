// Package specchecktest checks the contract with a parser other than the server's: PyYAML's
// safe_load, a strict YAML 1.1 loader like the ones Python SDK generators use. YAML 1.2
// parsers (the server's) accept things 1.1 reads differently or not at all (an unquoted `?`
// in a flow mapping, `yes`/`no`, bare timestamps), so agreement between the two is what
// makes the spec portable.
package specchecktest

import (
	"os/exec"
	"testing"
)

// sameDocument loads argv[1] with yaml.safe_load and argv[2] with json.load and reports
// the first path where they differ. Numbers compare by value (1 == 1.0), as JSON means.
const sameDocument = `
import json, sys
import yaml

def diff(a, b, path):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b), key=str):
            if k not in a or k not in b:
                return path + "/" + str(k) + (" only in the YAML" if k in a else " only in the JSON")
            d = diff(a[k], b[k], path + "/" + str(k))
            if d:
                return d
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return path + ": %d items in the YAML, %d in the JSON" % (len(a), len(b))
        for i, (x, y) in enumerate(zip(a, b)):
            d = diff(x, y, path + "/" + str(i))
            if d:
                return d
        return None
    if type(a) is bool or type(b) is bool:
        return None if a is b else path + ": %r (YAML 1.1) vs %r (JSON)" % (a, b)
    if a != b or (isinstance(a, str) != isinstance(b, str)):
        return path + ": %r (YAML 1.1) vs %r (JSON)" % (a, b)
    return None

with open(sys.argv[1]) as f:
    y = yaml.safe_load(f)
with open(sys.argv[2]) as f:
    j = json.load(f)
d = diff(y, j, "")
if d:
    print("openapi.yaml read as YAML 1.1 differs from the JSON at " + d)
    sys.exit(1)
`

// SameDocument fails the test unless the YAML file, read with PyYAML's safe_load, and the
// JSON file hold the same document. PyYAML comes with `make test` (python3-yaml).
func SameDocument(t testing.TB, yamlPath, jsonPath string) {
	t.Helper()
	out, err := exec.Command(python(), "-c", sameDocument, yamlPath, jsonPath).CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s\n(PyYAML missing? `make tools-python` installs python3-yaml)", err, out)
	}
}

// python returns the first interpreter that has PyYAML: the python3 on PATH, else Debian's,
// which is where `make tools-python` installs it when PATH leads to a pyenv or venv python.
func python() string {
	for _, p := range []string{"python3", "/usr/bin/python3"} {
		if exec.Command(p, "-c", "import yaml").Run() == nil {
			return p
		}
	}
	return "python3"
}
