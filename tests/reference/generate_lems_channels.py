#!/usr/bin/python3
# generate_lems_channels.py: NEURON reference for lems_channels/olm.nml, an OLM-style cell
# whose channels use custom LEMS rate types.
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The channels are NMODL written by hand from the ComponentTypes' formulas
# (lems_channels/lc_*.mod), compiled with nrnivmodl in a temporary directory.  The cell is
# built as Neurite reads the NeuroML file: one section per sao864921383 group with its
# pt3d points (soma_0, axon_0 at soma_0(0), dend_0 and dend_1 at soma_0(1)), cm 1.3 µF/cm²,
# Ra 150 Ω·cm, leak as pas (0.01 mS/cm², −67 mV); then nseg soma 3, axon 5, dendrites 7
# (the test sets the same), IClamp at soma_0(0.25) (0.4 nA from 10 ms for 80 ms),
# celsius 34, v_init −67, dt 0.025 ms, 100 ms.  Written every 0.1 ms:
#   lems_channels.csv  t, soma_0(0.5).v, axon_0(0.9).v, dend_0(0.9).v, dend_1(0.5).v
# Run: /usr/bin/python3 tests/reference/generate_lems_channels.py
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
MODS = os.path.join(HERE, "lems_channels")

work = tempfile.mkdtemp(prefix="nrt-lc-")
for f in os.listdir(MODS):
    if f.endswith(".mod"):
        shutil.copy(os.path.join(MODS, f), work)
# Debian's nrnivmodl looks for $NRNHOME_EXEC/bin/nrnmech_makefile.
NRN_LIB = "/usr/lib/nrn"
os.makedirs(os.path.join(work, "nrnhome", "bin"))
os.symlink(NRN_LIB + "/nrnmech_makefile", os.path.join(work, "nrnhome", "bin", "nrnmech_makefile"))
env = dict(os.environ, NRNHOME_EXEC=os.path.join(work, "nrnhome"))
mods = sorted(f for f in os.listdir(work) if f.endswith(".mod"))
subprocess.run(["nrnivmodl", "-loadflags", "-L%s -Wl,-rpath,%s" % (NRN_LIB, NRN_LIB)] + mods,
               cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
lib = None
for root, _, files in os.walk(work):
    for f in files:
        if f in ("libnrnmech.so", "libnrnmech.so.0") and lib is None:
            lib = os.path.join(root, f)

from neuron import h  # noqa: E402

h.nrn_load_dll(lib)
h.load_file("stdrun.hoc")


def section(name, pts):
    s = h.Section(name=name)
    for p in pts:
        h.pt3dadd(p[0], p[1], p[2], p[3], sec=s)
    s.cm = 1.3
    s.Ra = 150
    s.insert("pas")
    s.g_pas = 1e-5
    s.e_pas = -67
    return s


soma = section("soma_0", [(0, 0, 0, 10), (0, 10, 0, 10), (0, 20, 0, 10)])
axon = section("axon_0", [(0, 0, 0, 1.5), (0, -75, 0, 1.5), (0, -150, 0, 1.5)])
d0 = section("dend_0", [(0, 20, 0, 3), (100, 120, 0, 3), (200, 220, 0, 3)])
d1 = section("dend_1", [(0, 20, 0, 3), (-100, 120, 0, 3), (-200, 220, 0, 3)])
axon.connect(soma(0), 0)
d0.connect(soma(1), 0)
d1.connect(soma(1), 0)
soma.nseg = 3
axon.nseg = 5
d0.nseg = 7
d1.nseg = 7


def chan(sec, mech, g):
    sec.insert(mech)
    for seg in sec:
        setattr(seg, "gbar_" + mech, g)


chan(soma, "lc_hcn", 0.5e-3)
for sec, g in ((soma, 73.37e-3), (d0, 105.8e-3), (d1, 105.8e-3), (axon, 117.392e-3)):
    chan(sec, "lc_kdr", g)
for sec, g in ((soma, 4.95e-3), (d0, 2.8e-3), (d1, 2.8e-3)):
    chan(sec, "lc_kva", g)
for sec, g in ((soma, 107e-3), (d0, 117e-3), (d1, 117e-3), (axon, 171.2e-3)):
    chan(sec, "lc_nav", g)

stim = h.IClamp(soma(0.25))
stim.delay = 10
stim.dur = 80
stim.amp = 0.4

h.celsius = 34
h.v_init = -67
h.secondorder = 0
h.dt = 0.025
h.steps_per_ms = 40
h.tstop = 100
t = h.Vector().record(h._ref_t)
vs = [h.Vector().record(seg._ref_v) for seg in (soma(0.5), axon(0.9), d0(0.9), d1(0.5))]
h.run()
with open(os.path.join(HERE, "lems_channels.csv"), "w") as f:
    f.write("t,soma_0(0.5).v,axon_0(0.9).v,dend_0(0.9).v,dend_1(0.5).v\n")
    for i in range(0, len(t), 4):
        f.write(",".join(repr(x) for x in [t[i]] + [v[i] for v in vs]) + "\n")
shutil.rmtree(work)
print("spikes at soma:", sum(1 for i in range(1, len(t)) if vs[0][i - 1] < 0 <= vs[0][i]),
      file=sys.stderr)
