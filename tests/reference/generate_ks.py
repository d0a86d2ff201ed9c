#!/usr/bin/python3
# generate_ks.py: NEURON 8.2.2 references for kinetic-scheme, GHK and point KSChan channels.
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Plain NEURON Python, no GUI: run with Debian's interpreter,
#     /usr/bin/python3 tests/reference/generate_ks.py
# Each channel is a KSChan built as the ChannelBuilder's "Hoc file for KSChan" builds it
# (reference/neuron-gui.md §2.8): ion_register, add_ksstate into one gate complex, frac,
# add_transition, tobj.type(3, "cai"), stoichiometry, set_f(direction, ftype, [params]),
# add_hhstate for HH gates, iv_type(2) for GHK.  The same channels are built through the model
# API in tests/validation/test-kinetic.c; the numbers here and there must stay identical.
# Writes NAME.csv next to this script (header of Neurite record expressions, one row per
# fixed step of 0.025 ms, 15 significant digits).
import math
import os

import numpy as np
from neuron import h

h.load_file("stdrun.hoc")
h.ion_register("ca", 2)
# Neurite's settings.conc_i/conc_o (NEURON's cai0_ca_ion...) with cai raised so that the
# ligand transition matters.  Nothing writes cai or cao, so finitialize leaves the ion's
# values alone (ion_style 49) and a new ion starts at the built-in 5e-5 mM whatever
# cai0_ca_ion says: run() sets them in every section that has the ion.
CAI, CAO = 0.01, 2
h.cai0_ca_ion = CAI
h.cao0_ca_ion = CAO

HERE = os.path.dirname(os.path.abspath(__file__))
TSTOP = 20


def settings():
    h.celsius = 6.3
    h.v_init = -65
    h.dt = 0.025
    h.steps_per_ms = 40
    h.secondorder = 0
    h.tstop = TSTOP
    h.usetable_hh = 0          # Neurite's hh_use_table = FALSE


def run(name, cols):
    settings()
    for sec in h.allsec():
        if h.ismembrane("ca_ion", sec=sec):
            sec.cai, sec.cao = CAI, CAO
    tvec = h.Vector().record(h._ref_t)
    vecs = [(n, h.Vector().record(ref)) for n, ref in cols]
    h.run()
    t = np.round(np.array(tvec), 6)
    arr = np.column_stack([t] + [np.array(v) for _, v in vecs])
    with open(os.path.join(HERE, name + ".csv"), "w") as f:
        f.write(",".join(["t"] + [n for n, _ in cols]) + "\n")
        np.savetxt(f, arr, delimiter=",", fmt="%.15g")
    print("wrote %s.csv (%d rows)" % (name, arr.shape[0]))


def soma_hh():
    soma = h.Section(name="soma")
    soma.L = soma.diam = 10
    soma.nseg = 1
    soma.Ra = 35.4
    soma.cm = 1
    soma.insert("hh")
    stim = h.IClamp(soma(0.5))
    stim.delay, stim.dur, stim.amp = 2, 0.1, 1
    return soma, stim


def setf(tr, direction, ftype, params):
    tr.set_f(direction, ftype, h.Vector(params))


def scheme(ks, states, transitions):
    """states: [(name, frac)]; transitions: [(src, tgt, type, ligand, n, f0, f1)] with
    f = (ftype, params...)."""
    gate = None
    objs = []
    for name, frac in states:
        st = ks.add_ksstate(gate, name)
        gate = st.gate()
        st.frac(frac)
        objs.append(st)
    # All transitions first, then their types (the ChannelBuilder's hoc file does the same;
    # adding a voltage transition after a ligand one trips an assertion in KSChan).
    for src, tgt, ttype, lig, n, f0, f1 in transitions:
        ks.add_transition(objs[src], objs[tgt])
    for src, tgt, ttype, lig, n, f0, f1 in transitions:
        tr = ks.trans(objs[src], objs[tgt])
        if ttype >= 2:
            tr.type(ttype, lig)
            # type() may move the transition (ligand transitions go last): fetch it again
            tr = ks.trans(objs[src], objs[tgt])
            tr.stoichiometry(n)
        else:
            tr.type(ttype)
        setf(tr, 0, f0[0], f0[1:])
        setf(tr, 1, f1[0], f1[1:])
    return objs


def hhgate(ks, name, power, f0, f1):
    st = ks.add_hhstate(name)
    st.gate().power(power)
    tr = ks.trans(st, st)
    tr.type(0)
    setf(tr, 0, f0[0], f0[1:])
    setf(tr, 1, f1[0], f1[1:])


