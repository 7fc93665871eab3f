package flavour

import (
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// where a signal looks.
type where int

const (
	inHeader     where = iota + 1 // key is the header name
	inRealmHost                   // the Bearer realm's host (without port)
	inRealmPath                   // the Bearer realm's path
	inService                     // a challenge's service parameter
	inScope                       // a challenge's scope parameter
	inBasicRealm                  // a Basic challenge's realm
	inBody                        // any answer's body
	inIssuer                      // a token's iss claim
	inToken                       // a token's raw text (its shape only)
	inHost                        // the registry host
	inFact                        // a derived fact (see facts)
)

// op is how a value is compared; all comparisons ignore case.
type op int

const (
	present op = iota + 1 // the header exists (any value)
	equal
	prefix
	suffix
	contains
)

// signal is one piece of evidence: where to look, how to compare, how much
// it counts and how to say it.
type signal struct {
	in     where
	key    string
	op     op
	val    string
	weight int
	why    string
}

// Derived facts: what no single field shows.
const (
	// factServiceIsRealm: the service parameter is the realm URL itself
	// (Nexus).
	factServiceIsRealm = "service-is-realm"
	// factBearerNoService: a Bearer challenge without service (Artifact
	// Registry's bare /v2/).
	factBearerNoService = "bearer-without-service"
	// factErrorUnprompted: a 401 to a request without Authorization carried
	// error="invalid_token" (ACR).
	factErrorUnprompted = "error-without-token"
	// factRealmOtherHost: the realm is on another host than the registry.
	factRealmOtherHost = "realm-other-host"
)

// Weights: strong is a signal only one flavour shows; weak is shared or
// easily faked by a proxy.
const (
	weak   = 1
	fair   = 2
	strong = 3
)

// minScore is what a non-fallback flavour needs to be named.
const minScore = 2

// view is the evidence read once for every signal.
type view struct {
	ev          Evidence
	realms      []*url.URL
	services    []string
	scopes      []string
	basicRealms []string
	bodies      []string // lower-cased, bounded
	facts       map[string]bool
}

const maxBody = 4096

func newView(ev Evidence) *view {
	v := &view{ev: ev, facts: map[string]bool{}}
	regHost := hostOnly(ev.Host)
	for _, r := range ev.Responses {
		for _, c := range r.Challenges {
			switch c.Scheme {
			case "bearer":
				realm := c.Params["realm"]
				if u, err := url.Parse(realm); err == nil && u.Host != "" {
					v.realms = append(v.realms, u)
					if regHost != "" && !strings.EqualFold(u.Hostname(), regHost) {
						v.facts[factRealmOtherHost] = true
					}
				}
				svc, ok := c.Params["service"]
				if !ok || svc == "" {
					v.facts[factBearerNoService] = true
				} else if realm != "" && strings.EqualFold(strings.TrimSuffix(svc, "/"), strings.TrimSuffix(realm, "/")) {
					v.facts[factServiceIsRealm] = true
				}
				if c.Params["error"] == "invalid_token" && !r.SentAuth {
					v.facts[factErrorUnprompted] = true
				}
			case "basic":
				v.basicRealms = append(v.basicRealms, c.Params["realm"])
			}
			if s := c.Params["service"]; s != "" {
				v.services = append(v.services, s)
			}
			if s := c.Params["scope"]; s != "" {
				v.scopes = append(v.scopes, s)
			}
		}
		if len(r.Body) > 0 {
			b := r.Body
			if len(b) > maxBody {
				b = b[:maxBody]
			}
			v.bodies = append(v.bodies, strings.ToLower(strings.TrimSpace(string(b))))
		}
	}
	return v
}

func hostOnly(hostport string) string {
	if u, err := url.Parse("//" + hostport); err == nil {
		return u.Hostname()
	}
	return hostport
}

func compare(o op, have, want string) bool {
	have, want = strings.ToLower(have), strings.ToLower(want)
	switch o {
	case present:
		return true
	case equal:
		return have == want
	case prefix:
		return strings.HasPrefix(have, want)
	case suffix:
		return strings.HasSuffix(have, want)
	case contains:
		return strings.Contains(have, want)
	}
	return false
}

func anyOf(o op, haves []string, want string) bool {
	for _, h := range haves {
		if compare(o, h, want) {
			return true
		}
	}
	return false
}

// holds reports whether the evidence shows s.
func (v *view) holds(s signal) bool {
	switch s.in {
	case inHeader:
		for _, r := range v.ev.Responses {
			if vals, ok := r.Headers[http.CanonicalHeaderKey(s.key)]; ok && (s.op == present || anyOf(s.op, vals, s.val)) {
				return true
			}
		}
	case inRealmHost:
		for _, u := range v.realms {
			if compare(s.op, u.Hostname(), s.val) {
				return true
			}
		}
	case inRealmPath:
		for _, u := range v.realms {
			if compare(s.op, u.Path, s.val) {
				return true
			}
		}
	case inService:
		return anyOf(s.op, v.services, s.val)
	case inScope:
		return anyOf(s.op, v.scopes, s.val)
	case inBasicRealm:
		return anyOf(s.op, v.basicRealms, s.val)
	case inBody:
		return anyOf(s.op, v.bodies, s.val)
	case inIssuer:
		for _, t := range v.ev.Tokens {
			if t.Issuer != "" && compare(s.op, t.Issuer, s.val) {
				return true
			}
		}
	case inToken:
		for _, t := range v.ev.Tokens {
			if compare(s.op, t.Raw, s.val) {
				return true
			}
		}
	case inHost:
		return hostOnly(v.ev.Host) != "" && compare(s.op, hostOnly(v.ev.Host), s.val)
	case inFact:
		return v.facts[s.val]
	}
	return false
}

type scored struct {
	fp    *fingerprint
	score int
	whys  []signal
}

// Recognise names the flavour the evidence shows best, or Unknown.
func Recognise(ev Evidence) Match {
	v := newView(ev)
	var best, fallback *scored
	for i := range fingerprints() {
		fp := &fingerprints()[i]
		sc := &scored{fp: fp}
		for _, s := range fp.signals {
			if v.holds(s) {
				sc.score += s.weight
				sc.whys = append(sc.whys, s)
			}
		}
		if sc.score == 0 || (!fp.fallback && sc.score < minScore) {
			continue
		}
		if fp.fallback {
			if fallback == nil || sc.score > fallback.score {
				fallback = sc
			}
			continue
		}
		if best == nil || sc.score > best.score {
			best = sc
		}
	}
	switch {
	case best != nil:
		return best.match(confidence(best.score))
	case fallback != nil:
		return fallback.match(Low)
	}
	return Match{ID: Unknown, Name: "unknown", Why: "no known registry's headers, challenge, error bodies or token"}
}

func confidence(score int) Confidence {
	switch {
	case score >= 5:
		return High
	case score >= 3:
		return Medium
	}
	return Low
}

// match says the matched signals, strongest first, each once.
func (sc *scored) match(c Confidence) Match {
	sort.SliceStable(sc.whys, func(i, j int) bool { return sc.whys[i].weight > sc.whys[j].weight })
	var parts []string
	seen := map[string]bool{}
	for _, s := range sc.whys {
		if !seen[s.why] && len(parts) < 4 {
			seen[s.why] = true
			parts = append(parts, s.why)
		}
	}
	why := strings.Join(parts, ", ")
	if sc.fp.fallbackWhy != "" {
		why += ", " + sc.fp.fallbackWhy
	}
	return Match{ID: sc.fp.id, Name: sc.fp.name, Why: why, Confidence: c}
}
