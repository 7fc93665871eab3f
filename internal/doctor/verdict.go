package doctor

import (
	"github.com/regauth/regauth/internal/diagnose"
	"github.com/regauth/regauth/internal/flow"
)

// Verdict is a registry's outcome in a word or two, for the table.
type Verdict string

const (
	OK                 Verdict = "ok"
	Open               Verdict = "ok (open: no auth)"
	BadCredentials     Verdict = "bad credentials"
	NoCredentials      Verdict = "no credentials"
	HelperFailed       Verdict = "helper failed"
	Unreachable        Verdict = "unreachable"
	TLSProblem         Verdict = "TLS problem"
	Timeout            Verdict = "timeout"
	TokenServiceBroken Verdict = "token service broken"
	TokenRejected      Verdict = "token rejected"
	NotARegistry       Verdict = "not a registry"
	Refused            Verdict = "refused"
	ConfigError        Verdict = "config error"
)

// byCode names the verdict for the first error diagnosis of a trace.
var byCode = map[diagnose.Code]Verdict{
	diagnose.BadCredentials:        BadCredentials,
	diagnose.NoCredentials:         NoCredentials,
	diagnose.CredentialHelperError: HelperFailed,
	diagnose.RegistryUnreachable:   Unreachable,
	diagnose.RealmUnreachable:      TokenServiceBroken,
	diagnose.TLSUnknownAuthority:   TLSProblem,
	diagnose.TLSHostnameMismatch:   TLSProblem,
	diagnose.TLSExpired:            TLSProblem,
	diagnose.TLSHandshake:          TLSProblem,
	diagnose.HTTPResponseToHTTPS:   TLSProblem,
	diagnose.Timeout:               Timeout,
	diagnose.TokenEndpointError:    TokenServiceBroken,
	diagnose.TokenMissing:          TokenServiceBroken,
	diagnose.RealmMissing:          TokenServiceBroken,
	diagnose.RealmInvalid:          TokenServiceBroken,
	diagnose.RealmPlainHTTP:        TokenServiceBroken,
	diagnose.TokenRejected:         TokenRejected,
	diagnose.NotARegistry:          NotARegistry,
	diagnose.NoChallenge:           NotARegistry,
	// What the credential's kind shows decides before the wire: a
	// refusal of an expired or misplaced secret is a bad credential.
	diagnose.CredentialExpired:          BadCredentials,
	diagnose.CredentialWrongRegistry:    BadCredentials,
	diagnose.CredentialWrongUsername:    BadCredentials,
	diagnose.GHCRNeedsClassicPAT:        BadCredentials,
	diagnose.ServiceAccountKeyMalformed: BadCredentials,
	diagnose.HarborRobotNameMangled:     BadCredentials,
}

// Judge gives a trace its verdict and the code that decided it.
func Judge(t *flow.Trace) (Verdict, diagnose.Code) {
	if t.OK() {
		for _, d := range t.Diagnoses {
			if d.Code == diagnose.OpenRegistry {
				return Open, d.Code
			}
		}
		return OK, ""
	}
	for _, d := range t.Diagnoses {
		if d.Severity != diagnose.Error {
			continue
		}
		if v, ok := byCode[d.Code]; ok {
			return v, d.Code
		}
		return Refused, d.Code
	}
	if t.Verdict == flow.VerdictTransport {
		return Unreachable, ""
	}
	return Refused, ""
}

// Exit is the exit code a verdict stands for: 0 ok, 1 refused or broken,
// 3 could not talk to the registry.
func (v Verdict) Exit() int {
	switch v {
	case OK, Open:
		return 0
	case Unreachable, TLSProblem, Timeout:
		return 3
	}
	return 1
}

// WorstExit is the exit code of the worst result: a transport failure
// outranks a refusal, which outranks success.
func WorstExit(rs []Result) int {
	worst := 0
	for _, r := range rs {
		if e := r.Verdict.Exit(); e > worst {
			worst = e
		}
	}
	return worst
}
