package diagnose

// Credential kinds (decode-config, every trace's credentials line, doctor).

// fillCredKind adds this area's entries; fill calls it.
func fillCredKind() {
}
