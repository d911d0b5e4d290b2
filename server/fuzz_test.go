package server_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/troupe-ai/troupe/gen"
	"github.com/troupe-ai/troupe/server"
	"github.com/troupe-ai/troupe/server/servertest"
)

// FuzzCreateWorld posts arbitrary bodies to POST /v1/worlds: every answer is a world (201)
// or a standard error of a client-error class, never a 5xx, and always matches the spec.
func FuzzCreateWorld(f *testing.F) {
	for _, seed := range []string{
		`{}`, `{"seed":42,"genre":"sci_fi","tone":"grim","size":"large","name":"X"}`,
		`{"seed":-1}`, `{"seed":1e300}`, `{"name":"\u0000"}`, `{"name":"   "}`, `[`, `null`, `"x"`,
		`{"genre":null}`, `{"seed":9007199254740991}`, `{"a":{"b":[1,2,{"c":true}]}}`,
	} {
		f.Add([]byte(seed))
	}
	h, _ := newHandler(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest(http.MethodPost, "/v1/worlds", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+servertest.DemoKey)
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		checkFuzzResponse(t, req, body, rec, http.StatusCreated, http.StatusBadRequest, http.StatusUnprocessableEntity)
		if rec.Code == http.StatusCreated {
			var w gen.World
			if err := json.Unmarshal(rec.Body.Bytes(), &w); err != nil || w.Id == "" || w.Brief == "" {
				t.Fatalf("201 without a world: %s", rec.Body)
			}
		}
	})
}

// FuzzRequestValidation sends arbitrary methods, paths, queries, content types and bodies
// through the whole middleware chain: only standard errors come back, never a panic or 5xx
// other than the 501 of an operation not built yet.
func FuzzRequestValidation(f *testing.F) {
	f.Add("GET", "/v1/worlds", "limit=5&offset=1", "application/json", []byte(``))
	f.Add("POST", "/v1/worlds", "", "application/json", []byte(`{"size":"small"}`))
	f.Add("DELETE", "/v1/worlds/wld_x", "", "", []byte(``))
	f.Add("POST", "/v1/characters", "", "application/json", []byte(`{"role":"smith"}`))
	f.Add("PATCH", "/v1/characters/chr_1", "", "application/json", []byte(`{"id":"x"}`))
	f.Add("POST", "/v1/voice/stt", "", "multipart/form-data; boundary=x", []byte("--x\r\n\r\n--x--"))
	f.Add("GET", "/v1/jobs", "type=avatar&status=nope", "", []byte(``))
	f.Add("GET", "/%2e%2e/etc/passwd", "", "", []byte(``))
	f.Add("GET", "/v1/characters/%00", "", "", []byte(``))
	f.Add("DELETE", "/v1/worlds/%ff%fe", "", "", []byte(``))
	f.Add("GET", "/v1/jobs/"+strings.Repeat("j", 65), "", "", []byte(``))
	f.Add("POST", "/v1/worlds", "", "APPLICATION/JSON; charset=utf-16", []byte(`{"seed":1}`))
	f.Add("POST", "/v1/worlds", "", "application/json", []byte(`{"seed":1,"seed":2} x`))
	f.Add("POST", "/v1/characters", "", "application/json", []byte(`{"role":"a","archetype":"b","metadata":{"k\u0000":null,"s":"\ud800"}}`))
	f.Add("POST", "/v1/voice/stt", "", "MULTIPART/FORM-DATA; boundary=x", []byte("--x\r\n\r\n--x--"))
	h, _ := newHandler(f)
	f.Fuzz(func(t *testing.T, method, path, query, contentType string, body []byte) {
		if !validMethod(method) || !strings.HasPrefix(path, "/") || strings.ContainsAny(path+query, " \t\r\n#") {
			t.Skip()
		}
		target := path
		if query != "" {
			target += "?" + query
		}
		req, err := http.NewRequest(method, target, bytes.NewReader(body))
		if err != nil {
			t.Skip()
		}
		req.Header.Set("Authorization", "Bearer "+servertest.DemoKey)
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 && rec.Code != http.StatusNotImplemented {
			t.Fatalf("%s %s → %d: %s", method, target, rec.Code, rec.Body)
		}
		if rec.Code >= 400 {
			var e gen.ErrorResponse
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error.Code == "" || e.Error.RequestId == "" {
				t.Fatalf("%s %s → %d without a standard error: %s", method, target, rec.Code, rec.Body)
			}
		}
		// A JSON body an operation took must have been one well-formed UTF-8 JSON value.
		mediaType, _, _ := strings.Cut(strings.ToLower(contentType), ";")
		if rec.Code < 300 && (method == "POST" || method == "PATCH") && strings.TrimSpace(mediaType) == "application/json" &&
			len(bytes.TrimSpace(body)) > 0 && (!json.Valid(body) || !utf8.Valid(body)) {
			t.Fatalf("%s %s → %d for a body that is not JSON: %q", method, target, rec.Code, body)
		}
	})
}

