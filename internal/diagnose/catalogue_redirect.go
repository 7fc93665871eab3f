package diagnose

// Redirects (every request a client profile makes).

// fillRedirect adds this area's entries; fill calls it.
func fillRedirect() {
}
