package diagnose

// containerd hosts (hosts.toml, the CRI registry configuration).

// fillHosts adds this area's entries; fill calls it.
func fillHosts() {
}
