#!/usr/bin/python3
# generate_swc.py: NEURON 8.2.2's Import3d as the reference for Neurite's SWC reader.
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Run from anywhere with the system python3 that has NEURON (`from neuron import h`):
#   /usr/bin/python3 tests/reference/generate_swc.py [SHARED_DIR]
# SHARED_DIR defaults to ../shared next to the repository (it holds morphology/c91662.swc).
#
# Every SWC file is loaded as the CellBuilder's import does it: Import3d_SWC_read().input(),
# then Import3d_GUI(reader, 0).instantiate(None), which creates soma[], axon[], dend[],
# apic[] (dend_N[] for other types) in type order.  nseg is the CellBuilder's d_lambda rule
# (d_lambda 0.1 at 100 Hz, stdlib.hoc lambda_f, Ra 35.4 ohm cm, cm 1 uF/cm2).
#
# Writes, next to this script:
#   swc_c91662_sections.csv  index,name,parent,parent_x,n3d,nseg,L   (sections in NEURON's
#                            allsec order; parent is the parent's index or -1)
#   swc_c91662_pt3d.csv      section,i,x,y,z,d     (float32 values, %.9g: exact)
#   swc_c91662_segments.csv  section,iseg,x,area,ri (um2, MOhm; %.17g)
#   swc_c91662_trace.csv     t,soma,dend_tip,axon_end (mV, every step; %.17g)
#   swc_c91662_summary.csv   key,value (counts, total area, the recorded locations, biophysics)
#   swc_cases.csv            case,index,name,parent,parent_x,n3d,nseg,pts  for the small files
#                            in swc/ (pts: "x y z d" per point, joined by "|")
#
# With --fuzz N [SEED] it writes nothing: it makes N random small SWC files (one-sample,
# three-sample, chained and branched somas, no soma, type changes, duplicate samples), loads
# each in NEURON and with `neurite-cli info` (NEURITE_CLI, default build/app/neurite-cli) and
# compares names, parents, parent x, L, nseg and every segment's area (10 digits).  Files that
# NEURON cannot instantiate (zero-length sections: lambda_f divides by zero) are skipped.
#
# The simulation: hh (NEURON's defaults, tables on) in soma and axon, pas (g 5e-5 S/cm2, i.e.
# Rm 20 kohm cm2, e -65 mV) in every dendrite; Ra 35.4, cm 1; an IClamp at soma(0.5) with
# del 1 ms, dur 15 ms, amp 0.5 nA; v_init -65 mV, celsius 6.3, dt 0.025 ms, tstop 20 ms,
# implicit Euler (secondorder 0).  Recorded: v at soma(0.5), at the 1 end of the basal
# (dend) section whose far end is furthest from the soma along the tree, and at axon(1).
import os
import random
import re
import subprocess
import sys
import tempfile

from neuron import h

HERE = os.path.dirname(os.path.abspath(__file__))
MAIN = __name__ == "__main__"
FUZZ = MAIN and len(sys.argv) > 1 and sys.argv[1] == "--fuzz"
SHARED = (sys.argv[1] if MAIN and len(sys.argv) > 1 and not FUZZ
          else os.path.join(HERE, "..", "..", "..", "shared"))

h.load_file("stdrun.hoc")
h.load_file("import3d.hoc")

RA, CM, D_LAMBDA = 35.4, 1.0, 0.1
G_PAS, E_PAS = 5e-5, -65.0
IC_DEL, IC_DUR, IC_AMP = 1.0, 15.0, 0.5
TSTOP, DT, V_INIT = 20.0, 0.025, -65.0


def load(path):
    for s in list(h.allsec()):
        h.delete_section(sec=s)
    reader = h.Import3d_SWC_read()
    reader.quiet = 1
    reader.input(path)
    h.Import3d_GUI(reader, 0).instantiate(None)
    secs = list(h.allsec())
    for s in secs:
        s.Ra = RA
        s.cm = CM
    for s in secs:
        # celgeom.hoc / the CellBuilder's geom_nseg()
        s.nseg = int((s.L / (D_LAMBDA * h.lambda_f(100, sec=s)) + 0.999) / 2) * 2 + 1
    return secs


def topology(secs):
    index = {s.name(): i for i, s in enumerate(secs)}
    rows = []
    for i, s in enumerate(secs):
        p = s.parentseg()
        rows.append((i, s.name(), index[p.sec.name()] if p is not None else -1,
                     p.x if p is not None else 0.0, s.n3d(), s.nseg, s.L))
    return rows


def pts(s):
    return [(s.x3d(i), s.y3d(i), s.z3d(i), s.diam3d(i)) for i in range(s.n3d())]


def g9(v):
    return "%.9g" % v


def g17(v):
    return "%.17g" % v


