// Package domain holds Troupe's business: its resources, the services that act on them,
// the transport-neutral error codes they fail with, and the ports (interfaces) that the
// adapters in store/, jobs/, falclient/ and local/ implement.
//
// It imports no HTTP, SQL or queue package, so every rule here can be exercised without
// a server or a database.
package domain
