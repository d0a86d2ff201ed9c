#!/usr/bin/env python3
# hoc-roundtrip.py: loads a CellBuilder hoc template in NEURON, instantiates it and prints the
# cell (sections, parents, geometry, biophysics) and, with --run, soma(0.5).v of a 10 ms run
# with an IClamp at soma(0.5) (del 1 ms, dur 0.1 ms, amp 10 nA), one record a line:
#   sec NAME PARENT|- PARENT_X NSEG L DIAM RA CM
#   mech NAME PARAM VALUE
#   v VALUE                     (one per step, t = 0 first)
# Exit status 77 when NEURON cannot be imported (the test then skips).
# SPDX-License-Identifier: GPL-3.0-or-later
import sys

try:
    from neuron import h
except ImportError as e:
    print("neuron not importable: %s" % e, file=sys.stderr)
    sys.exit(77)


def main():
    path, classname = sys.argv[1], sys.argv[2]
    run = "--run" in sys.argv[3:]
    h.load_file("stdlib.hoc")
    if not h.load_file(path):
        print("load_file failed", file=sys.stderr)
        sys.exit(1)
    cell = getattr(h, classname)()
    prefix = cell.hname() + "."

    def short(sec):
        return sec.name()[len(prefix):] if sec.name().startswith(prefix) else sec.name()

    sections = []
    for sec in cell.all:
        ref = h.SectionRef(sec=sec)
        parent = short(ref.parent) if ref.has_parent() else None
        mechs = {}
        for m in ("pas", "hh"):
            if h.ismembrane(m, sec=sec):
                seg = sec(0.5)
                names = {"pas": ["g_pas", "e_pas"],
                         "hh": ["gnabar_hh", "gkbar_hh", "gl_hh", "el_hh"]}[m]
                mechs[m] = {n: getattr(seg, n) for n in names}
                if m == "hh":
                    mechs[m]["ena"] = seg.ena
                    mechs[m]["ek"] = seg.ek
        sections.append({
            "name": short(sec), "parent": parent,
            "parent_x": sec.parentseg().x if parent else 0.0,
            "nseg": sec.nseg, "L": sec.L, "diam": sec(0.5).diam,
            "Ra": sec.Ra, "cm": sec(0.5).cm, "mechs": mechs})
    n_all = sum(1 for _ in h.allsec())
    out = {"sections": sections, "n_allsec": n_all}
    if run:
        soma = [s for s in cell.all if short(s) == "soma"][0]
        stim = h.IClamp(soma(0.5))
        stim.delay, stim.dur, stim.amp = 1, 0.1, 10
        h.dt = 0.025
        h.celsius = 6.3
        h.secondorder = 0
        h.finitialize(-65)
        v = [soma(0.5).v]
        while h.t < 10 - h.dt / 2:
            h.fadvance()
            v.append(soma(0.5).v)
        out["v"] = v
    for s in sections:
        print("sec %s %s %.17g %d %.17g %.17g %.17g %.17g" % (
            s["name"], s["parent"] or "-", s["parent_x"], s["nseg"], s["L"], s["diam"],
            s["Ra"], s["cm"]))
        for m, params in s["mechs"].items():
            for k, val in params.items():
                print("mech %s %s %.17g" % (s["name"], k, val))
    print("allsec %d" % n_all)
    for val in out.get("v", []):
        print("v %.17g" % val)


main()
