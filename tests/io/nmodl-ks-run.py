#!/usr/bin/python3
# nmodl-ks-run.py LIB CASE [CELSIUS]: NEURON runs for test-nmodl.c's kinetic-scheme, GHK and point
# channel exports.  Loads the mechanisms Neurite exported (nrnivmodl's libnrnmech.so: kca,
# cag, pk, pca) and builds two identical somas (L = diam = 10 um, hh without tables, IClamp at
# 0.5: 2 ms, 0.1 ms, 1 nA): soma "a" with the exported mechanisms, soma "b" with NEURON's own
# KSChan built as the ChannelBuilder builds it (add_ksstate, add_transition, type(3, "cai"),
# stoichiometry, set_f; add_hhstate for HH gates; iv_type(2) for GHK) under the names
# <name>_ks.  CASE is "scheme" (kca), "scheme-q10" (kcaq: kca with a q10, which KSChan
# lacks, so soma "b" keeps kca_ks), "mixed" (kcm: kca's scheme beside an HH gate h), "ghk"
# (cag) or "point" (pk and pca at soma(0.5)).
# Prints, for t = 0 and after every step (dt 0.025 ms, tstop 20 ms), "v_a v_b" with 17
# significant digits.  cai = 0.01 mM, cao = 2 mM, CELSIUS degC (default 6.3).
# SPDX-License-Identifier: GPL-3.0-or-later
import sys

from neuron import h

h.nrn_load_dll(sys.argv[1])
case = sys.argv[2]
celsius = float(sys.argv[3]) if len(sys.argv) > 3 else 6.3
h.ion_register("ca", 2)
CAI, CAO = 0.01, 2.0
h.cai0_ca_ion = CAI
h.cao0_ca_ion = CAO
KEEP = []


def setf(tr, direction, ftype, params):
    tr.set_f(direction, ftype, h.Vector(params))


def ks_scheme(ks, states, transitions):
    """states [(name, frac)]; transitions [(src, tgt, type, ligand, n, f0, f1)]."""
    gate = None
    objs = []
    for name, frac in states:
        st = ks.add_ksstate(gate, name)
        gate = st.gate()
        st.frac(frac)
        objs.append(st)
    for src, tgt, *_ in transitions:
        ks.add_transition(objs[src], objs[tgt])
    for src, tgt, ttype, lig, n, f0, f1 in transitions:
        tr = ks.trans(objs[src], objs[tgt])
        if ttype >= 2:
            tr.type(ttype, lig)
            tr = ks.trans(objs[src], objs[tgt])  # ligand transitions move to the end
            tr.stoichiometry(n)
        else:
            tr.type(ttype)
        setf(tr, 0, f0[0], f0[1:])
        setf(tr, 1, f1[0], f1[1:])


def ks_hhgate(ks, name, power, f0, f1):
    st = ks.add_hhstate(name)
    st.gate().power(power)
    tr = ks.trans(st, st)
    tr.type(0)
    setf(tr, 0, f0[0], f0[1:])
    setf(tr, 1, f1[0], f1[1:])


def kschan(name, point, ion, iv_type, gmax, erev=0.0):
    ks = h.KSChan(1 if point else 0)
    ks.name(name)
    ks.ion(ion)
    ks.iv_type(iv_type)
    ks.gmax(gmax)
    ks.erev(erev)
    KEEP.append(ks)
    return ks


def soma(name):
    sec = h.Section(name=name)
    sec.L = sec.diam = 10
    sec.nseg = 1
    sec.Ra = 35.4
    sec.cm = 1
    sec.insert("hh")
    stim = h.IClamp(sec(0.5))
    stim.delay, stim.dur, stim.amp = 2, 0.1, 1
    KEEP.append(stim)
    return sec


GHK_M = ((4, 1.0, -0.1, -30), (2, 0.2, -1 / 20, -65))
a, b = soma("a"), soma("b")
KCA_STATES = [("C1", 0), ("C2", 0), ("O", 1)]
KCA_TRANS = [
    (0, 1, 0, None, 1, (3, 0.1, 0.1, -40), (2, 0.05, -1 / 20, -65)),
    (1, 2, 3, "cai", 2, (1, 2000), (1, 0.1)),
    (2, 0, 1, None, 1, (4, 1, -0.1, -45), (2, 5, -0.01, -60)),
]
if case in ("scheme", "scheme-q10"):
    ks = kschan("kca_ks", False, "k", 0, 0.002)
    ks_scheme(ks, KCA_STATES, KCA_TRANS)
    a.insert("kca" if case == "scheme" else "kcaq")
    b.insert("kca_ks")
elif case == "mixed":
    ks = kschan("kcm_ks", False, "k", 0, 0.0005)
    ks_hhgate(ks, "h", 1, (2, 0.02, -0.05, -65), (4, 0.3, -0.1, -35))
    ks_scheme(ks, KCA_STATES, KCA_TRANS)
    a.insert("kcm")
    b.insert("kcm_ks")
elif case == "ghk":
    ks = kschan("cag_ks", False, "ca", 2, 2e-5)
    ks_hhgate(ks, "m", 2, *GHK_M)
    a.insert("cag")
    b.insert("cag_ks")
elif case == "point":
    ks = kschan("pk_ks", True, "NonSpecific", 0, 0.005, -80)
    ks_scheme(ks, [("C", 0), ("O", 1)], [
        (0, 1, 0, None, 1, (2, 0.2, 0.05, -40), (4, 0.4, 0.1, -50)),
    ])
    ks = kschan("pca_ks", True, "ca", 2, 1e-11)
    ks_hhgate(ks, "m", 2, *GHK_M)
    pa = [h.pk(a(0.5)), h.pca(a(0.5))]
    pb = [h.pk_ks(b(0.5)), h.pca_ks(b(0.5))]
    # KSChan(1) puts Nsingle's default 1 where gmax lives: set the channels' defaults.
    pb[0].gmax = 0.005
    pb[0].e = -80
    pb[1].pmax = 1e-11
    KEEP.extend(pa + pb)
else:
    sys.exit("unknown case " + case)
for sec in (a, b):
    if h.ismembrane("ca_ion", sec=sec):
        sec.cai, sec.cao = CAI, CAO
h.celsius = celsius
h.dt = 0.025
h.secondorder = 0
h.usetable_hh = 0
tstop = 20
h.finitialize(-65)
out = ["%r %r" % (a(0.5).v, b(0.5).v)]
while h.t < tstop - h.dt / 2:
    h.fadvance()
    out.append("%r %r" % (a(0.5).v, b(0.5).v))
print("\n".join(out))
