package federation

import (
	"crypto/ed25519"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"lifeline"
)

// RFC 9421 appendix B.1.4, test-key-ed25519: a PKCS#8 PEM whose last 32
// bytes are the seed.
const rfcKeyPEM = "MC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF"

func rfcKey(t testing.TB) ed25519.PrivateKey {
	t.Helper()
	der, err := base64.StdEncoding.DecodeString(rfcKeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	return ed25519.NewKeyFromSeed(der[len(der)-32:])
}

// rfcRequest is the test-request of RFC 9421 appendix B.2.
func rfcRequest() Request {
	return Request{Method: "POST", TargetURI: "https://example.com/foo?param=Value&Pet=dog", Header: map[string][]string{
		"Host":           {"example.com"},
		"Date":           {"Tue, 20 Apr 2021 02:07:55 GMT"},
		"Content-Type":   {"application/json"},
		"Content-Digest": {"sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:"},
		"Content-Length": {"18"},
	}}
}

// TestRFC9421VectorB26 reproduces appendix B.2.6 of RFC 9421 byte for
// byte: the signature base and the Ed25519 signature (which is
// deterministic).
func TestRFC9421VectorB26(t *testing.T) {
	p := SigParams{Components: []string{"date", "@method", "@path", "@authority", "content-type", "content-length"},
		Created: 1618884473, KeyID: "test-key-ed25519"}
	base, err := SignatureBase(rfcRequest(), p)
	if err != nil {
		t.Fatal(err)
	}
	wantBase := `"date": Tue, 20 Apr 2021 02:07:55 GMT
"@method": POST
"@path": /foo
"@authority": example.com
"content-type": application/json
"content-length": 18
"@signature-params": ("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"`
	if base != wantBase {
		t.Fatalf("signature base:\n%s\nwant:\n%s", base, wantBase)
	}
	in, sig, err := Sign(rfcKey(t), rfcRequest(), p)
	if err != nil {
		t.Fatal(err)
	}
	const wantSig = "wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw=="
	if sig != SignatureLabel+"=:"+wantSig+":" {
		t.Errorf("signature = %s, want the RFC's %s", sig, wantSig)
	}
	if !strings.HasSuffix(in, `("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"`) {
		t.Errorf("Signature-Input = %s", in)
	}
	// The RFC's own header fields parse back to the same parameters.
	got, err := parseMember(`sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"`, "sig-b26")
	if err != nil || got.String() != p.String() {
		t.Errorf("parse of the RFC's Signature-Input = %v, %v", got, err)
	}
}

func TestVerifyRequest(t *testing.T) {
	_, key, _ := ed25519.GenerateKey(nil)
	pub := key.Public().(ed25519.PublicKey)
	fp := Fingerprint(pub)
	keyOf := func(k string) (ed25519.PublicKey, bool) {
		if k == fp {
			return pub, true
		}
		return nil, false
	}
	now := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	body := []byte(`{"after":"17"}`)
	signed := func() Request {
		r := Request{Method: "POST", TargetURI: "https://b.example/federation/v1/notify", Header: map[string][]string{}}
		if err := SignRequest(key, r, body, now); err != nil {
			t.Fatal(err)
		}
		return r
	}
	if who, err := VerifyRequest(signed(), body, now.Add(time.Minute), keyOf); err != nil || who != fp {
		t.Fatalf("a good request: %q, %v", who, err)
	}
	for name, tc := range map[string]struct {
		change func(*Request) []byte
		want   string
	}{
		"unsigned":     {func(r *Request) []byte { delete(r.Header, "Signature"); return body }, "not signed"},
		"other body":   {func(r *Request) []byte { return []byte(`{"after":"18"}`) }, "Content-Digest"},
		"other method": {func(r *Request) []byte { r.Method = "PUT"; return body }, "does not verify"},
		"other target": {func(r *Request) []byte { r.TargetURI = "https://c.example/federation/v1/notify"; return body }, "does not verify"},
		"unknown key": {func(r *Request) []byte {
			r.Header["Signature-Input"][0] = strings.Replace(r.Header["Signature-Input"][0], fp, strings.Repeat("0", 64), 1)
			return body
		}, "not a peer"},
		"digest dropped": {func(r *Request) []byte {
			r.Header["Signature-Input"][0] = strings.Replace(r.Header["Signature-Input"][0], ` "content-digest"`, "", 1)
			return body
		}, "must cover content-digest"},
		"bad field": {func(r *Request) []byte { r.Header["Signature-Input"] = []string{`lifeline=("@method"`}; return body }, "not closed"},
	} {
		r := signed()
		b := tc.change(&r)
		_, err := VerifyRequest(r, b, now, keyOf)
		if err == nil || lifeline.ErrorCode(err) != lifeline.EFORBIDDEN || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want EFORBIDDEN saying %q", name, err, tc.want)
		}
	}
	if _, err := VerifyRequest(signed(), body, now.Add(6*time.Minute), keyOf); err == nil || !strings.Contains(err.Error(), "created") {
		t.Errorf("a signature older than %v: err = %v, want refused", MaxSignatureAge, err)
	}
}

func FuzzParseSignatureInput(f *testing.F) {
	f.Add(`lifeline=("@method" "@target-uri");created=1618884473;keyid="ab";alg="ed25519"`)
	f.Add(`a=(), lifeline=("x\"y");created=1`)
	f.Add(`lifeline=("@method";created=`)
	f.Fuzz(func(t *testing.T, s string) {
		p, err := parseMember(s, SignatureLabel)
		if err != nil {
			return
		}
		// What parses serialises to something that parses to the same.
		q, err := parseInner(p.String())
		if err != nil {
			t.Fatalf("%q parsed, but its serialisation %q does not: %v", s, p.String(), err)
		}
		if q.String() != p.String() {
			t.Fatalf("round trip changed %q to %q", p.String(), q.String())
		}
	})
}
