package diagnose

// Registry flavours (login-trace, pull-trace, probe, doctor).

// The codes internal/flavour adds from what a flavour's evidence shows.
const (
	FlavourExpected     Code = "FLAVOUR_EXPECTED"
	UpstreamCredentials Code = "UPSTREAM_CREDENTIALS"
)

// fillFlavour adds this area's entries; fill calls it.
func fillFlavour() {
	add(FlavourExpected, Info, "the registry does what its flavour is known to do; not a fault",
		"Nothing to fix: the registry product is known to answer so. Look at the other diagnoses for the real cause, if any.")
	add(UpstreamCredentials, Error, "a remote (proxy) repository's upstream credentials are wrong",
		"Ask the registry's administrator to fix the credentials the remote repository uses for its upstream registry; the ones this client sent are not the problem.")
}