KEEP = []


def channels():
    # kca: density, k, ohmic, gmax 0.002 S/cm2; C1 <-> C2 (linoid a, exp b), C2 <-> O
    # (ligand cai, stoichiometry 2: 2000 /ms-mM2, 0.1 /ms), O <-> C1 (inf sigmoid, tau exp).
    ks = h.KSChan(0)
    ks.name("kca")
    ks.ion("k")
    ks.iv_type(0)
    ks.gmax(0.002)
    scheme(ks, [("C1", 0), ("C2", 0), ("O", 1)], [
        (0, 1, 0, None, 1, (3, 0.1, 0.1, -40), (2, 0.05, -1 / 20, -65)),
        (1, 2, 3, "cai", 2, (1, 2000), (1, 0.1)),
        (2, 0, 1, None, 1, (4, 1, -0.1, -45), (2, 5, -0.01, -60)),
    ])
    KEEP.append(ks)
    # mix: density, NonSpecific, gmax 0.003 S/cm2, e -70 mV: an HH gate h (inf sigmoid,
    # tau 5 ms), then two schemes: (A <-> B)^2 with B open, and X <-> Y with fractions
    # 0.4 and 1 (the order KSChan keeps: HH gates first, then the complexes).
    ks = h.KSChan(0)
    ks.name("mix")
    ks.ion("NonSpecific")
    ks.iv_type(0)
    ks.gmax(0.003)
    ks.erev(-70)
    st = ks.add_hhstate("h")
    tr = ks.trans(st, st)
    tr.type(1)
    setf(tr, 0, 4, (1, 0.1, -60))
    setf(tr, 1, 1, (5,))
    ab = scheme(ks, [("A", 0), ("B", 1)], [
        (0, 1, 0, None, 1, (2, 0.1, 0.04, -45), (2, 0.1, -0.04, -45)),
    ])
    ab[0].gate().power(2)
    scheme(ks, [("X", 0.4), ("Y", 1)], [
        (0, 1, 0, None, 1, (3, 0.05, 0.1, -50), (1, 0.08)),
    ])
    KEEP.append(ks)
    # cag: density, ca, GHK, pmax 2e-5 cm/s, m^2 with a sigmoid, b exp.
    ks = h.KSChan(0)
    ks.name("cag")
    ks.ion("ca")
    ks.iv_type(2)
    ks.gmax(2e-5)
    hhgate(ks, "m", 2, (4, 1.0, -0.1, -30), (2, 0.2, -1 / 20, -65))
    KEEP.append(ks)
    # pk: point, NonSpecific ohmic, gmax 0.005 uS, e -80 mV; C <-> O (exp a, sigmoid b).
    ks = h.KSChan(1)
    ks.name("pk")
    ks.ion("NonSpecific")
    ks.iv_type(0)
    ks.gmax(0.005)
    ks.erev(-80)
    scheme(ks, [("C", 0), ("O", 1)], [
        (0, 1, 0, None, 1, (2, 0.2, 0.05, -40), (4, 0.4, 0.1, -50)),
    ])
    KEEP.append(ks)
    # pca: point, ca, GHK, pmax 1e-11 cm3/s, the same m^2 gate as cag.
    ks = h.KSChan(1)
    ks.name("pca")
    ks.ion("ca")
    ks.iv_type(2)
    ks.gmax(1e-11)
    hhgate(ks, "m", 2, (4, 1.0, -0.1, -30), (2, 0.2, -1 / 20, -65))
    KEEP.append(ks)
    # bgk: density, k, ohmic, gmax 0.005 S/cm2; HH gate n^2 with the Borg-Graham pair on one
    # shared vector (K 0.2 /ms, vhalf -45 mV, z 3, gam 0.7, tau0 0.5 ms), as the
    # ChannelBuilder sets it: set_f(0, 5, vec), set_f(1, 6, vec).  The only temperature-
    # dependent KSChan form: run at 6.3 and 22 degC.
    ks = h.KSChan(0)
    ks.name("bgk")
    ks.ion("k")
    ks.iv_type(0)
    ks.gmax(0.005)
    st = ks.add_hhstate("n")
    st.gate().power(2)
    tr = ks.trans(st, st)
    tr.type(1)
    vec = h.Vector([0.2, -45, 3, 0.7, 0.5])
    tr.set_f(0, 5, vec)
    tr.set_f(1, 6, vec)
    # and a scheme C <-> O (O open) whose inf/tau transition is Borg-Graham too
    # (K 0.05 /ms, vhalf -30 mV, z 2, gam 0.3, tau0 1 ms)
    objs = scheme(ks, [("C", 0), ("O", 1)], [
        (0, 1, 1, None, 1, (5, 0.05, -30, 2, 0.3, 1), (6, 0.05, -30, 2, 0.3, 1)),
    ])
    KEEP.append((ks, vec, objs))
    # tabk: density, k, ohmic, gmax 0.01 S/cm2; KSChan's table form (ftype 7) on 21 points
    # from -100 to 50 mV: m^3 with a, b sampled from hh's m rates, h with inf, tau sampled
    # from hh's h (6.3 degC), as set_f(direction, 7, values, vmin, vmax).
    ks = h.KSChan(0)
    ks.name("tabk")
    ks.ion("k")
    ks.iv_type(0)
    ks.gmax(0.01)
    tables = table_rates()
    vecs = []
    for name, power, ttype, f0, f1 in (("m", 3, 0, tables[0], tables[1]),
                                       ("h", 1, 1, tables[2], tables[3])):
        st = ks.add_hhstate(name)
        st.gate().power(power)
        tr = ks.trans(st, st)
        tr.type(ttype)
        for direction, vals in ((0, f0), (1, f1)):
            vec = h.Vector(vals)
            tr.set_f(direction, 7, vec, TAB_VMIN, TAB_VMAX)
            vecs.append(vec)
    KEEP.append((ks, vecs))


