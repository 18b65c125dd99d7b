package lifeline

import (
	"fmt"
	"strings"
	"testing"
)

func TestErrorIsForPeople(t *testing.T) {
	inner := Errorf(EINVALID, "coord.Marking.Validate", "tlp: expected one of TLP:CLEAR, TLP:GREEN, found %q", "TLP:BLUE")
	outer := fmt.Errorf("line 3: %w", &Error{Code: EINVALID, Op: "exchange.ReadHXL", Err: inner})
	for _, tc := range []struct {
		err  error
		want string
	}{
		{inner, `tlp: expected one of TLP:CLEAR, TLP:GREEN, found "TLP:BLUE"`},
		{outer, `line 3: tlp: expected one of TLP:CLEAR, TLP:GREEN, found "TLP:BLUE"`},
		{&Error{Code: ENOTFOUND, Op: "store.FindNeedByID"}, "not found"},
		{&Error{Code: EINTERNAL, Op: "store.commit"}, "internal error"},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
		if got := ErrorMessage(tc.err); strings.Contains(got, "coord.") || strings.Contains(got, "store.") {
			t.Errorf("ErrorMessage(%v) shows an operation: %q", tc.err, got)
		}
	}
	if got := Trace(outer); !strings.HasPrefix(got, "exchange.ReadHXL > coord.Marking.Validate: line 3:") {
		t.Errorf("Trace = %q, want the operations first, outermost first", got)
	}
	if got := ErrorMessage(fmt.Errorf("dial tcp: refused")); got != "internal error" {
		t.Errorf("ErrorMessage of a foreign error = %q, want a generic text", got)
	}
	if ErrorCode(outer) != EINVALID || ErrorCode(nil) != "" || ErrorCode(fmt.Errorf("x")) != EINTERNAL {
		t.Error("ErrorCode does not find the code through the chain")
	}
}
