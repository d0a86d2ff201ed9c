/* nrt-hoc.h: the CellBuilder's "Save hoc code in file" (reference/neuron-gui.md §1.5): the cell
 * as a hoc template that NEURON 8.2 loads with load_file() and instantiates with ClassName().
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include "nrt-model.h"

G_BEGIN_DECLS

/* Management page's Cell Type card: where connect2target() takes its spike source. */
typedef struct {
  const char *output_section;  /* NULL: the first section (NEURON's default, soma.v(1)) */
  double      output_x;        /* 0..1, default 1 */
  double      threshold;       /* mV, default 10 */
} NrtHocCellOptions;

/* (transfer full) The ChannelBuilder's "Hoc file for KSChan" (neuron-gui.md §2.8): hoc that
 * builds the channel as a NEURON KSChan (ion_register, KSChan(0|1), add_hhstate,
 * add_ksstate, add_transition, type, stoichiometry, set_f, single).  KSChan has no q10: a
 * channel's q10 factor at celsius is folded into the rates (α, β and ligand rates times the
 * factor, τ divided by it), exact for that temperature.  NRT_MODEL_ERROR when the channel is
 * invalid. */
char     *nrt_hoc_write_kschan (const NrtChannel *channel, double celsius, GError **error);

/* (transfer full) The template text, preceded by the library's channels as KSChans (q10s
 * applied at the model's celsius), which biophys() inserts with their gmax_ (pmax_), e_ and
 * the ions' reversal potentials; with NEURON's defaults for the output (first section,
 * x = 1, threshold 10 mV).  The class name is the model's class_name ("Cell" when unset). */
char     *nrt_hoc_write_cellbuilder (NrtModel *model, GError **error);
/* As above with an explicit output; options may be NULL. */
char     *nrt_hoc_write_cellbuilder_full (NrtModel *model, const NrtHocCellOptions *options,
                                          GError **error);
/* Writes the template atomically (temporary file in the same folder, then rename). */
gboolean  nrt_hoc_write_file (NrtModel *model, const char *path, GError **error);
gboolean  nrt_hoc_write_file_full (NrtModel *model, const NrtHocCellOptions *options,
                                   const char *path, GError **error);

G_END_DECLS
