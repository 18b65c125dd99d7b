#!/usr/bin/env python3
"""Reference implementation of Lifeline's impact engine, in Python with networkx.

It reads an atlas file (lifeline atlas export --format json: cables with
their capacity, segments, terrestrial links, countries with population) and
a scenario, builds the same graph as lifeline/impact (landing points merged
into their country's node, branching units, a core joined to the hub
countries), applies the events and prints, per country, whether a path to
the core remains, the share of samples without one, and the mean capacity
loss (one minus the max-flow to the core after over before).

Supported events: cut_cables, landing_points, links, shutdown, solar_storm
(the geometric events - cut at a place, region, earthquake, power outage -
are not reimplemented here). Samples draw from the same SplitMix64 generator
seeded with (seed, sample index), so results agree sample for sample.

Usage: impact.py ATLAS.json SCENARIO.yaml [--samples N] [--seed S] [--flows K] [--core DE,FR,...]
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
    """Cables a solar storm may kill, in id order, with their probability."""
    p = ev["p"]
    spacing = ev["spacing_km"]
    groups, certain = [], []
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
        if pd >= 1:
            certain.append(cid)
        elif pd > 0:
            groups.append((pd, cid))
    return groups, certain


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("atlas")
    ap.add_argument("scenario")
    ap.add_argument("--samples", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--core", default=",".join(DEFAULT_CORE))
    ap.add_argument("--flows", type=int, default=0, help="samples that compute capacity loss, the first ones (0: all)")
    args = ap.parse_args()
    with open(args.atlas) as f:
        atlas = json.load(f)
    model = Model(atlas, [c for c in args.core.split(",") if c])
    sc = load_scenario(args.scenario)

    cut_cables, failed_lps, failed_links, down = set(), set(), set(), set()
    groups = []
    for i, ev in enumerate(sc.get("events") or []):
        if "cut_cables" in ev:
            for q in ev["cut_cables"]:
                cut_cables.add(model.by_name[q])
        elif "landing_points" in ev:
            failed_lps.update(ev["landing_points"])
        elif "links" in ev:
            for q in ev["links"]:
                a, b = q.upper().split("-")
                failed_links.add("-".join(sorted((a, b))))
        elif "shutdown" in ev:
            down.add(ev["shutdown"]["country"].upper())
        elif "solar_storm" in ev:
            g, certain = solar_groups(model, ev["solar_storm"])
            groups.extend(g)
            cut_cables.update(certain)
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
    unreach = {c: 0 for c in model.countries}
    loss = {c: 0.0 for c in model.countries}
    t0 = time.perf_counter()
    for i in range(samples):
        cut = set(cut_cables)
        if groups:
            r = RNG(args.seed, i)
            for pd, cid in groups:
                if r.float64() < pd:
                    cut.add(cid)
        failed_segs = {s["id"] for s in model.segments if s["cable"] in cut}
        g = model.graph(failed_segs, failed_lps, failed_links, down)
        for c, (u, l) in model.evaluate(g, down, base_flow, base_reach, i < flows).items():
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
                "capacity_loss": loss[c] / flows,
                "capacity_before_gbps": base_flow.get(c, 0) / 1000,
            }
            for c in sorted(model.countries)
        },
    }
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    print()


if __name__ == "__main__":
    main()
