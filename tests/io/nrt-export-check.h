/* nrt-export-check.h: what test-hoc.c and test-python-export.c share to check an export in
 * NEURON: Neurite's own trace, running the round-trip scripts, and h.topology() against
 * neurite-cli info.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "nrt-model.h"

#define NRT_CHECK_PYTHON "/usr/bin/python3"

/* Neurite's value of record at t = 0 and after every step until the model's tstop (stdrun's
 * t < tstop − dt/2 rule). */
GArray *nrt_check_neurite_trace (NrtModel *model, const char *record);
/* max |a − b| over two traces, which must be as long. */
double  nrt_check_max_diff (GArray *a, GArray *b);
/* A fresh temporary folder, and its removal with everything in it. */
char   *nrt_check_tmpdir (void);
void    nrt_check_rm_tree (const char *path);
/* Runs argv (NULL-terminated) in cwd and returns its stdout; NULL with the test skipped when it
 * exits with 77 (NEURON or nrnivmodl missing); aborts the test on any other failure. */
char   *nrt_check_spawn (const char *const *argv, const char *cwd);
/* Compares the text h.topology() printed (section names may carry prefix, "Cell[0].") with
 * the tree `neurite-cli info` prints for model ($NEURITE_CLI, the model written as NeuroML):
 * both are parsed into trees (for h.topology(), a section's parent is the nearest line above
 * it that starts further left, since NEURON lists children by descending position), and must
 * have the same sections, parents, nseg and attachment nodes.  Returns the number of sections
 * compared; skips (returns 0) when $NEURITE_CLI is unset. */
guint   nrt_check_topology (NrtModel *model, const char *topology, const char *prefix);
