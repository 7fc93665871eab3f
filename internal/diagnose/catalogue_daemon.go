package diagnose

// Docker's daemon.json and containers' registries.conf.

// fillDaemon adds this area's entries; fill calls it.
func fillDaemon() {
}
