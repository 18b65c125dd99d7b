#!/usr/bin/env python3
"""Reference implementation of Lifeline's impact engine, in Python with networkx.

It reads an atlas file (lifeline atlas export --format json: cables with
their capacity, segments, terrestrial links, countries with population) and
a scenario, builds the same graph as lifeline/impact (landing points merged
into their country's node, branching units, a core joined to the hub
countries), applies the events and prints, per country, whether a path to
the core remains, the share of samples without one, and the mean capacity
loss (one minus the max-flow to the core after over before).

Supported events: cut_cables, cut, region, landing_points, links, shutdown
(routing: transit across the country continues unless transit: false), isolation,
solar_storm, earthquake, power_outage. The geometry (great-circle distance,
distance from a point to a route, point in polygon, crossing edges) is
written again here from the definitions in docs/scenarios.md. One rule is
left out: a region's failure of the border links between two countries
whose land it covers needs the country shapes, which the atlas file does not
hold; the reference fails no border link for a region, and the agreement
test checks that the engine failed none either. Samples draw from the same
SplitMix64 generator seeded with (seed, sample index), so results agree
sample for sample. Besides the countries, the output lists the failed
segments, landing points and links (in any sample).

Usage: impact.py ATLAS.json SCENARIO.yaml [--samples N] [--seed S] [--flows K | --reach-only] [--core DE,FR,...]
Prints one JSON object on standard output.
"""
import argparse
import json
import math
import sys
import time

import networkx as nx

try:
    import yaml
except ImportError:  # pragma: no cover
    yaml = None

MASK = (1 << 64) - 1
DEFAULT_CORE = ["DE", "FR", "GB", "JP", "NL", "SG", "US"]


def mix64(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


class RNG:
    """SplitMix64 seeded like lifeline/impact's newRNG(seed, sample)."""

    def __init__(self, seed, sample):
        self.s = mix64(seed & MASK) ^ mix64((sample + 0x632BE59BD9B4E019) & MASK)

    def float64(self):
        self.s = (self.s + 0x9E3779B97F4A7C15) & MASK
        return (mix64(self.s) >> 11) / float(1 << 53)


def mbps(gbps):
    # Go's math.Round rounds halves away from zero.
    return int(math.floor(gbps * 1000 + 0.5)) if gbps > 0 else 0


EARTH_RADIUS_KM = 6371.0088
RAD = math.pi / 180
MAX_CUT_KM = 500
QUAKE_CUTOFF = 20


def distance_km(a, b):
    """Great-circle distance between (lon, lat) points, by the haversine formula."""
    p1, p2 = a[1] * RAD, b[1] * RAD
    s1 = math.sin((p2 - p1) / 2)
    s2 = math.sin((b[0] - a[0]) * RAD / 2)
    h = s1 * s1 + math.cos(p1) * math.cos(p2) * s2 * s2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, h)))


def wrap_lon(d):
    if d >= 180 or d < -180:
        d = math.fmod(d + 180, 360)
        if d < 0:
            d += 360
        d -= 180
    return d


def path_distance_km(p, path):
    """Distance from p to the nearest point of a route: each edge on a plane
    tangent at p (equirectangular, centred on p), the nearest point then
    measured on the sphere."""
    if not path:
        return math.inf
    if len(path) == 1:
        return distance_km(p, path[0])
    kx = math.cos(p[1] * RAD)

    def xy(q):
        return wrap_lon(q[0] - p[0]) * kx, q[1] - p[1]

    best, best_pt = math.inf, None
    ax, ay = xy(path[0])
    for i in range(1, len(path)):
        bx, by = xy(path[i])
        dx, dy = bx - ax, by - ay
        t = 0.0
        l2 = dx * dx + dy * dy
        if l2 > 0 and abs(dx) < 180 * kx + 1e-9:
            t = max(0.0, min(1.0, -(ax * dx + ay * dy) / l2))
        x, y = ax + t * dx, ay + t * dy
        d2 = x * x + y * y
        if d2 < best:
            best = d2
            a, b = path[i - 1], path[i]
            best_pt = (a[0] + t * wrap_lon(b[0] - a[0]), a[1] + t * (b[1] - a[1]))
        ax, ay = bx, by
    return distance_km(p, (wrap_lon(best_pt[0]), best_pt[1]))


def point_in_ring(p, ring):
    """Even-odd rule in plain longitude/latitude."""
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        a, b = ring[j], ring[i]
        if (a[1] > p[1]) != (b[1] > p[1]) and p[0] < a[0] + (p[1] - a[1]) / (b[1] - a[1]) * (b[0] - a[0]):
            inside = not inside
        j = i
    return inside


def segments_intersect(a, b, c, d):
    def o(p, q, r):
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    d1, d2, d3, d4 = o(c, d, a), o(c, d, b), o(a, b, c), o(a, b, d)
    return ((d1 > 0) != (d2 > 0)) and ((d3 > 0) != (d4 > 0)) and d1 != 0 and d2 != 0 and d3 != 0 and d4 != 0


