#!/usr/bin/python3
# neuron-bench.py: times NEURON's psolve on the benchmark models, for Neurite's benchmark.
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: neuron-bench.py MODEL TSTOP  (MODEL: stylized_cell | squid_axon | tree2000 |
# kschan_axon | ca1)
# Prints "nseg STEPS MEDIAN_SECONDS": h.stdinit(); ParallelContext().psolve(tstop), median
# of 5, with v of the soma (or axon middle) recorded, as ../shared/validation timed it.
import os
import statistics
import sys
import time

# The models are built as the reference generator builds them, so both time the same cell.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reference"))
import generate  # noqa: E402
from neuron import h  # noqa: E402

model, tstop = sys.argv[1], float(sys.argv[2])

if model == "stylized_cell":
    soma, _ = generate.stylized_cell()
    stim = h.IClamp(soma(0.5))
    stim.delay, stim.dur, stim.amp = 1, 0.1, 10
    rec = h.Vector().record(soma(0.5)._ref_v)
elif model == "ca1":
    # models/ca1-pyramidal.nml: c91662.swc through Import3d, d_lambda nseg, hh in soma and
    # axon, pas elsewhere, as tests/reference/generate_swc.py builds it.
    import generate_swc  # noqa: E402
    secs = generate_swc.load(os.path.join(generate_swc.SHARED, "morphology", "c91662.swc"))
    for s in secs:
        if s.name().startswith(("soma[", "axon[")):
            s.insert("hh")
        else:
            s.insert("pas")
            for seg in s:
                seg.g_pas, seg.e_pas = generate_swc.G_PAS, generate_swc.E_PAS
    soma = secs[0]
    stim = h.IClamp(soma(0.5))
    stim.delay, stim.dur, stim.amp = (generate_swc.IC_DEL, generate_swc.IC_DUR,
                                      generate_swc.IC_AMP)
    rec = h.Vector().record(soma(0.5)._ref_v)
elif model == "tree2000":
    # tests/validation/nrt-cases.c nrt_case_synthetic_tree: 125 sections x nseg 16.
    h("create dend[125]")
    for i in range(125):
        sec, depth, j = h.dend[i], 0, i
        while j > 0:
            j, depth = (j - 1) // 2, depth + 1
        if i > 0:
            sec.connect(h.dend[(i - 1) // 2](1), 0)
        sec.L, sec.diam, sec.nseg, sec.Ra, sec.cm = 200, 4 * 0.8 ** depth, 16, 100, 1
        sec.insert("hh")
    stim = h.IClamp(h.dend[0](0.5))
    stim.delay, stim.dur, stim.amp = 1, 1, 2
    rec = h.Vector().record(h.dend[0](0.5)._ref_v)
else:
    axon = h.Section(name="axon")
    axon.L, axon.diam, axon.nseg, axon.Ra, axon.cm = 20000, 100, 43, 35.4, 1
    axon.insert("hh")
    if model == "kschan_axon":
        # the squid axon plus generate_ks.py's kinetic-scheme channel kca in every segment
        import generate_ks  # noqa: E402
        generate_ks.channels()
        axon.insert("kca")
        axon.cai, axon.cao = generate_ks.CAI, generate_ks.CAO
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
