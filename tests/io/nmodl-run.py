#!/usr/bin/python3
# nmodl-run.py LIB CELSIUS: loads the mechanisms Neurite exported as NMODL (nrnivmodl's
# libnrnmech.so), builds test-nmodl.c's soma (L = diam = 10 µm, nahh + khh + leak, IClamp
# 2 ms 0.1 ms 1 nA) and prints soma(0.5).v at t = 0 and after every step (dt 0.025, tstop 10),
# one value a line with 17 significant digits.
# SPDX-License-Identifier: GPL-3.0-or-later
import sys
from neuron import h

h.nrn_load_dll(sys.argv[1])
celsius = float(sys.argv[2])
soma = h.Section(name="soma")
soma.L = soma.diam = 10
soma.nseg = 1
soma.Ra = 35.4
soma.cm = 1
for mech in ("nahh", "khh", "leak"):
    soma.insert(mech)
seg = soma(0.5)
seg.gmax_nahh = 0.12
seg.gmax_khh = 0.036
seg.gmax_leak = 0.0003
seg.e_leak = -54.3
seg.ena = 50
seg.ek = -77
stim = h.IClamp(seg)
stim.delay = 2
stim.dur = 0.1
stim.amp = 1
h.celsius = celsius
h.dt = 0.025
tstop = 10
h.finitialize(-65)
out = [repr(seg.v)]
while h.t < tstop - h.dt / 2:
    h.fadvance()
    out.append(repr(seg.v))
print("\n".join(out))
