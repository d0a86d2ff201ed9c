#!/usr/bin/python3
# generate.py: writes NEURON 8.2.2 reference traces for Neurite's validation suite.
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Plain NEURON Python, no GUI: run with Debian's interpreter,
#     /usr/bin/python3 tests/reference/generate.py
# It rebuilds the cases described in ../shared/validation/case_*.py (same models, same
# stimuli, same settings) and writes NAME.csv next to this script: a header line of
# Neurite record expressions ("soma(0.5).v", "IClamp[0].i"), then one row per fixed step
# (dt 0.025 ms) with 15 significant digits.  The *_notable variants are the same runs with
# h.usetable_hh = 0 (hh rates evaluated directly), the reference for --no-hh-table.
import math
import os
import sys

import numpy as np
from neuron import h

h.load_file("stdrun.hoc")

HERE = os.path.dirname(os.path.abspath(__file__))
DT = 0.025


def settings(tstop, secondorder=0, usetable=1):
    h.celsius = 6.3
    h.v_init = -65
    h.dt = DT
    h.steps_per_ms = 40
    h.secondorder = secondorder
    h.tstop = tstop
    h.usetable_hh = usetable


def write_csv(name, tvec, cols, decimate=1):
    t = np.round(np.array(tvec), 6)
    arr = np.column_stack([t] + [np.array(v) for _, v in cols])[::decimate]
    with open(os.path.join(HERE, name + ".csv"), "w") as f:
        f.write(",".join(["t"] + [n for n, _ in cols]) + "\n")
        np.savetxt(f, arr, delimiter=",", fmt="%.15g")
    print("wrote %s.csv (%d rows)" % (name, arr.shape[0]))


def run(name, cols, tstop, secondorder=0, usetable=1, decimate=1):
    """cols: list of (header, pointer).  h.run() = finitialize + the stdrun step loop."""
    settings(tstop, secondorder, usetable)
    tvec = h.Vector().record(h._ref_t)
    vecs = [(n, h.Vector().record(ref)) for n, ref in cols]
    h.run()
    write_csv(name, tvec, vecs, decimate)
    return tvec, vecs


def clear():
    for sec in list(h.allsec()):
        h.delete_section(sec=sec)


def hh_soma():
    soma = h.Section(name="soma")
    soma.L = soma.diam = 10
    soma.nseg = 1
    soma.Ra = 35.4
    soma.cm = 1
    soma.insert("hh")
    return soma


def case_soma_hh():
    soma = hh_soma()
    stim = h.IClamp(soma(0.5))
    stim.delay, stim.dur, stim.amp = 2, 0.1, 1
    s = soma(0.5)
    cols = [("soma(0.5).v", s._ref_v), ("soma(0.5).m_hh", s._ref_m_hh),
            ("soma(0.5).h_hh", s._ref_h_hh), ("soma(0.5).n_hh", s._ref_n_hh),
            ("IClamp[0].i", stim._ref_i), ("soma(0.5).ina", s._ref_ina),
            ("soma(0.5).ik", s._ref_ik), ("soma(0.5).il_hh", s._ref_il_hh)]
    run("soma_hh", cols, 10)
    run("soma_hh_notable", cols, 10, usetable=0)
    del stim
    clear()


def case_squid():
    axon = h.Section(name="axon")
    axon.L, axon.diam, axon.nseg, axon.Ra, axon.cm = 20000, 100, 43, 35.4, 1
    axon.insert("hh")
    cols = [("axon(%g).v" % x, axon(x)._ref_v) for x in (0, 0.25, 0.5, 0.75, 1)]
    node_xs = [0.0] + [seg.x for seg in axon] + [1.0]
    for name, xs, amp, notable in (("squid_axon", [0.5], 150.0, False),
                                   ("squid_axon_2clamps", [0.1, 0.9], 150.0, False),
                                   ("squid_axon_300nA", [0.5], 300.0, True)):
        stims = []
        for x in xs:
            s = h.IClamp(axon(x))
            s.delay, s.dur, s.amp = 1, 1, amp
            stims.append(s)
        nodes = [h.Vector().record(axon(x)._ref_v) for x in node_xs]
        tvec, _ = run(name, cols, 50)
        # Space plot: v of all 45 nodes (x = 0, segment centres, 1) at t = 2, 3, 4, 5 ms.
        t = np.array(tvec)
        idx = [int(np.argmin(np.abs(t - ts))) for ts in (2.0, 3.0, 4.0, 5.0)]
        with open(os.path.join(HERE, name + "_space.csv"), "w") as f:
            f.write("x,v_t2,v_t3,v_t4,v_t5\n")
            for k, x in enumerate(node_xs):
                f.write("%.15g," % x + ",".join("%.15g" % nodes[k][i] for i in idx) + "\n")
        if notable:
            run(name + "_notable", cols, 50, usetable=0)
        del stims, nodes
    clear()


