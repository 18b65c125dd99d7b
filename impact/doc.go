// Package impact computes what a crisis breaks: it compiles an atlas into a
// graph on flat arrays, reads scenarios (docs/scenarios.md) and applies their
// events — cable cuts, regions, station losses, national shutdowns, solar
// storms, earthquakes, power outages — and reports per country whether a
// path to the global core remains and how much of its capacity to the core
// is lost, with Monte Carlo sampling for events that strike by chance.
//
// # The graph
//
// Nodes are countries, branching units at sea, and the core, a super-sink
// tied to a set of hub countries (DefaultCore; docs/impact.md says why).
// Each landing point is merged into its country's node: the tie between a
// station and its country is taken as unbounded, so merging changes no
// reachability and no flow. Edges are cable segments (with their cable's
// capacity; parallel segments between the same two nodes are summed) and
// terrestrial border links. A failed station removes the segments that end
// at it; a shut-down country is removed with every edge it touches, so
// nothing transits it.
//
// # What is computed
//
// A country is reachable when a path of live edges joins it to the core
// (one breadth-first search per sample serves every country). Its capacity
// loss is one minus its max-flow to the core after the failures over before
// (Dinic's algorithm on the flat arrays, in whole Mbit/s so that results
// are exact). A country whose baseline flow uses no failed edge keeps its
// flow and needs no new computation.
//
// A national gateway (atlas gateways.csv) fails with its site or when a
// scenario names it, and withdraws its country's own networks as a
// routing shutdown does. Every country's result ends with a demand check
// (demand.go): the capacity left to the core against the country's
// published use of international bandwidth, enough, short or unknown.
//
// # Faults already standing
//
// A scenario's standing faults (Scenario.Standing) are what was already
// down when its events happened. Simulate computes the baselines of the
// network they left on a graph of its own (standing.go), sharing the
// compiled network and leaving the Graph unchanged: every "before" —
// capacity, reachability, circuits and their hand-over — is that
// network's, and the events' losses are measured against it.
//
// # The AS level
//
// SimulateAS runs a scenario's shutdown and ases events on the graph of
// autonomous systems (package asrel, from CAIDA's relationships): a
// shutdown fails the networks an AS-to-country table registers in the
// country, and the result says, per country and per network, how many
// destinations lose every valley-free path, and which networks' own paths
// crossed the failed ones. Result.ASLevel carries it beside the cable
// level.
//
// # Determinism
//
// Sample i draws from a SplitMix64 generator seeded with (seed, i); samples
// are summed in fixed blocks added up in order; so the same seed gives the
// same output byte for byte whatever the number of workers.
//
// A Graph is immutable and safe for concurrent use.
package impact