class Area:
    """A region: a polygon or a circle."""

    def __init__(self, region):
        if region.get("circle"):
            self.ring = None
            self.center = tuple(region["circle"]["center"])
            self.radius = region["circle"]["radius_km"]
        else:
            self.ring = [tuple(p) for p in region["polygon"]]

    def contains(self, p):
        if self.ring is None:
            return distance_km(self.center, p) <= self.radius
        return point_in_ring(p, self.ring)

    def crosses(self, path):
        """A route enters the area: a vertex inside, or an edge crossing the
        polygon's boundary, or passing within the circle's radius."""
        if not path:
            return False
        if self.ring is None:
            return path_distance_km(self.center, path) <= self.radius
        for i, q in enumerate(path):
            if point_in_ring(q, self.ring):
                return True
            if i == 0:
                continue
            a = path[i - 1]
            if abs(q[0] - a[0]) > 180:
                continue  # across the antimeridian; its ends were tested
            n = len(self.ring)
            for j in range(n):
                if segments_intersect(a, q, self.ring[j], self.ring[(j + 1) % n]):
                    return True
        return False


def load_scenario(path):
    with open(path) as f:
        text = f.read()
    try:
        return json.loads(text)  # JSON is YAML too, and needs no extra module
    except ValueError:
        if yaml is None:
            raise SystemExit("python3-yaml is needed to read a scenario in YAML")
        return yaml.safe_load(text)


class Model:
    def __init__(self, atlas, core):
        self.atlas = atlas
        self.lp_country = {lp["id"]: lp["country"] for lp in atlas["landing_points"]}
        self.lp_lat = {lp["id"]: lp["lat"] for lp in atlas["landing_points"]}
        self.cables = {c["id"]: c for c in atlas["cables"]}
        self.by_name = {}
        for c in atlas["cables"]:
            self.by_name[c["id"]] = c["id"]
            self.by_name[c["name"]] = c["id"]
        self.countries = {c["code"]: c for c in atlas["countries"]}
        self.core = core
        self.segments = [s for s in atlas["segments"] if not self.cables[s["cable"]]["planned"]]
        self.segs_of = {}
        for s in self.segments:
            self.segs_of.setdefault(s["cable"], []).append(s["id"])
        self.links = atlas.get("terrestrial_links") or []

    def node(self, n):
        if n.startswith("bu:"):
            return n
        return self.lp_country[n]

    def graph(self, failed_segs, failed_lps, failed_links, down):
        g = nx.Graph()
        for code in self.countries:
            if code not in down:
                g.add_node(code)
        g.add_node("core")
        for s in self.segments:
            if s["id"] in failed_segs or s["from"] in failed_lps or s["to"] in failed_lps:
                continue
            u, v = self.node(s["from"]), self.node(s["to"])
            if u == v or u in down or v in down:
                continue
            cap = mbps(self.cables[s["cable"]]["capacity"]["gbps"])
            if g.has_edge(u, v):
                g[u][v]["capacity"] += cap
            else:
                g.add_edge(u, v, capacity=cap)
        for l in self.links:
            if l["id"] in failed_links or l["a"] in down or l["b"] in down:
                continue
            cap = mbps(l["capacity"]["gbps"])
            if g.has_edge(l["a"], l["b"]):
                g[l["a"]][l["b"]]["capacity"] += cap
            else:
                g.add_edge(l["a"], l["b"], capacity=cap)
        for h in self.core:
            if h in self.countries and h not in down:
                g.add_edge(h, "core")  # no capacity attribute: unbounded
        return g

    def evaluate(self, g, down, base_flow, base_reach, with_flow):
        reach = nx.node_connected_component(g, "core")
        out = {}
        for code in self.countries:
            unreach = code in down or code not in reach
            loss = 0.0
            if with_flow and base_reach.get(code):
                if unreach:
                    loss = 1.0
                elif code not in self.core:
                    f = nx.maximum_flow_value(g, code, "core")
                    loss = 1 - f / base_flow[code]
            out[code] = (unreach, loss)
        return out