def stylized_cell():
    """The CellBuilder tutorial's stick figure, nseg by the d_lambda rule (0.1, 100 Hz)."""
    h("create soma, ap[3], bas, axon")
    soma, ap, bas, axon = h.soma, h.ap, h.bas, h.axon
    ap[0].connect(soma(1), 0)
    ap[1].connect(ap[0](1), 0)
    ap[2].connect(ap[0](1), 0)
    bas.connect(soma(0), 0)
    axon.connect(soma(0), 0)
    for sec, L, d in ((soma, 20, 20), (ap[0], 400, 2), (ap[1], 300, 1), (ap[2], 500, 1),
                      (bas, 200, 3), (axon, 800, 1)):
        sec.L, sec.diam = L, d
    for sec in h.allsec():
        sec.Ra, sec.cm = 160, 1
    for sec in h.allsec():
        sec.nseg = int((sec.L / (0.1 * h.lambda_f(100, sec=sec)) + 0.999) / 2) * 2 + 1
    soma.insert("hh")
    axon.insert("hh")
    for i in range(3):
        ap[i].insert("hh")
        ap[i].gnabar_hh, ap[i].gkbar_hh, ap[i].el_hh = 0.012, 0.0036, -64
    bas.insert("pas")
    bas.e_pas, bas.g_pas = -65, 0.001
    cols = [("soma(0.5).v", soma(0.5)._ref_v), ("axon(1).v", axon(1)._ref_v),
            ("ap[2](1).v", ap[2](1)._ref_v), ("bas(1).v", bas(1)._ref_v),
            ("axon(0.5).m_hh", axon(0.5)._ref_m_hh), ("ap[1](0.5).v", ap[1](0.5)._ref_v)]
    return soma, cols


def case_stylized():
    soma, cols = stylized_cell()
    stim = h.IClamp(soma(0.5))
    stim.delay, stim.dur, stim.amp = 1, 0.1, 10
    run("stylized_cell", cols, 10)
    run("stylized_cell_notable", cols, 10, usetable=0)
    run("stylized_cell_50ms", cols, 50)
    run("cn_variant", cols, 10, secondorder=2)
    run("cn_variant_50ms", cols, 50, secondorder=2)
    stim.delay, stim.dur, stim.amp = 5, 1, 0.6
    run("stylized_cell_tutorial", cols, 20)
    del stim
    clear()


def case_passive_cable():
    L, DIAM, NSEG, G, E, RA, I = 1000.0, 2.0, 101, 1e-4, -65.0, 100.0, 0.1
    cable = h.Section(name="cable")
    cable.L, cable.diam, cable.nseg, cable.Ra, cable.cm = L, DIAM, NSEG, RA, 1
    cable.insert("pas")
    cable.g_pas, cable.e_pas = G, E
    stim = h.IClamp(cable(0))
    stim.delay, stim.dur, stim.amp = 0, 1000, I
    cols = [("cable(%g).v" % x, cable(x)._ref_v) for x in (0, 0.5, 1)]
    # Decimated to every 0.1 ms (every 4th step, exact values) like the shared reference.
    run("passive_cable", cols, 1000, decimate=4)
    node_xs = [0.0] + [seg.x for seg in cable] + [1.0]
    v_nrn = [cable(x).v for x in node_xs]
    # Analytic sealed-end continuous cable, current I into x = 0.
    lam = math.sqrt((1.0 / G) * DIAM * 1e-4 / (4 * RA))            # cm
    rinf = 4 * RA * lam / (math.pi * (DIAM * 1e-4) ** 2)            # ohm
    lam_um = lam * 1e4
    with open(os.path.join(HERE, "passive_cable_steadystate.csv"), "w") as f:
        f.write("x,v_neuron_t1000,v_analytic\n")
        for x, v in zip(node_xs, v_nrn):
            va = E + I * 1e-9 * rinf * math.cosh((L - x * L) / lam_um) / math.sinh(L / lam_um) * 1e3
            f.write("%.15g,%.15g,%.15g\n" % (x, v, va))
    del stim
    clear()


