package exchange

import "testing"

// The version 5 UUIDs match RFC 9562's own example (Appendix A.4: the
// name "www.example.com" in the DNS namespace) and Python's uuid.uuid5.
func TestUUIDv5(t *testing.T) {
	dns := mustUUID("6ba7b810-9dad-11d1-80b4-00c04fd430c8")
	if got, want := uuidV5(dns, []byte("www.example.com")), "2ed6657d-e927-568b-95e1-2665a8aea6a2"; got != want {
		t.Errorf("uuid5(DNS, www.example.com) = %s, want %s", got, want)
	}
	if got, want := uuidV5(uuidNameSpaceURL, []byte("http://python.org/")), "4c565f0d-3f5a-5890-b41b-20cf47701c5e"; got != want {
		t.Errorf("uuid5(URL, http://python.org/) = %s, want %s", got, want)
	}
	if _, err := parseUUID("6ba7b810-9dad-11d1-80b4-00c04fd430cZ"); err == nil {
		t.Error("a bad UUID parsed")
	}
}
