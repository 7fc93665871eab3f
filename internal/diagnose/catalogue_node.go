package diagnose

// Node configuration (Kubernetes Secrets, the kubelet, containerd hosts, daemon.json, registries.conf).

// fillNode adds this area's entries; fill calls it.
func fillNode() {
}