def case_synapses():
    soma = hh_soma()
    s = soma(0.5)
    for name, kind in (("synapse_expsyn", "ExpSyn"), ("synapse_exp2syn", "Exp2Syn")):
        syn = getattr(h, kind)(s)
        if kind == "ExpSyn":
            syn.tau, syn.e = 2, 0
        else:
            syn.tau1, syn.tau2, syn.e = 0.5, 5, 0
        ns = h.NetStim()
        ns.start, ns.number, ns.interval, ns.noise = 5, 3, 10, 0
        nc = h.NetCon(ns, syn)
        nc.weight[0], nc.delay = 0.01, 1
        cols = [("soma(0.5).v", s._ref_v), ("%s[0].g" % kind, syn._ref_g),
                ("%s[0].i" % kind, syn._ref_i)]
        run(name, cols, 40)
        del nc, ns, syn
    syn = h.AlphaSynapse(s)
    syn.onset, syn.tau, syn.gmax, syn.e = 5, 0.1, 0.05, 0
    run("synapse_alpha", [("soma(0.5).v", s._ref_v), ("AlphaSynapse[0].i", syn._ref_i)], 40)
    del syn
    clear()


PT3D = {
    "dend": ([(0, 0, 0, 2), (10, 0, 0, 3), (15, 5, 0, 1.5), (30, 5, 2, 2.5), (52.3, 7, 2, 1)], 4),
    "tuft": ([(52.3, 7, 2, 1), (52.3, 7, 2, 0.8), (60.1, 9.7, 3.3, 0.6), (61, 10, 3, 0.6),
              (90.7, 11, -4, 0.35)], 5),
}


def case_pt3d_geometry():
    """Areas and ri of sections with 3-D points (treeset.cpp diam_from_list)."""
    secs = {}
    for name, (pts, nseg) in PT3D.items():
        sec = h.Section(name=name)
        for x, y, z, d in pts:
            h.pt3dadd(x, y, z, d, sec=sec)
        sec.nseg, sec.Ra = nseg, 123.4
        secs[name] = sec
    secs["tuft"].connect(secs["dend"](1), 0)
    with open(os.path.join(HERE, "pt3d_geometry.csv"), "w") as f:
        f.write("section,segment,area,ri,L\n")
        for name, sec in secs.items():
            for i, seg in enumerate(sec):
                f.write("%s,%d,%.17g,%.17g,%.17g\n" % (name, i, seg.area(), seg.ri(), sec.L))
    print("wrote pt3d_geometry.csv")
    clear()


# ---- Voltage clamps, APCount and Space Plot paths (issue 4) ----------------------------


def case_clamps():
    """SEClamp on soma_hh, VClamp on the squid axon, APCount counting soma_hh's spikes."""
    soma = hh_soma()
    s = soma(0.5)
    se = h.SEClamp(s)
    se.rs, se.dur1, se.amp1, se.dur2, se.amp2, se.dur3, se.amp3 = 0.01, 1, -65, 5, 10, 4, -65
    run("seclamp_soma_hh", [("soma(0.5).v", s._ref_v), ("SEClamp[0].i", se._ref_i),
                            ("SEClamp[0].vc", se._ref_vc), ("soma(0.5).ina", s._ref_ina),
                            ("soma(0.5).ik", s._ref_ik)], 10)
    # rs 1 MOhm (the default), a step to -40 mV that lets the soma fire through the electrode.
    se.rs, se.amp2 = 1, -40
    run("seclamp_soma_hh_rs1", [("soma(0.5).v", s._ref_v), ("SEClamp[0].i", se._ref_i)], 10)
    del se
    stim = h.IClamp(s)
    stim.delay, stim.dur, stim.amp = 1, 30, 0.1
    apc = h.APCount(s)
    run("apcount_soma_hh", [("soma(0.5).v", s._ref_v), ("APCount[0].n", apc._ref_n),
                            ("APCount[0].time", apc._ref_time)], 40)
    del stim, apc
    clear()

    axon = h.Section(name="axon")
    axon.L, axon.diam, axon.nseg, axon.Ra, axon.cm = 20000, 100, 43, 35.4, 1
    axon.insert("hh")
    vc = h.VClamp(axon(0.5))
    for j, (d, a) in enumerate(((1, -65), (5, 10), (4, -65))):
        vc.dur[j], vc.amp[j] = d, a
    run("vclamp_squid_axon", [("axon(0.5).v", axon(0.5)._ref_v), ("axon(0).v", axon(0)._ref_v),
                              ("axon(1).v", axon(1)._ref_v), ("VClamp[0].i", vc._ref_i)], 12)
    del vc
    clear()


