// Package norms holds Lifeline's legal and normative catalogue and the
// engine that says which of its entries an incident engages, and why.
//
// The catalogue (catalogue.json, embedded) lists articles, rules, paragraphs
// and holdings of international human rights law, international
// humanitarian law, ITU law, the law of the sea and the soft-law texts that
// surround them. Each [Entry] carries its instrument, exact citation, kind,
// date, addressees, a summary, an official source URL, a note of where its
// citation was checked, and the conditions under which it applies. The
// schema is documented in docs/norms.md; [Decode] validates a catalogue and
// names the entry and field of the first mistake.
//
// Conditions are [Rule]s. A rule is a set of clauses, each a field and the
// values that satisfy it ("kind": shutdown or throttling; "situation": state
// of emergency); a rule holds when every clause holds, and an entry applies
// when any of its rules holds. Clauses only ever ask for the presence of a
// value, never its absence, so adding a fact or a context situation can add
// entries but never remove one: the engine is monotone, and a test checks it.
//
// The engine's input is [Incident], a small norms-owned description of what
// happened (kind, countries, dates, the #KeepItOn STOP fields of a shutdown,
// affected elements), and [Situation]s, the context coordinators record per
// country and period (armed conflict, occupation, declared emergency,
// disaster) with their source. [Catalogue.Apply] returns the [Finding]s in
// catalogue order, each with the reasons it applies in sentences and the
// facts that made each reason hold. The same input gives the same output,
// byte for byte.
//
// [RenderHTML] and [RenderMarkdown] turn a [Brief] (facts, timeline,
// impact, evidence with hashes, context, findings) into a legal brief marked
// with the narrowest TLP of what it reveals; they decide no visibility, the
// caller builds the brief from what the reader may see.
//
// The engine states what applies and why; it does not decide whether a
// state is party to a treaty (except the regional systems, whose reach is a
// matter of territory and which it looks up in a dated membership table),
// whether a restriction was lawful, whether an object was a military
// objective, or who is responsible. Those are judgements for people; the
// findings are the questions they must answer, with the texts to answer them.
package norms
