#!/usr/bin/python3
# generate_nml_examples.py: NEURON references for the official NeuroML examples Neurite reads.
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Builds in plain NEURON the cells that Neurite makes of ../shared/neuroml's HH examples, the
# way jNeuroML's NEURON export would run them (usetable_hh = 0: converted NeuroML channels have
# no rate tables; a spherical soma becomes a cylinder with L = diam), and writes the spike
# times (0 mV, upward, linearly interpolated) to nml_examples.json.
# Run: /usr/bin/python3 tests/reference/generate_nml_examples.py
import json
import os

from neuron import h

h.load_file("stdrun.hoc")
HERE = os.path.dirname(os.path.abspath(__file__))


def hh_defaults(sec):
    sec.insert("hh")
    for seg in sec:
        seg.gnabar_hh = 0.12      # 120 mS_per_cm2
        seg.gkbar_hh = 0.036      # 360 S_per_m2
        seg.gl_hh = 0.0003        # 3 S_per_m2
        seg.el_hh = -54.3
        seg.ena = 50
        seg.ek = -77


def run(tstop, dt, rec_seg):
    h.usetable_hh = 0
    h.celsius = 6.3
    h.v_init = -65
    h.dt = dt
    h.steps_per_ms = 1.0 / dt
    h.secondorder = 0
    h.tstop = tstop
    t = h.Vector().record(h._ref_t)
    v = h.Vector().record(rec_seg._ref_v)
    h.run()
    spikes = []
    for i in range(1, len(t)):
        if v[i - 1] < 0 <= v[i]:
            spikes.append(t[i - 1] + (0 - v[i - 1]) * (t[i] - t[i - 1]) / (v[i] - v[i - 1]))
    return spikes


def single_comp(diam, tstop, dt):
    soma = h.Section(name="soma")
    soma.L = diam
    soma.diam = diam
    soma.nseg = 1
    soma.Ra = 30           # 0.03 kohm_cm
    soma.cm = 1
    hh_defaults(soma)
    stim = h.IClamp(soma(0.5))
    stim.delay, stim.dur, stim.amp = 100, 100, 0.08
    spikes = run(tstop, dt, soma(0.5))
    return spikes


def multi_comp(tstop, dt):
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
        sec.Ra = 100000    # 100 kohm_cm
        sec.cm = 1
        hh_defaults(sec)
    stim = h.IClamp(soma(0.5))
    stim.delay, stim.dur, stim.amp = 20, 100, 0.2
    return run(tstop, dt, soma(0.5))


cases = {}
cases["LEMS_HH_single_compartment_example_sim"] = {
    "file": "Documentation/NML2_examples/LEMS_HH_single_compartment_example_sim.xml",
    "tstop": 300.0, "dt": 0.01, "record": "soma(0.5).v",
    "spike_times_ms": single_comp(17.841241161527712, 300.0, 0.01)}
cases["LEMS_NML2_Ex5_DetCell"] = {
    "file": "NeuroML2/LEMSexamples/LEMS_NML2_Ex5_DetCell.xml",
    "tstop": 300.0, "dt": 0.01, "record": "soma(0.5).v",
    "spike_times_ms": single_comp(17.841242, 300.0, 0.01)}
cases["NML2_MultiCompCellNetwork"] = {
    "file": "NeuroML2/examples/NML2_MultiCompCellNetwork.nml",
    "tstop": 150.0, "dt": 0.025, "record": "soma(0.5).v",
    "spike_times_ms": multi_comp(150.0, 0.025)}

doc = {"generator": "tests/reference/generate_nml_examples.py",
       "neuron_version": h.nrnversion(5),
       "settings": "usetable_hh = 0, celsius 6.3, v_init -65, backward Euler",
       "cases": cases}
with open(os.path.join(HERE, "nml_examples.json"), "w") as f:
    json.dump(doc, f, indent=1)
for k, c in cases.items():
    print(k, ["%.6f" % s for s in c["spike_times_ms"]])