def rvp_xy(a, b):
    rvp = h.RangeVarPlot("v", a, b)
    rvp.origin(rvp.d2root())
    v, x = h.Vector(), h.Vector()
    rvp.to_vector(v, x)
    return list(x), list(v)


def space_run(name, a, b, header):
    """v along the path a -> b (RangeVarPlot with origin(d2root), as the Shape plot's Space
    Plot) at t = 2, 3, 4 and 5 ms of a fixed-step run."""
    settings(10)
    h.finitialize(h.v_init)
    xs, vs = None, []
    for step in range(1, 201):
        h.fadvance()
        if step in (80, 120, 160, 200):
            x, v = rvp_xy(a, b)
            xs = x
            vs.append(v)
    with open(os.path.join(HERE, name + ".csv"), "w") as f:
        f.write(header + "\n")
        for k, x in enumerate(xs):
            f.write("%.17g," % x + ",".join("%.15g" % vs[j][k] for j in range(4)) + "\n")
    print("wrote %s.csv (%d points)" % (name, len(xs)))


def case_space_paths():
    # The squid axon, 300 nA at the middle, from end to end.
    axon = h.Section(name="axon")
    axon.L, axon.diam, axon.nseg, axon.Ra, axon.cm = 20000, 100, 43, 35.4, 1
    axon.insert("hh")
    stim = h.IClamp(axon(0.5))
    stim.delay, stim.dur, stim.amp = 1, 1, 300
    space_run("squid_axon_path", axon(0), axon(1), "distance,v_t2,v_t3,v_t4,v_t5")
    del stim
    clear()
    # The stylized cell (stylized_cell case): axon(1) -> ap[2](1), through the soma.
    soma, _ = stylized_cell()
    stim = h.IClamp(soma(0.5))
    stim.delay, stim.dur, stim.amp = 1, 0.1, 10
    space_run("stylized_cell_space", h.axon(1), h.ap[2](1), "distance,v_t2,v_t3,v_t4,v_t5")
    del stim
    clear()
    # Path layouts only: the same stick figure with nseg 3 everywhere and two extra branches
    # hung from interior points of ap[0] (0.3 and 0.9), every direction and snapping case.
    h("create soma, ap[3], bas, axon, c, d")
    soma, ap, bas, axon, c, d = h.soma, h.ap, h.bas, h.axon, h.c, h.d
    ap[0].connect(soma(1), 0)
    ap[1].connect(ap[0](1), 0)
    ap[2].connect(ap[0](1), 0)
    bas.connect(soma(0), 0)
    axon.connect(soma(0), 0)
    c.connect(ap[0](0.3), 0)
    d.connect(ap[0](0.9), 0)
    for sec, L, dm, n in ((soma, 20, 20, 3), (ap[0], 400, 2, 3), (ap[1], 300, 1, 3),
                          (ap[2], 500, 1, 3), (bas, 200, 3, 3), (axon, 800, 1, 3),
                          (c, 100, 1, 2), (d, 60, 1, 1)):
        sec.L, sec.diam, sec.nseg = L, dm, n
    paths = [("axon", 1, "ap[2]", 1), ("ap[2]", 1, "axon", 1), ("ap[1]", 1, "ap[2]", 1),
             ("ap[2]", 0.5, "ap[2]", 1), ("ap[2]", 1, "ap[2]", 0.5), ("ap[2]", 0.2, "ap[2]", 0.4),
             ("ap[2]", 0, "ap[2]", 0.5), ("soma", 0.5, "ap[0]", 0.5), ("bas", 1, "axon", 1),
             ("c", 1, "ap[2]", 1), ("c", 1, "d", 1), ("d", 1, "c", 1), ("c", 0, "c", 1),
             ("soma", 0, "soma", 1), ("d", 0.7, "bas", 0.1)]
    with open(os.path.join(HERE, "space_paths.csv"), "w") as f:
        f.write("from,to,index,distance\n")
        for sa, xa, sb, xb in paths:
            x, _ = rvp_xy(sec_of(sa)(xa), sec_of(sb)(xb))
            for k, e in enumerate(x):
                f.write("%s(%g),%s(%g),%d,%.17g\n" % (sa, xa, sb, xb, k, e))
    print("wrote space_paths.csv")
    clear()


