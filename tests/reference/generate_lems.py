#!/usr/bin/python3
# generate_lems.py: NEURON traces for the official NeuroML examples run through LEMS files.
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The cells are built in plain NEURON as jNeuroML's NEURON export builds them (no jnml here):
# hh without rate tables (usetable_hh = 0), a spherical soma as a cylinder with L = diam,
# sections from the sao864921383 groups with their pt3d points.  Each case runs with the
# length and step of its LEMS Simulation and records the quantities of its Display/Line and
# OutputFile/OutputColumn elements, as Neurite maps them to sec(x) (the middle of the named
# segment).  Samples every 0.1 ms are written:
#   lems_ex5.csv        LEMS_NML2_Ex5_DetCell.xml: 300 ms, step 0.01 ms; t, soma(0.5).v and
#                       the gate states m, h, n of its second Display
#   lems_multicomp.csv  a LEMS file around NML2_MultiCompCellNetwork.nml (instance 0 of
#                       pop0): 150 ms, step 0.025 ms; t, soma(0.5).v, dendSec2(1/6).v
#                       (segment 2), dendSec2(2/3).v (segment 3)
# Run: /usr/bin/python3 tests/reference/generate_lems.py
import os

from neuron import h

h.load_file("stdrun.hoc")
HERE = os.path.dirname(os.path.abspath(__file__))


def insert_hh(sec):
    sec.insert("hh")
    for seg in sec:
        seg.gnabar_hh = 0.12      # naChan 120 mS_per_cm2
        seg.gkbar_hh = 0.036      # kChan 360 S_per_m2
        seg.gl_hh = 0.0003        # passive 3 S_per_m2
        seg.el_hh = -54.3
        seg.ena = 50
        seg.ek = -77


def run(length, step, every, columns, states=()):
    """Runs with the LEMS Simulation's length and step (ms); returns rows sampled every
    `every` steps: v of each column's segment, then the states (of columns[0]'s segment)."""
    h.usetable_hh = 0
    h.celsius = 6.3
    h.v_init = -65
    h.secondorder = 0
    h.dt = step
    h.steps_per_ms = 1.0 / step
    h.tstop = length
    t = h.Vector().record(h._ref_t)
    vs = [h.Vector().record(seg._ref_v) for _, seg in columns]
    vs += [h.Vector().record(getattr(columns[0][1], ref)) for _, ref in states]
    h.run()
    rows = []
    for i in range(0, len(t), every):
        rows.append([t[i]] + [v[i] for v in vs])
    return rows


def write(name, header, rows):
    with open(os.path.join(HERE, name), "w") as f:
        f.write(",".join(header) + "\n")
        for r in rows:
            f.write(",".join(repr(x) for x in r) + "\n")
    print(name, len(rows), "rows")


def ex5():
    soma = h.Section(name="soma")
    d = 17.841242              # the sphere of NML2_SingleCompHHCell.nml
    soma.L = d
    soma.diam = d
    soma.nseg = 1
    soma.Ra = 30               # 0.03 kohm_cm
    soma.cm = 1
    insert_hh(soma)
    stim = h.IClamp(soma(0.5))
    stim.delay, stim.dur, stim.amp = 100, 100, 0.08
    cols = [("soma(0.5).v", soma(0.5))]
    # the Display d2 of gate states m, h, n
    states = [("soma(0.5).m_hh", "_ref_m_hh"), ("soma(0.5).h_hh", "_ref_h_hh"),
              ("soma(0.5).n_hh", "_ref_n_hh")]
    rows = run(300.0, 0.01, 10, cols, states)
    write("lems_ex5.csv", ["t"] + [c for c, _ in cols] + [c for c, _ in states], rows)
    return soma, stim


def multicomp():
    soma = h.Section(name="soma")
    d1 = h.Section(name="dendSec1")
    d2 = h.Section(name="dendSec2")
    d1.connect(soma(1), 0)
    d2.connect(d1(1), 0)
    for sec, pts in ((soma, [(0, 0, 0, 10), (0, 10, 0, 10)]),
                     (d1, [(0, 10, 0, 3), (0, 20, 0, 3)]),
                     (d2, [(0, 20, 0, 3), (0, 30, 0, 2.5), (0, 50, 0, 1.5)])):
        h.pt3dclear(sec=sec)
        for p in pts:
            h.pt3dadd(*p, sec=sec)
    d2.nseg = 9
    for sec in (soma, d1, d2):
        sec.Ra = 100000        # 100 kohm_cm
        sec.cm = 1
        insert_hh(sec)
    stim = h.IClamp(soma(0.5))  # pulseGen2 on instance 0, segment 0
    stim.delay, stim.dur, stim.amp = 20, 100, 0.2
    cols = [("soma(0.5).v", soma(0.5)),
            ("dendSec2(1/6).v", d2(5.0 / 30.0)),
            ("dendSec2(2/3).v", d2(20.0 / 30.0))]
    rows = run(150.0, 0.025, 4, cols)
    write("lems_multicomp.csv", ["t"] + [c for c, _ in cols], rows)
    return soma, d1, d2, stim


keep = ex5()
for s in h.allsec():
    h.delete_section(sec=s)
del keep
keep = multicomp()
