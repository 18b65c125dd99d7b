// Package coord is the domain of Lifeline's coordination mechanism: the
// organisations and members that take part, the incidents they report, the
// needs and offers they exchange (after OASIS EDXL-RM's RequestResource and
// OfferUnsolicitedResource), the matches that commit an offer to a need, and
// the restoration of each damaged element.
//
// The package holds no technology. It defines
//
//   - the types and their validation (Validate methods return *lifeline.Error
//     with code EINVALID naming the field),
//   - the state machines and who may move each step (CanTransition…
//     functions returning EFORBIDDEN or ECONFLICT),
//   - the one visibility policy of the system, CanSee, which every read path
//     (API, UI, feeds, exports, sync) calls and nothing bypasses; what is
//     derived from items (a match joins a need and an offer) carries the
//     markings of what it reveals (Derive), so that CanSee shows it only to
//     those who may see every one of them,
//   - who may change what: content stays with the source organisation
//     (CanEdit), status and repairs with those it is shared with
//     (CanCoordinate), markings only widen (CanWiden),
//   - the matching engine (Propose), which scores offers against a need and
//     explains every score,
//   - changes from elsewhere (Change): a change to an item another instance
//     keeps, proposed here and decided there by the same rules as a local
//     edit, with the reason in sentences when refused (Change.Refusal),
//   - the service interfaces (OrgService, IncidentService, ChangeService, …)
//     that adapters such as store/sqlite implement.
//
// A Viewer is who is asking: a member of an organisation, or nobody
// (anonymous). Every read and write of a service takes one explicitly, so a
// read path cannot forget to ask the policy.
package coord
