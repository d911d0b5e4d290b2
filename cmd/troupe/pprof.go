package main

import (
	"net/http"
	"net/http/pprof"
)

// pprofMux serves Go's runtime profiles at /debug/pprof/ on a mux of its own: importing
// net/http/pprof for its side effect would put them on http.DefaultServeMux, where any
// handler built on it could expose them by accident.
func pprofMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}
