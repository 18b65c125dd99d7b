// Package asrel reads AS relationship files in CAIDA's serial-1 format and
// answers which networks can still reach which others when some fail.
//
// # Relationships and valley-free paths
//
// Each line of a serial-1 file is one link between two autonomous systems
// (ASes): "<provider>|<customer>|-1" when the first sells transit to the
// second, "<peer>|<peer>|0" when they exchange their customers' traffic
// free of charge. Lines starting with '#' are comments. Files are read
// plain or bzip2-compressed, as CAIDA publishes them (recognised by their
// first bytes, not their name).
//
// Networks forward traffic for money, so a usable path is valley-free
// (Gao, 2001): it climbs from customer to provider any number of hops,
// crosses at most one peer link, then descends from provider to customer.
// A path that goes down and up again would have a network carry traffic
// between two of its providers, or between a provider and a peer, for
// free; one with two peer links would have a peer carry traffic for
// another peer. Neither is announced. The reverse of a valley-free path is
// valley-free, so reachability is symmetric.
//
// # Computing what a failure breaks
//
// The ASes that reach a destination d form one set, found by one search:
// climb from d through its providers (the ASes above it), add their peers,
// then take everything below those (their customer cones). That is O(V+E)
// per destination, and all pairs of the 2016 Internet (55,809 ASes) would
// take minutes. Evaluate does less, and does it wider:
//
//   - Only pairs with an end in the failed ASes' customer cones can lose
//     their paths: a path through a failed AS f has f on its climb, so its
//     source lies in f's cone, or on its descent, so its destination does.
//     Evaluate searches from the ASes of those cones only.
//   - Stubs without peers and with the same providers reach the same ASes;
//     they share one search.
//   - The searches run 256 at a time, one bit per destination in four
//     words per AS: a pass up the provider hierarchy, one over the peer
//     links and one down serve them all (see sweep).
//
// A national shutdown of eight Egyptian networks takes 10–20 ms; the
// failure of the largest transit network of 2016 (AS3356, a cone of 47,223
// ASes) about a second (docs/performance.md).
//
// A Graph is immutable and safe for concurrent use.
package asrel
