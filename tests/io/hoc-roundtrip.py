#!/usr/bin/env python3
# hoc-roundtrip.py PATH CLASSNAME|- [--run | --session SEC] [--topology]: loads a CellBuilder
# hoc file in NEURON (compiling the .mod files beside it first, if any) and prints the cell:
#   sec NAME PARENT|- PARENT_X NSEG L DIAM RA CM
#   mech NAME PARAM VALUE
#   allsec N
#   v VALUE                     (--run or --session: one per step, t = 0 first)
#   topology                    (--topology: then h.topology()'s text, to the end)
# CLASSNAME is the template to instantiate, or "-" for the top-level celldef() form.
# --run: an IClamp at soma(0.5) (del 1 ms, dur 0.1 ms, amp 10 nA), dt 0.025 ms, 6.3 degC,
#   finitialize(-65), fadvance() while t < 10 - dt/2.
# --session SEC: the file's own session (stimuli, settings; the class form's instance is
#   h.cell): SEC(0.5).v recorded with Vector.record through stdrun's run().
# Exit status 77 when NEURON (or nrnivmodl, for .mod files) is missing: the test skips.
# SPDX-License-Identifier: GPL-3.0-or-later
import glob
import os
import shutil
import subprocess
import sys
import tempfile

NRN_MAKEFILE = "/usr/lib/nrn/nrnmech_makefile"


def compile_mods(folder):
    """nrnivmodl in folder when it holds .mod files.  Debian's nrnivmodl wants
    $NRNHOME_EXEC/bin/nrnmech_makefile and NEURON's library on the link line; its "special"
    may then fail to link, which is harmless: libnrnmech.so is what NEURON loads."""
    mods = sorted(os.path.basename(m) for m in glob.glob(os.path.join(folder, "*.mod")))
    if not mods:
        return
    nrnivmodl = shutil.which("nrnivmodl")
    if nrnivmodl is None:
        print("nrnivmodl not found", file=sys.stderr)
        sys.exit(77)
    env = dict(os.environ)
    home = tempfile.mkdtemp(prefix="nrnhome-")
    extra = []
    if os.path.exists(NRN_MAKEFILE):
        os.makedirs(os.path.join(home, "bin"))
        os.symlink(NRN_MAKEFILE, os.path.join(home, "bin", "nrnmech_makefile"))
        env["NRNHOME_EXEC"] = home
        extra = ["-loadflags", "-L/usr/lib/nrn -Wl,-rpath,/usr/lib/nrn"]
    subprocess.run([nrnivmodl] + extra + mods, cwd=folder, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    shutil.rmtree(home)
    if not os.path.exists(os.path.join(folder, "x86_64", ".libs", "libnrnmech.so")):
        sys.exit("nrnivmodl did not build x86_64/.libs/libnrnmech.so in %s" % folder)


def import_neuron(folder):
    """NEURON from folder, so that it loads folder/x86_64's mechanisms as `nrniv` would."""
    os.chdir(folder)
    try:
        from neuron import h
    except ImportError as e:
        print("neuron not importable: %s" % e, file=sys.stderr)
        sys.exit(77)
    return h


def print_cell(h, sections, short):
    """The sec, mech and allsec records of the sections (an iterable of Sections)."""
    for sec in sections:
        ref = h.SectionRef(sec=sec)
        parent = short(ref.parent) if ref.has_parent() else "-"
        print("sec %s %s %.17g %d %.17g %.17g %.17g %.17g" % (
            short(sec), parent, sec.parentseg().x if ref.has_parent() else 0.0, sec.nseg,
            sec.L, sec(0.5).diam, sec.Ra, sec(0.5).cm))
        names = {"pas": ["g_pas", "e_pas"],
                 "hh": ["gnabar_hh", "gkbar_hh", "gl_hh", "el_hh", "ena", "ek"]}
        for m, params in names.items():
            if h.ismembrane(m, sec=sec):
                for p in params:
                    print("mech %s %s %.17g" % (short(sec), p, getattr(sec(0.5), p)))
    print("allsec %d" % sum(1 for _ in h.allsec()))


def print_topology(h):
    """h.topology() last: NEURON prints it with C's stdio, after Python's own output."""
    print("topology")
    sys.stdout.flush()
    h.topology()


def main():
    path, classname = os.path.abspath(sys.argv[1]), sys.argv[2]
    args = sys.argv[3:]
    folder = os.path.dirname(path)
    compile_mods(folder)
    h = import_neuron(folder)
    if not h.load_file(path):  # by itself, as nrniv would: the file loads what it needs
        sys.exit("load_file failed")
    session = args[args.index("--session") + 1] if "--session" in args else None
    if classname == "-":
        cell, prefix = None, ""
        sections = list(h.allsec())
    else:
        cell = h.cell if session is not None else getattr(h, classname)()
        prefix = cell.hname() + "."
        sections = list(cell.all)

    def short(sec):
        return sec.name()[len(prefix):] if sec.name().startswith(prefix) else sec.name()

    def section(name):
        return [s for s in sections if short(s) == name][0]

    print_cell(h, sections, short)
    v = []
    if "--run" in args:
        soma = section("soma")
        stim = h.IClamp(soma(0.5))
        stim.delay, stim.dur, stim.amp = 1, 0.1, 10
        h.dt = 0.025
        h.celsius = 6.3
        h.secondorder = 0
        h.finitialize(-65)
        v = [soma(0.5).v]
        while h.t < 10 - h.dt / 2:
            h.fadvance()
            v.append(soma(0.5).v)
    elif session is not None:
        rec = h.Vector().record(section(session)(0.5)._ref_v)
        h.run()
        v = list(rec)
    for val in v:
        print("v %.17g" % val)
    if "--topology" in args:
        print_topology(h)


if __name__ == "__main__":
    main()
