package server_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/troupe-ai/troupe/server/servertest"
)

// TestMain fails the run when any test saw the server answer an operation with a status
// openapi.yaml does not declare for it: generated clients treat undeclared statuses as
// unexpected, so the contract must list every one the server really sends.
func TestMain(m *testing.M) {
	code := m.Run()
	undeclared, err := servertest.UndeclaredStatuses()
	if err != nil {
		fmt.Fprintln(os.Stderr, "checking declared statuses:", err)
		code = 1
	}
	if len(undeclared) > 0 {
		fmt.Fprintln(os.Stderr, "statuses the server answered that openapi.yaml does not declare:")
		for _, u := range undeclared {
			fmt.Fprintln(os.Stderr, "  "+u)
		}
		code = 1
	}
	os.Exit(code)
}
