#!/usr/bin/env python3
# python-roundtrip.py SCRIPT: runs a Python export of Neurite the way a user would, then
# inspects the cell it builds.
#   1. compiles the .mod files beside SCRIPT (if any) with nrnivmodl;
#   2. runs `python3 SCRIPT` in its folder: it runs and writes SCRIPT's .csv there;
#   3. imports SCRIPT (which builds the cell without running it) and prints its sections as
#      hoc-roundtrip.py does, then "topology" and h.topology()'s text.
# Exit status 77 when NEURON (or nrnivmodl, for .mod files) is missing: the test skips.
# SPDX-License-Identifier: GPL-3.0-or-later
import importlib.util
import os
import subprocess
import sys


def load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    script = os.path.abspath(sys.argv[1])
    folder = os.path.dirname(script)
    rt = load("hoc_roundtrip", os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                            "hoc-roundtrip.py"))
    rt.compile_mods(folder)
    h = rt.import_neuron(folder)
    run = subprocess.run([sys.executable, script], cwd=folder, capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit("%s failed:\n%s" % (script, run.stderr))
    load("exported", script)
    rt.print_cell(h, list(h.allsec()), lambda sec: sec.name())
    rt.print_topology(h)


if __name__ == "__main__":
    main()
