// Package axe embeds axe-core 4.14.1 (Deque Systems, MPL-2.0; LICENSE
// beside this file), the accessibility engine the end-to-end tests run in
// Chromium on every page. It is vendored so the tests run offline and
// always with the same rules; it is imported by tests only and never
// served to users.
package axe

import _ "embed"

// Version is the vendored axe-core release.
const Version = "4.14.1"

// Source is axe.min.js, to evaluate in a page before calling axe.run.
//
//go:embed axe.min.js
var Source string
