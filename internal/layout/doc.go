// Package layout holds the import rules of the project's style guide as a
// test: the engine and decoders know nothing of terminals, and the regauth
// binary does not link the registry (it stays in the sandbox binary and the
// tests, so regauth starts fast).
package layout
