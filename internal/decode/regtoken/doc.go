// Package regtoken decodes container-registry tokens (JWTs), the token
// service's JSON reply around them, and the keys a registry trusts, and checks
// them the way distribution's token access controller does. It is pure: no
// network, no printing, and bad input is an error, never a panic.
package regtoken
