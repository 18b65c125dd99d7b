// Package watch detects Internet disruptions in measurement signals, the
// way IODA does, and tells a national shutdown from one network's outage.
//
// # Signals
//
// A signal is a regular time series (Series) keyed by its kind and the
// entity it describes (Key): "bgp:country/IR" is the number of IPv4 /24
// blocks of Iran that BGP routers see, per 5 minutes. The kinds are those
// of DOMAIN.md §4: KindBGP (visible /24s, computed from MRT data by
// watch/visibility), KindProbing (/24s answering active probes) and
// KindTelescope (unique sources reaching a network telescope); any other
// name is allowed. Signals come from
//
//   - MRT RIB dumps and update streams, through watch/visibility;
//   - IODA API v2 JSON (raw signals and outage events), through watch/ioda;
//   - the generic CSV format "entity,time,value" (ReadCSV).
//
// watch/rir reads the RIRs' delegated-extended statistics into the table
// that maps AS numbers to countries, for aggregation and for the hints.
//
// # Detection
//
// Detector.SeriesEvents compares each value with the median of a sliding
// window of the values before it (the baseline). Below Threshold.Warning of
// the baseline the value is extreme, below Threshold.Critical critical;
// the defaults are IODA's: BGP 24 h, 99 % and 50 %; active probing 7 d,
// 80 % and 50 %; telescope 7 d, 25 % and 10 %. While a value is extreme
// the baseline's prediction enters the history instead of the value
// (inpainting), so that an outage does not become normal; after seven days
// of it the history is rebuilt from the values and the new level is
// normal. A run of extreme values that lasts Threshold.MinDuration is an
// Event, whose severity is Σ (baseline − value)/baseline × 100 × minutes.
//
// Detector.Alerts groups one entity's overlapping events into an Alert:
// suspected when one kind of signal fell, confirmed when a second kind
// agrees. Its score multiplies the severities of the kinds that fired.
// Each alert carries a Hint with its reasons: a shutdown when several
// networks of one country fell within minutes of each other (often at a
// round hour), an outage when one network fell alone.
//
// # Live
//
// Detector.Online returns the detector in online form: it judges one
// closed bin at a time with the state machine SeriesEvents uses, reports an
// event the moment it is raised, and finds what the batch detector finds on
// the same data. watch/stream feeds it the BGP signal as routing updates
// arrive (from RIS Live messages, decoded by watch/rislive, or MRT update
// files); the adapter package feed brings those in from the network.
//
// # Incidents
//
// Drafts turns alerts into Draft incidents, one per shutdown (all the
// networks of the country together) or per outage; Submit hands them to an
// IncidentDrafter, which the coordination module implements. This package
// does not know that module.
//
// # Determinism
//
// Nothing here reads a clock or a random source: the same input gives the
// same alerts, byte for byte. The ground-truth generator of watch/eval
// takes an explicit seed.
package watch