TAB_VMIN, TAB_VMAX, TAB_N = -100.0, 50.0, 21


def table_rates():
    """hh's m alpha, beta and h inf, tau at 6.3 degC on TAB_N even points (the same
    operations as tabk's tables in test-kinetic.c; am's removable singularity at -40 mV is
    its limit, 1 /ms)."""
    am, bm, hinf, htau = [], [], [], []
    for i in range(TAB_N):
        v = TAB_VMIN + i * (TAB_VMAX - TAB_VMIN) / (TAB_N - 1)
        am.append(1.0 if v == -40 else 0.1 * (v + 40) / (1 - math.exp(-(v + 40) / 10)))
        bm.append(4 * math.exp(-(v + 65) / 18))
        ah = 0.07 * math.exp(-(v + 65) / 20)
        bh = 1 / (1 + math.exp(-(v + 35) / 10))
        hinf.append(ah / (ah + bh))
        htau.append(1 / (ah + bh))
    return am, bm, hinf, htau


def clear():
    for sec in list(h.allsec()):
        h.delete_section(sec=sec)


def case_scheme():
    soma, stim = soma_hh()
    soma.insert("kca")
    s = soma(0.5)
    cols = [("soma(0.5).v", s._ref_v), ("soma(0.5).C1_kca", s._ref_C1_kca),
            ("soma(0.5).C2_kca", s._ref_C2_kca), ("soma(0.5).O_kca", s._ref_O_kca),
            ("soma(0.5).i_kca", s._ref_i_kca), ("soma(0.5).ik", s._ref_ik)]
    run("ks_scheme_soma", cols)
    del stim, s, cols
    clear()


def case_mixed():
    soma, stim = soma_hh()
    soma.insert("mix")
    s = soma(0.5)
    cols = [("soma(0.5).v", s._ref_v), ("soma(0.5).h_mix", s._ref_h_mix),
            ("soma(0.5).A_mix", s._ref_A_mix), ("soma(0.5).B_mix", s._ref_B_mix),
            ("soma(0.5).X_mix", s._ref_X_mix), ("soma(0.5).Y_mix", s._ref_Y_mix),
            ("soma(0.5).i_mix", s._ref_i_mix)]
    run("ks_mixed_soma", cols)
    del stim, s, cols
    clear()


def case_ghk():
    soma, stim = soma_hh()
    soma.insert("cag")
    s = soma(0.5)
    cols = [("soma(0.5).v", s._ref_v), ("soma(0.5).m_cag", s._ref_m_cag),
            ("soma(0.5).i_cag", s._ref_i_cag), ("soma(0.5).ica", s._ref_ica)]
    run("ks_ghk_soma", cols)
    print("ghk(-65, 5e-5, 2, 2) at 6.3 C = %.17g" % h.ghk(-65, 5e-5, 2, 2))
    print("cai during the run: %g" % soma(0.5).cai)
    del stim, s, cols
    clear()


