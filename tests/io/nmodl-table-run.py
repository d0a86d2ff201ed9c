#!/usr/bin/python3
# nmodl-table-run.py LIB HOC A B: NEURON runs for test-nmodl.c's table-rate channel.
# Loads Neurite's exported mechanisms (nrnivmodl's libnrnmech.so with A.mod) and Neurite's
# "Hoc file for KSChan" of the same channel named B (HOC, KSChan ftype 7 tables), then runs
# two identical somas (L = diam = 10 um, hh without tables, IClamp at 0.5: 2 ms, 0.1 ms,
# 1 nA) at 6.3 degC, one with A, one with B.  Prints, for t = 0 and after every step
# (dt 0.025 ms, tstop 20 ms), "v_A v_B" with 17 significant digits.
# SPDX-License-Identifier: GPL-3.0-or-later
import sys

from neuron import h

h.nrn_load_dll(sys.argv[1])
h.load_file(sys.argv[2])
KEEP = []


def soma(name, mech):
    sec = h.Section(name=name)
    sec.L = sec.diam = 10
    sec.nseg = 1
    sec.Ra = 35.4
    sec.cm = 1
    sec.insert("hh")
    sec.insert(mech)
    stim = h.IClamp(sec(0.5))
    stim.delay, stim.dur, stim.amp = 2, 0.1, 1
    KEEP.append(stim)
    return sec


a, b = soma("a", sys.argv[3]), soma("b", sys.argv[4])
h.load_file("stdrun.hoc")
h.celsius = 6.3
h.usetable_hh = 0
h.dt = 0.025
h.steps_per_ms = 40
h.secondorder = 0
h.tstop = 20
h.v_init = -65
va = h.Vector().record(a(0.5)._ref_v)
vb = h.Vector().record(b(0.5)._ref_v)
h.run()
for x, y in zip(va, vb):
    print("%.17g %.17g" % (x, y))