def kschan(name, ion, gmax, erev, gates):
    """A density KSChan built as the ChannelBuilder's hoc file builds it (neuron-gui.md §2.8):
    one HH state per gate (add_hhstate), its power, a self-transition of type 0 (a, b) and
    set_f(direction, ftype, [A, k, d]) per rate.  ftype 2 exp, 3 linoid, 4 sigmoid."""
    ks = h.KSChan(0)
    ks.name(name)
    ks.ion(ion)
    ks.iv_type(0)
    ks.gmax(gmax)
    ks.erev(erev)
    for gname, power, fa, fb in gates:
        st = ks.add_hhstate(gname)
        st.gate().power(power)
        tr = ks.trans(st, st)
        tr.type(0)
        tr.set_f(0, fa[0], h.Vector(fa[1:]))
        tr.set_f(1, fb[0], h.Vector(fb[1:]))
    return ks


# The presets "HH sodium channel" and "HH potassium channel" (chanbild.hoc nahh, khh) and a
# NonSpecific leak with hh's gl and el.  KSChan types cannot be destroyed: build them once.
KS_TYPES = []


def kschan_types():
    if not KS_TYPES:
        KS_TYPES.append(kschan("nahh", "na", 0.12, 0, [
            ("m", 3, (3, 1, 0.1, -40), (2, 4, -1 / 18, -65)),
            ("h", 1, (2, 0.07, -1 / 20, -65), (4, 1, -1 / 10, -35))]))
        KS_TYPES.append(kschan("khh", "k", 0.036, 0, [
            ("n", 4, (3, 0.1, 0.1, -55), (2, 0.125, -1 / 80, -65))]))
        KS_TYPES.append(kschan("leak", "NonSpecific", 0.0003, -54.3, []))


def insert_kschan_hh(sec):
    for n in ("nahh", "khh", "leak"):
        sec.insert(n)


def case_kschan():
    """soma_hh and stylized_cell with hh replaced by KSChan presets (kschan_soma_hh,
    kschan_stylized_cell), at 6.3 °C: KSChan's HH gates have no temperature dependence."""
    kschan_types()
    soma = h.Section(name="soma")
    soma.L = soma.diam = 10
    insert_kschan_hh(soma)
    stim = h.IClamp(soma(0.5))
    stim.delay, stim.dur, stim.amp = 2, 0.1, 1
    s = soma(0.5)
    cols = [("soma(0.5).v", s._ref_v), ("soma(0.5).m_nahh", s._ref_m_nahh),
            ("soma(0.5).h_nahh", s._ref_h_nahh), ("soma(0.5).n_khh", s._ref_n_khh),
            ("soma(0.5).ina", s._ref_ina), ("soma(0.5).ik", s._ref_ik)]
    run("kschan_soma_hh", cols, 10)
    del stim, s, cols
    clear()

    soma, cols = stylized_cell()
    for sec in h.allsec():
        if sec.has_membrane("hh"):
            gna, gk, el = sec.gnabar_hh, sec.gkbar_hh, sec.el_hh
            sec.uninsert("hh")
            insert_kschan_hh(sec)
            sec.gmax_nahh, sec.gmax_khh, sec.e_leak = gna, gk, el
    cols[4] = ("axon(0.5).m_nahh", h.axon(0.5)._ref_m_nahh)
    stim = h.IClamp(soma(0.5))
    stim.delay, stim.dur, stim.amp = 1, 0.1, 10
    run("kschan_stylized_cell", cols, 10)
    del stim
    clear()


def case_hh_warm():
    """soma_hh without rate tables at 16.3 °C: hh's q10 = 3^((celsius - 6.3)/10), the
    reference for a channel with q10 3 at 6.3 °C."""
    soma = hh_soma()
    stim = h.IClamp(soma(0.5))
    stim.delay, stim.dur, stim.amp = 2, 0.1, 1
    s = soma(0.5)
    cols = [("soma(0.5).v", s._ref_v), ("soma(0.5).m_hh", s._ref_m_hh),
            ("soma(0.5).h_hh", s._ref_h_hh), ("soma(0.5).n_hh", s._ref_n_hh)]
    settings(10, 0, 0)
    h.celsius = 16.3
    tvec = h.Vector().record(h._ref_t)
    vecs = [(n, h.Vector().record(ref)) for n, ref in cols]
    h.run()
    write_csv("soma_hh_notable_16c", tvec, vecs)
    h.celsius = 6.3
    del stim
    clear()


def sec_of(name):
    if "[" in name:
        base, i = name[:-1].split("[")
        return getattr(h, base)[int(i)]
    return getattr(h, name)


CASES = ("pt3d_geometry", "soma_hh", "squid", "stylized", "passive_cable", "synapses",
         "clamps", "space_paths", "kschan", "hh_warm")

if __name__ == "__main__":
    # Optional arguments name the cases to run (e.g. "kschan"); none runs them all.
    for case in sys.argv[1:] or CASES:
        globals()["case_" + case]()
