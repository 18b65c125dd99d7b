package federation

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/textproto"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"lifeline"
)

// Requests between peers are signed with HTTP Message Signatures (RFC
// 9421) using the requesting instance's Ed25519 key, rather than mutual
// TLS: a signature survives the TLS-terminating proxies and load balancers
// most instances sit behind, binds the method, the URL and the body
// (Content-Digest, RFC 9530) rather than a connection, and uses the one
// key an instance already has, which peers pin by fingerprint. This file
// implements the part of RFC 9421 that the protocol uses: derived
// components @method, @target-uri, @authority, @path and @query, header
// fields, and the created, expires, keyid, alg, nonce and tag parameters,
// with the ed25519 algorithm. It is written by hand because no library for
// it could be had here; the RFC's own test vector (appendix B.2.6) checks
// it.

// SigParams are a signature's covered components and parameters, in the
// order they are serialised.
type SigParams struct {
	Components []string // e.g. "@method", "@target-uri", "content-digest"
	Created    int64    // Unix seconds; 0 leaves it out
	Expires    int64    // Unix seconds; 0 leaves it out
	KeyID      string
	Alg        string // "ed25519" or ""
	Nonce      string
	Tag        string
	order      []string // parameter order when parsed
}

// String serialises p as the inner list of a Signature-Input member (RFC
// 8941), e.g. ("@method" "@target-uri");created=1618884473;keyid="k".
func (p SigParams) String() string {
	var b strings.Builder
	b.WriteByte('(')
	for i, c := range p.Components {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.Quote(c))
	}
	b.WriteByte(')')
	order := p.order
	if order == nil {
		order = []string{"created", "expires", "keyid", "alg", "nonce", "tag"}
	}
	for _, name := range order {
		switch name {
		case "created":
			if p.Created != 0 {
				fmt.Fprintf(&b, ";created=%d", p.Created)
			}
		case "expires":
			if p.Expires != 0 {
				fmt.Fprintf(&b, ";expires=%d", p.Expires)
			}
		case "keyid":
			if p.KeyID != "" {
				b.WriteString(";keyid=" + strconv.Quote(p.KeyID))
			}
		case "alg":
			if p.Alg != "" {
				b.WriteString(";alg=" + strconv.Quote(p.Alg))
			}
		case "nonce":
			if p.Nonce != "" {
				b.WriteString(";nonce=" + strconv.Quote(p.Nonce))
			}
		case "tag":
			if p.Tag != "" {
				b.WriteString(";tag=" + strconv.Quote(p.Tag))
			}
		}
	}
	return b.String()
}

// Request is what a signature covers of an HTTP request: http.Request's
// method, absolute URL and header (http.Header converts to Header).
type Request struct {
	Method    string
	TargetURI string // absolute: scheme, authority, path and query
	Header    map[string][]string
}

// value returns the value of one covered component of r.
func (r Request) value(c string) (string, error) {
	u, err := url.Parse(r.TargetURI)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("the target URI %q is not absolute", r.TargetURI)
	}
	switch c {
	case "@method":
		return strings.ToUpper(r.Method), nil
	case "@target-uri":
		return r.TargetURI, nil
	case "@authority":
		return strings.ToLower(u.Host), nil
	case "@path":
		if u.EscapedPath() == "" {
			return "/", nil
		}
		return u.EscapedPath(), nil
	case "@query":
		return "?" + u.RawQuery, nil
	}
	if strings.HasPrefix(c, "@") || c == "" || c != strings.ToLower(c) {
		return "", fmt.Errorf("the component %q is not supported (expected @method, @target-uri, @authority, @path, @query or a lower-case header name)", c)
	}
	vs, ok := r.Header[textproto.CanonicalMIMEHeaderKey(c)]
	if !ok {
		return "", fmt.Errorf("the header %q is covered but absent", c)
	}
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = strings.TrimSpace(v)
	}
	return strings.Join(out, ", "), nil
}

// SignatureBase returns the bytes a signature covers (RFC 9421 section
// 2.5): one line per component, then the @signature-params line.
func SignatureBase(r Request, p SigParams) (string, error) {
	var b strings.Builder
	seen := map[string]bool{}
	for _, c := range p.Components {
		if seen[c] {
			return "", fmt.Errorf("the component %q is covered twice", c)
		}
		seen[c] = true
		v, err := r.value(c)
		if err != nil {
			return "", err
		}
		if strings.ContainsAny(v, "\r\n") {
			return "", fmt.Errorf("the component %q holds a line break", c)
		}
		fmt.Fprintf(&b, "%q: %s\n", c, v)
	}
	fmt.Fprintf(&b, "%q: %s", "@signature-params", p.String())
	return b.String(), nil
}