def case_bg(celsius, name):
    soma, stim = soma_hh()
    soma.insert("bgk")
    s = soma(0.5)
    cols = [("soma(0.5).v", s._ref_v), ("soma(0.5).n_bgk", s._ref_n_bgk),
            ("soma(0.5).O_bgk", s._ref_O_bgk), ("soma(0.5).i_bgk", s._ref_i_bgk)]
    settings()
    old = settings
    globals()["settings"] = lambda: (old(), setattr(h, "celsius", celsius))
    try:
        run(name, cols)
    finally:
        globals()["settings"] = old
    del stim, s, cols
    clear()


def case_table():
    soma, stim = soma_hh()
    soma.insert("tabk")
    s = soma(0.5)
    cols = [("soma(0.5).v", s._ref_v), ("soma(0.5).m_tabk", s._ref_m_tabk),
            ("soma(0.5).h_tabk", s._ref_h_tabk), ("soma(0.5).i_tabk", s._ref_i_tabk)]
    run("ks_table_soma", cols)
    del stim, s, cols
    clear()


def case_point():
    """NEURON 8.2.2 names a GHK point channel's variables pmax and p, and its first state
    name (m) lands on the slot after p, which holds the current i (nA): pca._ref_m is
    recorded as pca[0].i.  pca's m itself has no name."""
    soma, stim = soma_hh()
    pk = h.pk(soma(0.5))
    pca = h.pca(soma(0.5))
    # KSChan(1)'s alloc writes Nsingle's default 1 into param[0], which is gmax when single
    # channels are off: a new instance has gmax 1 whatever ks.gmax() says.  Set the values
    # Neurite gives a new instance (the channel's default gmax).
    pk.gmax = 0.005
    pca.pmax = 1e-11
    s = soma(0.5)
    cols = [("soma(0.5).v", s._ref_v), ("pk[0].C", pk._ref_C), ("pk[0].O", pk._ref_O),
            ("pk[0].g", pk._ref_g),
            ("pk[0].i", pk._ref_i), ("pca[0].i", pca._ref_m), ("pca[0].p", pca._ref_p),
            ("soma(0.5).ica", s._ref_ica)]
    run("ks_point_soma", cols)
    del stim, s, cols, pk, pca
    clear()


def case_single():
    """One stochastic run of NEURON's kssingle: ps (pk's scheme, Allow Single Channels,
    Nsingle 10000, gmax 1e-9 uS, e -40 mV) in a passive soma under SEClamp (rs 0.01 MOhm)
    at -65 mV for 5 ms, then -40 mV; KSChan.rseed(1).  Its random numbers (mcell_ran4) are not
    Neurite's: the test compares window means statistically."""
    ks = h.KSChan(1)
    ks.name("ps")
    ks.ion("NonSpecific")
    ks.iv_type(0)
    ks.gmax(1e-9)
    ks.erev(-40)
    scheme(ks, [("C", 0), ("O", 1)], [
        (0, 1, 0, None, 1, (2, 0.2, 0.05, -40), (4, 0.4, 0.1, -50)),
    ])
    ks.single(1)
    ks.rseed(1)
    KEEP.append(ks)
    soma = h.Section(name="soma")
    soma.L = soma.diam = 10
    clamp = h.SEClamp(soma(0.5))
    clamp.rs, clamp.dur1, clamp.amp1, clamp.dur2, clamp.amp2 = 0.01, 5, -65, 1000, -40
    ps = h.ps(soma(0.5))
    ps.Nsingle = 10000
    ps.gmax = 1e-9
    cols = [("soma(0.5).v", soma(0.5)._ref_v), ("ps[0].C", ps._ref_C), ("ps[0].O", ps._ref_O)]
    h.tstop = 30
    settings()
    h.tstop = 30
    tvec = h.Vector().record(h._ref_t)
    vecs = [(n, h.Vector().record(ref)) for n, ref in cols]
    h.run()
    t = np.round(np.array(tvec), 6)
    arr = np.column_stack([t] + [np.array(v) for _, v in vecs])
    with open(os.path.join(HERE, "ks_single_neuron.csv"), "w") as f:
        f.write(",".join(["t"] + [n for n, _ in cols]) + "\n")
        np.savetxt(f, arr, delimiter=",", fmt="%.15g")
    print("wrote ks_single_neuron.csv (%d rows)" % arr.shape[0])
    del clamp, ps
    clear()


if __name__ == "__main__":
    channels()
    case_scheme()
    case_mixed()
    case_ghk()
    case_point()
    case_single()
    case_bg(6.3, "ks_bg_soma_6.3")
    case_bg(22, "ks_bg_soma_22")
    case_table()
