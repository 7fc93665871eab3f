package credkind

import (
	"fmt"
	"strings"

	"github.com/regauth/regauth/internal/diagnose"
)

// acrNullUser tells ACR that the password is one of its refresh tokens.
const acrNullUser = "00000000-0000-0000-0000-000000000000"

// byUsername recognises the kinds a fixed or patterned username announces.
func (c *classifier) byUsername() bool {
	u := c.in.Username
	switch {
	case u == "_json_key":
		c.serviceAccountKey(false)
	case u == "_json_key_base64":
		c.serviceAccountKey(true)
	case u == "oauth2accesstoken":
		c.set("google-access-token", "Google OAuth access token (gcloud auth print-access-token)", "")
		if strings.HasPrefix(c.in.Secret, "ya29.") {
			c.k.Prefix = "ya29."
		}
		c.fact("lifetime", "about 1h; the expiry is not in the token, so regauth cannot check it offline")
		c.fits("Google access token", false, famGoogle)
	case strings.EqualFold(u, acrNullUser):
		c.acrToken()
	case u == "gitlab-ci-token":
		c.set("gitlab-job-token", "GitLab CI/CD job token (CI_JOB_TOKEN)", "")
		if strings.HasPrefix(c.in.Secret, "glcbt-") {
			c.k.Prefix = "glcbt-"
		}
		c.fact("lifetime", "until the job ends; pull only in current GitLab")
		c.gitlab("GitLab CI/CD job token")
		c.stored("a GitLab CI/CD job token (user gitlab-ci-token)")
	case strings.HasPrefix(u, "gitlab+deploy-token-"):
		c.set("gitlab-deploy-token", "GitLab deploy token", "")
		if strings.HasPrefix(c.in.Secret, "gldt-") {
			c.k.Prefix = "gldt-"
		}
		c.gitlab("GitLab deploy token")
	case strings.HasPrefix(u, "robot$"):
		c.harborRobot()
	default:
		return c.mangledRobot()
	}
	return true
}

// harborRobot reads robot$name (a system robot) or robot$project+name.
func (c *classifier) harborRobot() {
	c.set("harbor-robot", "Harbor robot account", "")
	rest := strings.TrimPrefix(c.in.Username, "robot$")
	if p, n, ok := strings.Cut(rest, "+"); ok {
		c.fact("robot", fmt.Sprintf("project robot %q of project %q", n, p))
	} else {
		c.fact("robot", fmt.Sprintf("system robot %q", rest))
	}
	c.fits("Harbor robot account", true)
}

// mangledRobot recognises a Harbor robot whose "$..." a shell expanded:
// `-u robot$ci` in double quotes or none sends "robot", and
// `robot$proj+ci` sends "robot+ci". "robotproj+ci" (the $ alone removed)
// is only likely: on Quay "robotics+ci" is a real robot.
func (c *classifier) mangledRobot() bool {
	u := c.in.Username
	var msg string
	likely := false
	switch {
	case u == "robot":
		msg = `the username is "robot" alone: a Harbor robot is robot$NAME, and a shell expands an unquoted or double-quoted $NAME to nothing`
	case strings.HasPrefix(u, "robot+"):
		msg = fmt.Sprintf(`the username %q looks like robot$PROJECT+%s after a shell expanded $PROJECT to nothing`, u, strings.TrimPrefix(u, "robot+"))
	case c.host.family != famQuay && strings.HasPrefix(u, "robot") && strings.Count(u, "+") == 1 && !strings.HasPrefix(u, "robot_"):
		p, n, _ := strings.Cut(strings.TrimPrefix(u, "robot"), "+")
		if p == "" || n == "" {
			return false
		}
		likely = true
		msg = fmt.Sprintf(`the username %q looks like the Harbor robot robot$%s+%s with its $ removed`, u, p, n)
	default:
		return false
	}
	c.set("harbor-robot", "Harbor robot account (name mangled)", "")
	d := c.find(diagnose.HarborRobotNameMangled, msg, "")
	if likely {
		d.Severity = diagnose.Warning
	}
	c.fits("Harbor robot account", true)
	return true
}

// quayRobot recognises Quay's NAMESPACE+ROBOT usernames.
func (c *classifier) quayRobot() bool {
	ns, name, ok := strings.Cut(c.in.Username, "+")
	if !ok || !quayName(ns) || !quayName(name) {
		return false
	}
	c.set("quay-robot", "Quay robot account", "")
	c.fact("robot", fmt.Sprintf("robot %q of namespace %q", name, ns))
	c.fits("Quay robot account", true, famQuay)
	return true
}

func quayName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		if !(b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == '_') {
			return false
		}
	}
	return true
}