def write_ca1():
    path = os.path.join(SHARED, "morphology", "c91662.swc")
    secs = load(path)
    rows = topology(secs)
    with open(os.path.join(HERE, "swc_c91662_sections.csv"), "w") as f:
        f.write("index,name,parent,parent_x,n3d,nseg,L\n")
        for r in rows:
            f.write("%d,%s,%d,%s,%d,%d,%s\n" % (r[0], r[1], r[2], g17(r[3]), r[4], r[5],
                                                 g17(r[6])))
    with open(os.path.join(HERE, "swc_c91662_pt3d.csv"), "w") as f:
        f.write("section,i,x,y,z,d\n")
        for i, s in enumerate(secs):
            for k, p in enumerate(pts(s)):
                f.write("%d,%d,%s\n" % (i, k, ",".join(g9(v) for v in p)))
    total = 0.0
    nseg = 0
    with open(os.path.join(HERE, "swc_c91662_segments.csv"), "w") as f:
        f.write("section,iseg,x,area,ri\n")
        for i, s in enumerate(secs):
            for k, seg in enumerate(s):
                a = seg.area()
                total += a
                nseg += 1
                f.write("%d,%d,%s,%s,%s\n" % (i, k, g17(seg.x), g17(a), g17(seg.ri())))

    # the basal tip: the dend section end furthest from the soma along the tree
    soma = secs[0]
    h.distance(0, 0.5, sec=soma)
    dends = [s for s in secs if s.name().startswith("dend[")]
    tip = max(dends, key=lambda s: h.distance(1.0, sec=s))
    axon = [s for s in secs if s.name().startswith("axon[")][-1]

    for s in secs:
        if s.name().startswith(("soma[", "axon[")):
            s.insert("hh")
        else:
            s.insert("pas")
            for seg in s:
                seg.g_pas = G_PAS
                seg.e_pas = E_PAS
    ic = h.IClamp(soma(0.5))
    ic.delay = IC_DEL
    ic.dur = IC_DUR
    ic.amp = IC_AMP
    t = h.Vector().record(h._ref_t)
    v = [h.Vector().record(soma(0.5)._ref_v), h.Vector().record(tip(1.0)._ref_v),
         h.Vector().record(axon(1.0)._ref_v)]
    h.dt = DT
    h.steps_per_ms = 1.0 / DT
    h.celsius = 6.3
    h.secondorder = 0
    h.tstop = TSTOP
    h.finitialize(V_INIT)
    h.continuerun(TSTOP)
    with open(os.path.join(HERE, "swc_c91662_trace.csv"), "w") as f:
        f.write("t,soma,dend_tip,axon_end\n")
        for k in range(len(t)):
            f.write("%s,%s,%s,%s\n" % (g17(t[k]), g17(v[0][k]), g17(v[1][k]), g17(v[2][k])))
    with open(os.path.join(HERE, "swc_c91662_summary.csv"), "w") as f:
        f.write("key,value\n")
        f.write("sections,%d\n" % len(secs))
        f.write("points,%d\n" % sum(s.n3d() for s in secs))
        f.write("segments,%d\n" % nseg)
        f.write("total_area,%s\n" % g17(total))
        f.write("record_soma,%s(0.5)\n" % soma.name())
        f.write("record_dend_tip,%s(1)\n" % tip.name())
        f.write("record_axon_end,%s(1)\n" % axon.name())
        f.write("g_pas,%s\ne_pas,%s\n" % (g17(G_PAS), g17(E_PAS)))
        f.write("iclamp_del,%s\niclamp_dur,%s\niclamp_amp,%s\n" % (g17(IC_DEL), g17(IC_DUR),
                                                                   g17(IC_AMP)))
        f.write("tstop,%s\ndt,%s\nv_init,%s\n" % (g17(TSTOP), g17(DT), g17(V_INIT)))
    print("c91662: %d sections, %d points, %d segments, total area %.17g um2, "
          "basal tip %s, spikes at soma: %s"
          % (len(secs), sum(s.n3d() for s in secs), nseg, total, tip.name(),
             ["%.3f" % t[k] for k in range(1, len(t)) if v[0][k - 1] < 0 <= v[0][k]]))


def write_cases():
    folder = os.path.join(HERE, "swc")
    with open(os.path.join(HERE, "swc_cases.csv"), "w") as f:
        f.write("case,index,name,parent,parent_x,n3d,nseg,pts\n")
        for name in sorted(os.listdir(folder)):
            if not name.endswith(".swc"):
                continue
            secs = load(os.path.join(folder, name))
            for r, s in zip(topology(secs), secs):
                f.write("%s,%d,%s,%d,%s,%d,%d,%s\n"
                        % (name, r[0], r[1], r[2], g17(r[3]), r[4], r[5],
                           "|".join(" ".join(g9(v) for v in p) for p in pts(s))))
            print("%s: %d sections" % (name, len(secs)))


