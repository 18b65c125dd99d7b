package exchange

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
)

// A name-based UUID (RFC 9562, version 5, SHA-1). Written here rather
// than taken from a library because the usual one (google/uuid) imports
// database/sql/driver, which no engine package may depend on; STIX needs
// nothing more than these two functions.

// uuidNS is a UUID in its 16 bytes.
type uuidNS [16]byte

// uuidNameSpaceURL is RFC 9562's namespace for URLs.
var uuidNameSpaceURL = mustUUID("6ba7b811-9dad-11d1-80b4-00c04fd430c8")

// uuidV5 returns the version 5 UUID of name in namespace ns.
func uuidV5(ns uuidNS, name []byte) string {
	h := sha1.New()
	h.Write(ns[:])
	h.Write(name)
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50 // version 5
	u[8] = u[8]&0x3f | 0x80 // RFC 9562 variant
	return formatUUID(u)
}

func formatUUID(u [16]byte) string {
	var b [36]byte
	hex.Encode(b[0:8], u[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], u[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], u[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], u[8:10])
	b[23] = '-'
	hex.Encode(b[24:], u[10:])
	return string(b[:])
}

// parseUUID reads the 36-character form of a UUID.
func parseUUID(s string) (uuidNS, error) {
	var u uuidNS
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return u, fmt.Errorf("expected a UUID such as 6ba7b811-9dad-11d1-80b4-00c04fd430c8")
	}
	h := s[0:8] + s[9:13] + s[14:18] + s[19:23] + s[24:]
	if _, err := hex.Decode(u[:], []byte(h)); err != nil {
		return u, fmt.Errorf("expected a UUID such as 6ba7b811-9dad-11d1-80b4-00c04fd430c8")
	}
	return u, nil
}

func mustUUID(s string) uuidNS {
	u, err := parseUUID(s)
	if err != nil {
		panic(err)
	}
	return u
}
