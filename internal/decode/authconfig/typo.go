package authconfig

import "strings"

// dockerTopKeys are the JSON names of docker/cli's configfile.ConfigFile,
// plus keys older CLIs wrote; none of them is a typo.
var dockerTopKeys = []string{
	"auths", "credsStore", "credHelpers",
	"HttpHeaders", "psFormat", "imagesFormat", "networksFormat", "pluginsFormat",
	"volumesFormat", "statsFormat", "detachKeys", "serviceInspectFormat",
	"servicesFormat", "tasksFormat", "secretFormat", "configFormat", "nodesFormat",
	"pruneFilters", "proxies", "currentContext", "cliPluginsExtraDirs", "plugins",
	"aliases", "features", "experimental",
	"stackOrchestrator", "kubernetes", // removed from the CLI, still found in old files
}

// dockerEntryFields are the JSON names of docker/cli's types.AuthConfig.
var dockerEntryFields = []string{"auth", "username", "password", "email", "serveraddress", "identitytoken", "registrytoken"}

// misspellings maps lower-cased names that are too far from their target
// for the distance rule but are common guesses.
var misspellings = map[string]string{
	"credentialhelpers": "credHelpers",
	"credentialhelper":  "credHelpers",
	"credentialshelper": "credHelpers",
	"credentialsstore":  "credsStore",
	"credentialstore":   "credsStore",
	"credstores":        "credsStore",
	"authconfigs":       "auths",
	"authconfig":        "auths",
	"user":              "username",
	"pass":              "password",
	"passwd":            "password",
}

// nameMatch is how a JSON member name relates to the names a reader knows.
type nameMatch int

const (
	nameUnknown nameMatch = iota
	nameExact             // spelled as the reader spells it
	nameFolded            // differs in case only: encoding/json still matches it
	nameTypo              // not read; probably meant to be the returned name
)

// matchName says how name relates to known, and for nameFolded and
// nameTypo which known name it stands for. encoding/json matches member
// names without regard to case, so a case variant is read by every Go
// client.
func matchName(name string, known []string) (string, nameMatch) {
	for _, k := range known {
		if name == k {
			return k, nameExact
		}
	}
	for _, k := range known {
		if strings.EqualFold(name, k) {
			return k, nameFolded
		}
	}
	if len(name) > 40 { // no typo is that long; bound the distance work
		return "", nameUnknown
	}
	lower := strings.ToLower(name)
	if m, ok := misspellings[lower]; ok && contains(known, m) {
		return m, nameTypo
	}
	for _, k := range known {
		limit := 2
		if len(k) <= 5 { // short names: one edit, or "auto" would read as "auths"
			limit = 1
		}
		if distance(lower, strings.ToLower(k)) <= limit {
			return k, nameTypo
		}
	}
	return "", nameUnknown
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// distance is the optimal-string-alignment edit distance (insertions,
// deletions, substitutions and swaps of neighbours), over bytes.
func distance(a, b string) int {
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
