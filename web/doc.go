// Package web is Lifeline's web interface: server-rendered pages that
// give every member the same picture of a crisis and work over a
// satellite or USB-modem link.
//
// Pages are html/template documents readable without JavaScript; one
// small script (static/app.js) only helps pick places on maps. Maps are
// SVG drawn on the server (package svgmap) from the embedded country
// shapes. Every asset is embedded in the binary and served under a
// content-hashed name with a year-long cache; pages carry an ETag and are
// gzipped, so a repeat visit costs a few hundred bytes. The
// Content-Security-Policy allows nothing but this origin: no CDN, font,
// tile or analytics request ever leaves it.
//
// The coordination pages (dashboard, incidents, needs and offers,
// organisations, members) go through the coord service interfaces,
// which apply the TLP policy (coord.CanSee) to every read: a page never
// decides visibility itself, and an item the viewer may not see is a 404
// exactly as one that does not exist. Members log in with their bearer
// token; the server keeps the session (Sessions) and gives the browser a
// random id in an HttpOnly, SameSite=Strict cookie, Secure under TLS.
// Every form that changes something carries a CSRF token derived from the
// session (or, before login, from a cookie) with the server's key.
//
// The atlas explorer, the simulator and the country profiles need only
// the atlas and the impact engine, and are open to anyone.
//
// docs/web.md describes the pages, the budget they are held to and how
// the end-to-end tests check them in Chromium.
package web
