// Package parity holds the tests that run each real client and regauth's
// replay of it against the same sandbox registry and compare what the
// server logged, request by request. It has no code of its own.
package parity