def solar_groups(model, ev):
    """Cables a solar storm may kill, in id order: their probability and segments."""
    p = ev["p"]
    spacing = ev["spacing_km"]
    groups = []
    for cid in sorted(model.cables):
        c = model.cables[cid]
        if c["planned"]:
            continue
        max_lat = max(abs(model.lp_lat[l]) for l in c["landing_points"])
        pr = p[2]
        if max_lat >= 60:
            pr = p[0]
        elif max_lat >= 40:
            pr = p[1]
        n = math.floor(c["length_km"] / spacing)
        if n <= 0 or pr <= 0:
            continue
        pd = 1.0 if pr >= 1 else 1 - math.pow(1 - pr, n)
        if pd > 0:
            groups.append((pd, model.segs_of.get(cid, [])))
    return groups


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("atlas")
    ap.add_argument("scenario")
    ap.add_argument("--samples", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--core", default=",".join(DEFAULT_CORE))
    ap.add_argument("--flows", type=int, default=0, help="samples that compute capacity loss, the first ones (0: all)")
    ap.add_argument("--reach-only", action="store_true", help="compute reachability only, in every sample (no capacity loss)")
    args = ap.parse_args()
    with open(args.atlas) as f:
        atlas = json.load(f)
    model = Model(atlas, [c for c in args.core.split(",") if c])
    sc = load_scenario(args.scenario)

    fixed_segs, failed_lps, failed_links, down, withdrawn = set(), set(), set(), set(), set()
    groups = []  # (probability, segment ids), drawn in order in each sample

    def add_group(p, segs):
        if p >= 1:
            fixed_segs.update(segs)
        elif p > 0:
            groups.append((p, segs))

    for i, ev in enumerate(sc.get("events") or []):
        if "cut_cables" in ev:
            for q in ev["cut_cables"]:
                fixed_segs.update(model.segs_of.get(model.by_name[q], []))
        elif "cut" in ev:
            cid = model.by_name[ev["cut"]["cable"]]
            at = tuple(ev["cut"]["at"])
            best, best_id = math.inf, None
            for s in atlas["segments"]:
                if s["cable"] == cid:
                    d = path_distance_km(at, s["path"])
                    if d < best:
                        best, best_id = d, s["id"]
            if best > MAX_CUT_KM:
                raise SystemExit(f"event {i + 1}: {best:.0f} km from cable {cid}")
            fixed_segs.add(best_id)
        elif "region" in ev:
            area = Area(ev["region"])
            fixed_segs.update(s["id"] for s in model.segments if area.crosses(s["path"]))
            failed_lps.update(lp["id"] for lp in atlas["landing_points"] if area.contains((lp["lon"], lp["lat"])))
        elif "landing_points" in ev:
            failed_lps.update(ev["landing_points"])
        elif "links" in ev:
            for q in ev["links"]:
                a, b = q.upper().split("-")
                failed_links.add("-".join(sorted((a, b))))
        elif "shutdown" in ev and ev["shutdown"].get("transit", True) is not False:
            withdrawn.add(ev["shutdown"]["country"].upper())
        elif "shutdown" in ev:
            down.add(ev["shutdown"]["country"].upper())
        elif "isolation" in ev:
            down.add(ev["isolation"]["country"].upper())
        elif "solar_storm" in ev:
            for pd, segs in solar_groups(model, ev["solar_storm"]):
                add_group(pd, segs)
        elif "earthquake" in ev:
            at = tuple(ev["earthquake"]["center"])
            r = math.pow(10, 0.5 * ev["earthquake"]["magnitude"] - 1.5)
            for s in model.segments:
                d = path_distance_km(at, s["path"])
                if d <= QUAKE_CUTOFF * r:
                    add_group(math.exp(-d / r), [s["id"]])
        elif "power_outage" in ev:
            po = ev["power_outage"]
            if po["duration_hours"] > po["backup_hours"]:
                area = Area(po["region"])
                failed_lps.update(lp["id"] for lp in atlas["landing_points"] if area.contains((lp["lon"], lp["lat"])))
        else:
            raise SystemExit(f"event {i + 1}: not supported by the reference: {sorted(ev)}")

    base = model.graph(set(), set(), set(), set())
    base_reach = {c: c in nx.node_connected_component(base, "core") for c in model.countries}
    base_flow = {}
    for c in model.countries:
        if base_reach[c] and c not in model.core:
            base_flow[c] = nx.maximum_flow_value(base, c, "core")

    samples = args.samples if groups else 1
    flows = samples if args.flows <= 0 else min(args.flows, samples)
    if args.reach_only:
        flows = 0
    unreach = {c: 0 for c in model.countries}
    loss = {c: 0.0 for c in model.countries}
    t0 = time.perf_counter()
    ever_segs = set(fixed_segs)
    for i in range(samples):
        failed_segs = set(fixed_segs)
        if groups:
            r = RNG(args.seed, i)
            for pd, segs in groups:
                if r.float64() < pd:
                    failed_segs.update(segs)
        ever_segs |= failed_segs
        g = model.graph(failed_segs, failed_lps, failed_links, down)
        # A routing shutdown keeps the country in the graph for transit; the
        # country itself is cut off.
        for c, (u, l) in model.evaluate(g, down | withdrawn, base_flow, base_reach, i < flows).items():
            unreach[c] += u
            loss[c] += l
    elapsed = time.perf_counter() - t0
    out = {
        "scenario": sc["name"],
        "samples": samples,
        "flow_samples": flows,
        "seconds_per_sample": elapsed / samples,
        "countries": {
            c: {
                "reachable": 2 * unreach[c] < samples,
                "p_unreachable": unreach[c] / samples,
                "capacity_loss": loss[c] / flows if flows else 0.0,
                "capacity_before_gbps": base_flow.get(c, 0) / 1000,
            }
            for c in sorted(model.countries)
        },
        "failed": {
            "segments": sorted(ever_segs),
            "landing_points": sorted(failed_lps),
            "links": sorted(l["id"] for l in model.links if "-".join(sorted((l["a"], l["b"]))) in failed_links
                            or l["a"] in down or l["b"] in down),
        },
    }
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    print()


if __name__ == "__main__":
    main()
