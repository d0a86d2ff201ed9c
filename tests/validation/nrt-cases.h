/* nrt-cases.h: the reference cases of ../shared/validation built through the model API.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "nrt-model.h"

G_BEGIN_DECLS

/* Each returns (transfer full) a model with NEURON's run defaults (dt 0.025, v_init -65,
 * celsius 6.3); the caller sets tstop and the method. */
NrtModel *nrt_case_soma_hh (void);
/* L 20000, diam 100, nseg 43, hh; IClamp del 1, dur 1, amp at each of xs. */
NrtModel *nrt_case_squid_axon (double amp, const double *xs, guint n_xs);
/* The CellBuilder tutorial's stick figure, nseg by d_lambda 0.1; IClamp at soma(0.5). */
NrtModel *nrt_case_stylized_cell (double del, double dur, double amp);
NrtModel *nrt_case_passive_cable (void);
/* soma_hh's compartment with an ExpSyn, Exp2Syn (NetStim → NetCon) or AlphaSynapse. */
NrtModel *nrt_case_synapse (NrtPointProcessType type);

/* A synthetic 2000-segment branching tree with hh everywhere, for benchmarks (the shape plot
 * until a real morphology loads): a complete binary tree of 125 sections "dend[0]" ..
 * "dend[124]" (dend[i]'s parent is dend[(i - 1)/2], attached at its 1 end; depth 0..6),
 * each L 200 µm, nseg 16, diam 4·0.8^depth µm, Ra 100 Ω·cm, cm 1 µF/cm², hh at NEURON's
 * defaults; an IClamp at dend[0](0.5), del 1 ms, dur 1 ms, amp 2 nA, sets off a spike that
 * spreads to every tip.  Built the same way in tests/bench/neuron-bench.py ("tree2000"). */
NrtModel *nrt_case_synthetic_tree (void);

/* The ChannelBuilder channel "kca" of tests/reference/generate_ks.py: density, k, ohmic,
 * gmax 0.002 S/cm², one scheme C1 <-> C2 (linoid α, exp β), C2 <-> O (ligand cai,
 * stoichiometry 2), O <-> C1 (inf sigmoid, τ exp).  (transfer full) */
NrtChannel *nrt_case_channel_kca (void);

/* Helpers shared with the cases read from the models/ NeuroML files. */
void      nrt_case_add_synapse (NrtModel *model, NrtPointProcessType type);
/* Moves point process `index` (an IClamp) to section(x) and sets its pulse. */
void      nrt_case_set_iclamp (NrtModel *model, guint index, const char *section, double x,
                               double del, double dur, double amp);
void      nrt_case_add_iclamp (NrtModel *model, const char *section, double x, double del,
                               double dur, double amp);
void      nrt_case_set_run (NrtModel *model, double tstop, NrtMethod method, gboolean table);

G_END_DECLS
