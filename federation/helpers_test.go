package federation

import (
	"encoding/base64"
	"encoding/hex"
)

func hexKey(k []byte) string { return hex.EncodeToString(k) }
func b64Key(k []byte) string { return base64.StdEncoding.EncodeToString(k) }