// ContentDigest returns the Content-Digest field value (RFC 9530) of body
// with SHA-256.
func ContentDigest(body []byte) string {
	sum := sha256.Sum256(body)
	return "sha-256=:" + base64.StdEncoding.EncodeToString(sum[:]) + ":"
}

// SignatureLabel is the label of the signature peers add and look for.
const SignatureLabel = "lifeline"

// Sign signs r with key for the components of p and returns the values of
// the Signature-Input and Signature fields, under SignatureLabel.
func Sign(key ed25519.PrivateKey, r Request, p SigParams) (input, signature string, err error) {
	base, err := SignatureBase(r, p)
	if err != nil {
		return "", "", lifeline.Errorf(lifeline.EINVALID, "federation.Sign", "sign the request: %v", err)
	}
	sig := ed25519.Sign(key, []byte(base))
	return SignatureLabel + "=" + p.String(), SignatureLabel + "=:" + base64.StdEncoding.EncodeToString(sig) + ":", nil
}

// SignRequest signs a request of this protocol: it covers @method,
// @target-uri and, when the request has a body, content-digest (which it
// sets from body), created now, keyid the instance's fingerprint and
// alg ed25519. It sets the three fields in r.Header.
func SignRequest(key ed25519.PrivateKey, r Request, body []byte, now time.Time) error {
	p := SigParams{Components: []string{"@method", "@target-uri"}, Created: now.Unix(),
		KeyID: Fingerprint(key.Public().(ed25519.PublicKey)), Alg: "ed25519"}
	if body != nil {
		r.Header["Content-Digest"] = []string{ContentDigest(body)}
		p.Components = append(p.Components, "content-digest")
	}
	in, sig, err := Sign(key, r, p)
	if err != nil {
		return err
	}
	r.Header["Signature-Input"] = []string{in}
	r.Header["Signature"] = []string{sig}
	return nil
}

// MaxSignatureAge is how old a request's signature may be (and how far in
// the future its clock may run) before it is refused.
const MaxSignatureAge = 5 * time.Minute

// VerifyRequest checks the SignatureLabel signature of a request of this
// protocol and returns the fingerprint of the peer that signed it. It
// requires @method, @target-uri and, with a body, content-digest matching
// the body; a created time within MaxSignatureAge of now; alg ed25519 if
// given; and a keyid that keyOf knows. Errors are EFORBIDDEN saying what is
// wrong (the API answers them 401).
func VerifyRequest(r Request, body []byte, now time.Time, keyOf KeyOf) (string, error) {
	const op = "federation.VerifyRequest"
	deny := func(format string, args ...any) (string, error) {
		return "", lifeline.Errorf(lifeline.EFORBIDDEN, op, "request signature: "+format, args...)
	}
	inputs, sigs := r.Header["Signature-Input"], r.Header["Signature"]
	if len(inputs) == 0 || len(sigs) == 0 {
		return deny("the request is not signed (expected Signature-Input and Signature fields, RFC 9421)")
	}
	p, err := parseMember(strings.Join(inputs, ", "), SignatureLabel)
	if err != nil {
		return deny("Signature-Input: %v", err)
	}
	sig, err := parseSignature(strings.Join(sigs, ", "), SignatureLabel)
	if err != nil {
		return deny("Signature: %v", err)
	}
	for _, need := range []string{"@method", "@target-uri"} {
		if !slices.Contains(p.Components, need) {
			return deny("it must cover %s", need)
		}
	}
	if body != nil {
		if !slices.Contains(p.Components, "content-digest") {
			return deny("a request with a body must cover content-digest")
		}
		if got := strings.Join(r.Header["Content-Digest"], ", "); got != ContentDigest(body) {
			return deny("Content-Digest does not match the body")
		}
	}
	if p.Alg != "" && p.Alg != "ed25519" {
		return deny("alg: expected ed25519, found %q", p.Alg)
	}
	created := time.Unix(p.Created, 0)
	if p.Created == 0 || now.Sub(created) > MaxSignatureAge || created.Sub(now) > MaxSignatureAge {
		return deny("created: expected a time within %v of this server's clock (%s), found %s", MaxSignatureAge, now.UTC().Format(time.RFC3339), created.UTC().Format(time.RFC3339))
	}
	if p.Expires != 0 && now.After(time.Unix(p.Expires, 0)) {
		return deny("the signature expired at %s", time.Unix(p.Expires, 0).UTC().Format(time.RFC3339))
	}
	key, ok := keyOf(p.KeyID)
	if !ok {
		return deny("keyid %q is not a peer of this instance, or it is suspended", p.KeyID)
	}
	base, err := SignatureBase(r, p)
	if err != nil {
		return deny("%v", err)
	}
	if !ed25519.Verify(key, []byte(base), sig) {
		return deny("the signature does not verify with the key of %s", short(p.KeyID))
	}
	return p.KeyID, nil
}

