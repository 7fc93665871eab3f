package diagnose

// Registry flavours (login-trace, pull-trace, probe, doctor).

// fillFlavour adds this area's entries; fill calls it.
func fillFlavour() {
}
