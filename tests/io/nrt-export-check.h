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

/* ---- what the round-trip scripts print, and the test models ---- */

/* hoc-roundtrip.py's and python-roundtrip.py's output. */
typedef struct {
  GHashTable *sec;       /* name → line "sec ..." split */
  GHashTable *mech;      /* "name param" → value (double*) */
  GArray     *v;
  int         n_allsec;
  char       *topology;  /* h.topology()'s text, or NULL */
} NrtCheckCell;

NrtCheckCell *nrt_check_parse_output (const char *out);
void          nrt_check_cell_free (NrtCheckCell *c);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NrtCheckCell, nrt_check_cell_free)
/* NEURON's cell equals the model: names, parents, nseg, L, diam (not along 3-D points), Ra,
 * cm, pas and hh with their parameters, nothing more. */
void          nrt_check_same_cell (NrtModel *model, NrtCheckCell *c);

/* dir holds every library channel of model as <name>.mod, as nrt-nmodl.c writes it. */
void          nrt_check_mods_beside (NrtModel *model, const char *dir);
/* models/<file>. */
NrtModel     *nrt_check_read_model (const char *file);
/* A soma and a dendrite with ChannelBuilder channels only (nahh with a q10, khh, leak, the
 * kinetic scheme kca, cag by GHK) and an IClamp at soma(0.5) (1 ms, 0.1 ms, 10 nA). */
NrtModel     *nrt_check_channel_cell (void);
/* The same with nahh's alpha_m an expression rate, hh's formula (NMODL only). */
NrtModel     *nrt_check_expression_cell (void);

typedef enum {
  NRT_CHECK_NO_CHANNELS,
  NRT_CHECK_CHANNELS,        /* ChannelBuilder channels, as KSChans or NMODL */
  NRT_CHECK_CHANNELS_NMODL,  /* custom (expression) rates: NMODL only */
} NrtCheckChannels;

typedef struct {
  const char      *name;
  NrtModel       *(*build) (void);
  NrtCheckChannels channels;
} NrtCheckModel;

/* NULL-terminated: the stylized cell, the CA1 cell (194 sections of 3-D points, CellBuilder
 * specs), the squid axon, the synapse model (ExpSyn, Exp2Syn,
 * AlphaSynapse, a NetStim and two NetCons, a VClamp, 3-D points) and the channel cell with a
 * point channel, an SEClamp and an APCount, and the channel cell whose nahh's alpha_m is an
 * expression rate. */
extern const NrtCheckModel nrt_check_models[];