// parseMember finds the member label in a Signature-Input dictionary and
// parses its inner list and parameters (RFC 8941, the subset RFC 9421
// uses: strings and integers).
func parseMember(field, label string) (SigParams, error) {
	for _, m := range splitDict(field) {
		name, val, ok := strings.Cut(m, "=")
		if !ok || strings.TrimSpace(name) != label {
			continue
		}
		return parseInner(strings.TrimSpace(val))
	}
	return SigParams{}, fmt.Errorf("no member labelled %q", label)
}

func parseSignature(field, label string) ([]byte, error) {
	for _, m := range splitDict(field) {
		name, val, ok := strings.Cut(m, "=")
		if !ok || strings.TrimSpace(name) != label {
			continue
		}
		val = strings.TrimSpace(val)
		if len(val) < 2 || val[0] != ':' || val[len(val)-1] != ':' {
			return nil, fmt.Errorf("expected a byte sequence, base64 between colons")
		}
		b, err := base64.StdEncoding.DecodeString(val[1 : len(val)-1])
		if err != nil || len(b) != ed25519.SignatureSize {
			return nil, fmt.Errorf("expected a base64 Ed25519 signature of %d bytes", ed25519.SignatureSize)
		}
		return b, nil
	}
	return nil, fmt.Errorf("no member labelled %q", label)
}

// splitDict splits a dictionary field at top-level commas (outside quotes
// and parentheses).
func splitDict(s string) []string {
	var out []string
	depth, quoted, start := 0, false, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case quoted && c == '\\':
			i++
		case c == '"':
			quoted = !quoted
		case !quoted && c == '(':
			depth++
		case !quoted && c == ')':
			depth--
		case !quoted && depth == 0 && c == ',':
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

func parseInner(s string) (SigParams, error) {
	var p SigParams
	if !strings.HasPrefix(s, "(") {
		return p, fmt.Errorf("expected an inner list in parentheses")
	}
	end := -1
	quoted := false
	for i := 1; i < len(s); i++ {
		if quoted && s[i] == '\\' {
			i++
			continue
		}
		if s[i] == '"' {
			quoted = !quoted
		}
		if !quoted && s[i] == ')' {
			end = i
			break
		}
	}
	if end < 0 {
		return p, fmt.Errorf("the inner list is not closed")
	}
	for _, item := range strings.Fields(s[1:end]) {
		c, err := strconv.Unquote(item)
		if err != nil || item[0] != '"' {
			return p, fmt.Errorf("component %s: expected a quoted string", item)
		}
		p.Components = append(p.Components, c)
	}
	for _, param := range strings.Split(s[end+1:], ";")[1:] {
		name, val, ok := strings.Cut(strings.TrimSpace(param), "=")
		if !ok {
			return p, fmt.Errorf("parameter %q has no value", param)
		}
		p.order = append(p.order, name)
		str := func() (string, error) {
			v, err := strconv.Unquote(val)
			if err != nil || !strings.HasPrefix(val, `"`) {
				return "", fmt.Errorf("parameter %s: expected a quoted string, found %s", name, val)
			}
			return v, nil
		}
		var err error
		switch name {
		case "created", "expires":
			var n int64
			if n, err = strconv.ParseInt(val, 10, 64); err != nil || n <= 0 {
				return p, fmt.Errorf("parameter %s: expected a positive integer, found %s", name, val)
			}
			if name == "created" {
				p.Created = n
			} else {
				p.Expires = n
			}
		case "keyid":
			p.KeyID, err = str()
		case "alg":
			p.Alg, err = str()
		case "nonce":
			p.Nonce, err = str()
		case "tag":
			p.Tag, err = str()
		default:
			return p, fmt.Errorf("parameter %q is not supported", name)
		}
		if err != nil {
			return p, err
		}
	}
	return p, nil
}
