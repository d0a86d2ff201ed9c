#!/usr/bin/python3
# neuron-bench.py: times NEURON's psolve on the benchmark models, for Neurite's benchmark.
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: neuron-bench.py MODEL TSTOP  (MODEL: stylized_cell | squid_axon)
# Prints "nseg STEPS MEDIAN_SECONDS": h.stdinit(); ParallelContext().psolve(tstop), median
# of 5, with v of the soma (or axon middle) recorded, as ../shared/validation timed it.
import statistics
import sys
import time

from neuron import h

h.load_file("stdrun.hoc")
model, tstop = sys.argv[1], float(sys.argv[2])

if model == "stylized_cell":
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
        sec.nseg = int((sec.L / (0.1 * h.lambda_f(100, sec=sec)) + 0.999) / 2) * 2 + 1
    for sec in (soma, axon, ap[0], ap[1], ap[2]):
        sec.insert("hh")
    for i in range(3):
        ap[i].gnabar_hh, ap[i].gkbar_hh, ap[i].el_hh = 0.012, 0.0036, -64
    bas.insert("pas")
    bas.e_pas = -65
    stim = h.IClamp(soma(0.5))
    stim.delay, stim.dur, stim.amp = 1, 0.1, 10
    rec = h.Vector().record(soma(0.5)._ref_v)
else:
    axon = h.Section(name="axon")
    axon.L, axon.diam, axon.nseg, axon.Ra, axon.cm = 20000, 100, 43, 35.4, 1
    axon.insert("hh")
    stim = h.IClamp(axon(0.5))
    stim.delay, stim.dur, stim.amp = 1, 1, 300
    rec = h.Vector().record(axon(0.5)._ref_v)

h.dt = 0.025
h.steps_per_ms = 40
h.tstop = tstop
pc = h.ParallelContext()
pc.set_maxstep(10)
times = []
for _ in range(5):
    t0 = time.perf_counter()
    h.stdinit()
    pc.psolve(tstop)
    times.append(time.perf_counter() - t0)
nseg = sum(s.nseg for s in h.allsec())
print(nseg, int(round(tstop / h.dt)), statistics.median(times))
