package flow

import (
	"bufio"
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/regauth/regauth/internal/diagnose"
)

// A fake server on a raw socket, because no HTTP server library can be
// made to send these: a broken status line, and a header with a control
// character. Each is MALFORMED_RESPONSE, not "could not be reached".
func TestMalformedResponse(t *testing.T) {
	for name, answer := range map[string]string{
		"status line":    "HTTP/1.1 two hundred OK\r\n\r\n",
		"control header": "HTTP/1.1 401 Unauthorized\r\nWww-Authenticate: Bearer\x01realm=x\r\nContent-Length: 0\r\n\r\n",
	} {
		t.Run(name, func(t *testing.T) {
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			go func() {
				for {
					c, err := l.Accept()
					if err != nil {
						return
					}
					go func(c net.Conn) {
						defer c.Close()
						bufio.NewReader(c).ReadString('\n')
						c.Write([]byte(answer))
					}(c)
				}
			}()
			tr := Login(context.Background(), Options{Registry: "http://" + l.Addr().String(), Timeout: 3 * time.Second})
			if tr.Verdict != VerdictTransport || !hasCode(tr, diagnose.MalformedResponse) || hasCode(tr, diagnose.RegistryUnreachable) {
				t.Fatalf("%s: %s\n%s", tr.Verdict, tr.Summary, diagText(tr))
			}
			if strings.Contains(tr.Summary, "could not be reached") {
				t.Errorf("summary %q", tr.Summary)
			}
		})
	}
}