def random_swc(rng):
    lines = []
    pts = {}

    def add(i, t, x, y, z, r, p):
        lines.append("%d %d %.2f %.2f %.2f %.2f %d" % (i, t, x, y, z, r, p))
        pts[i] = (x, y, z, t)

    kind = rng.choice(["one", "three", "chain", "branched", "none"])
    if kind == "one":
        add(1, 1, 0, 0, 0, 5, -1)
    elif kind == "three":
        add(1, 1, 0, 0, 0, 4, -1)
        add(2, 1, 0, -4, 0, 4, 1)
        add(3, 1, 0, 4, 0, 4, 1)
    elif kind == "chain":
        k = rng.randint(2, 6)
        add(1, 1, 0, -k, 0, 2, -1)
        for j in range(2, k + 1):
            add(j, 1, rng.uniform(-1, 1), -k + 2 * j, 0, rng.uniform(1, 4), j - 1)
    elif kind == "branched":
        add(1, 1, 0, 0, 0, 3, -1)
        add(2, 1, 0, 2, 0, 3, 1)
        add(3, 1, 1, 4, 0, 2, 2)
        add(4, 1, -1, 4, 0, 2, 2)
        add(5, 1, -2, 6, 0, 1.5, 4)
    else:
        add(1, 3, 0, 0, 0, 1, -1)
    i = len(pts) + 1
    n = i + rng.randint(3, 40)
    while i < n:
        if rng.random() < 0.65 and pts[i - 1][3] != 1:
            p = i - 1
        else:
            p = rng.randint(1, i - 1)
        if pts[p][3] != 1 and rng.random() < 0.85:
            t = pts[p][3]
        else:
            t = rng.choice([2, 3, 3, 4, 4, 7, 1 if rng.random() < 0.05 else 3])
        if rng.random() < 0.06:
            x, y, z = pts[p][:3]
        else:
            x, y, z = [a + rng.uniform(-8, 8) for a in pts[p][:3]]
        add(i, t, x, y, z, rng.choice([0.3, 0.5, 0.75, 1.0, rng.uniform(0.2, 2)]), p)
        i += 1
    return "\n".join(lines) + "\n"


def neuron_summary(path):
    out = {}
    for s in load(path):
        p = s.parentseg()
        out[s.name()] = (p.sec.name() if p else None, p.x if p else None, s.nseg, "%g" % s.L,
                         ["%.10g" % seg.area() for seg in s])
    return out


def neurite_summary(cli, path):
    r = subprocess.run([cli, "info", path], capture_output=True, text=True)
    if r.returncode:
        return r.stderr.strip()
    out = {}
    for line in r.stdout.splitlines():
        m = re.match(r"\s*(?:`-)?(\S+?)(?:\(0\) -> (\S+)\((\S+)\))?  L=(\S+) um .* nseg=(\d+)", line)
        if m:
            out[m.group(1)] = [m.group(2), float(m.group(3)) if m.group(3) else None,
                               int(m.group(5)), m.group(4), []]
            continue
        m = re.match(r"\s*(\S+)\(\S+\) area=(\S+) um2", line)
        if m:
            out[m.group(1)][4].append(m.group(2))
    return {k: tuple(v) for k, v in out.items()}


def fuzz(n, seed):
    cli = os.environ.get("NEURITE_CLI",
                         os.path.join(HERE, "..", "..", "build", "app", "neurite-cli"))
    rng = random.Random(seed)
    bad = skipped = 0
    with tempfile.TemporaryDirectory() as tmp:
        for c in range(n):
            path = os.path.join(tmp, "case%d.swc" % c)
            with open(path, "w") as f:
                f.write(random_swc(rng))
            try:
                a = neuron_summary(path)
            except RuntimeError:
                skipped += 1
                continue
            b = neurite_summary(cli, path)
            if a != b:
                bad += 1
                print("differs:\n" + open(path).read())
                for k in sorted(set(a) | set(b) if isinstance(b, dict) else a):
                    if not isinstance(b, dict) or a.get(k) != b.get(k):
                        print("  %s NEURON %s\n  %s Neurite %s" % (k, a.get(k), k,
                              b if isinstance(b, str) else b.get(k)))
    print("fuzz: %d files, %d differ, %d skipped (NEURON cannot instantiate them)"
          % (n, bad, skipped))
    return bad


if FUZZ:
    sys.exit(1 if fuzz(int(sys.argv[2]) if len(sys.argv) > 2 else 200,
                       int(sys.argv[3]) if len(sys.argv) > 3 else 1) else 0)

if MAIN:
    write_ca1()
    write_cases()