// FuzzStrictJSON checks the strict JSON check against encoding/json: what it accepts is
// valid JSON, what it calls a syntax error is not, and of valid JSON it names exactly the
// strings holding NUL and only strings encoding/json decodes with a replacement character
// as holding an unpaired surrogate.
func FuzzStrictJSON(f *testing.F) {
	for _, seed := range []string{
		`{}`, `[]`, `""`, `0`, `-0.5e+3`, `01`, `1.`, `{"a":1,"a":2}`, `{"a":{"b":[1,{"c":"\u0000"}]}}`,
		`"\ud83d\ude00"`, `"\ud800\u0041"`, `"\udc00"`, `{"\u0061":1,"a":2}`, "\"\xff\"", `{"a":1}}`,
		`[1,]`, `{"a" 1}`, `nul`, `"\x"`, "\"a\tb\"", "\ufeff{}", strings.Repeat("[", 70) + strings.Repeat("]", 70),
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		kind, problems := server.CheckJSON(data)
		valid := json.Valid(data)
		switch {
		case kind == "" && !valid:
			t.Fatalf("accepted what encoding/json refuses: %q", data)
		case kind == "syntax" && valid:
			t.Fatalf("called malformed what encoding/json accepts: %q", data)
		case kind != "":
			return
		}
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			t.Fatalf("encoding/json cannot decode what both accept: %q: %v", data, err)
		}
		nul, replaced := stringsHold(v)
		if server.HasNUL(problems) != nul {
			t.Fatalf("NUL in %q: decoded %v, named %v (%q)", data, nul, server.HasNUL(problems), problems)
		}
		if server.HasLoneSurrogate(problems) && !replaced {
			t.Fatalf("named an unpaired surrogate in %q, which decodes without one: %q", data, problems)
		}
	})
}

// stringsHold reports whether any string in a decoded JSON value, key or value, holds NUL
// or U+FFFD.
func stringsHold(v any) (nul, replacement bool) {
	check := func(s string) {
		nul = nul || strings.IndexByte(s, 0) >= 0
		replacement = replacement || strings.ContainsRune(s, utf8.RuneError)
	}
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			check(x)
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			for k, e := range x {
				check(k)
				walk(e)
			}
		}
	}
	walk(v)
	return nul, replacement
}

func validMethod(m string) bool {
	switch m {
	case "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS":
		return true
	}
	return false
}

func checkFuzzResponse(t *testing.T, req *http.Request, body []byte, rec *httptest.ResponseRecorder, allowed ...int) {
	t.Helper()
	ok := false
	for _, s := range allowed {
		ok = ok || rec.Code == s
	}
	if !ok {
		t.Fatalf("status %d not in %v: %s", rec.Code, allowed, rec.Body)
	}
	if err := servertest.Validate(req, body, rec.Result(), rec.Body.Bytes()); err != nil {
		t.Fatalf("response does not match the spec: %v: %s", err, rec.Body)
	}
}
