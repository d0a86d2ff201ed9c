/* nrt-hoc.h: the CellBuilder's hoc code (reference/neuron-gui.md §1.5), in both forms of its
 * Management page: the Cell Type card's "Save hoc code in file" (a begintemplate class that
 * NEURON 8.2 loads with load_file() and instantiates with ClassName()) and the Export card's
 * top-level form (proc celldef() { topol() subsets() geom() biophys() geom_nseg() }, the
 * sections created at top level, "access <root>" and "celldef()").  Optionally followed by a
 * session part that rebuilds Neurite's stimuli and run settings, so that `nrniv cell.hoc` (or
 * h.load_file("cell.hoc")) then run() reproduces Neurite's run.  The file starts with
 * load_file("stdlib.hoc") when it uses lambda_f (every class, and the d_lambda rule), which
 * NEURON's CellBuilder leaves to nrngui, so that nrniv and Python load it alone.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include "nrt-model.h"

G_BEGIN_DECLS

/* Which of the Management page's cards writes the cell. */
typedef enum {
  NRT_HOC_FORM_CLASS,    /* Cell Type: begintemplate <Classname> … endtemplate */
  NRT_HOC_FORM_CELLDEF,  /* Export: top level, proc celldef(), access, celldef() */
} NrtHocForm;

/* How the ChannelBuilder channels of the model's library reach NEURON. */
typedef enum {
  /* Inline hoc building each channel as a KSChan (nrt_hoc_write_kschan), q10 folded in at
   * the model's celsius. */
  NRT_HOC_CHANNELS_KSCHAN,
  /* One NMODL file per channel beside the hoc file (<folder>/<name>.mod, nrt-nmodl.h); the hoc
   * only inserts them, so the folder must be compiled with nrnivmodl before NEURON loads the
   * file (nrniv and Python load ./x86_64 by themselves).  The q10s stay temperature
   * dependent.  The text writers (nrt_hoc_write_cellbuilder_full) write no .mod file: the
   * file writers do. */
  NRT_HOC_CHANNELS_NMODL,
} NrtHocChannels;

/* What follows the cell. */
typedef enum {
  NRT_HOC_SESSION_NONE,
  /* load_file("stdrun.hoc"), then proc session() — called at once — which instantiates the
   * class (objref cell, class form), places the point processes (IClamp, synapses, clamps,
   * APCount, point channels, named as Neurite names them when nothing else made one), the
   * NetStims and NetCons, and sets tstop, dt, steps_per_ms, v_init, celsius, secondorder,
   * usetable_hh and the ion concentrations. */
  NRT_HOC_SESSION_SETUP,
  /* As SETUP, then run() (stdrun's, which steps while t < tstop − dt/2 as Neurite does). */
  NRT_HOC_SESSION_RUN,
} NrtHocSession;

/* The Management page's settings.  Zero-initialised fields after threshold give the class
 * form with inline KSChans and no session, so { section, x, threshold } keeps its meaning. */
typedef struct {
  const char    *output_section;  /* NULL: the first section (NEURON's default, soma.v(1)) */
  double         output_x;        /* 0..1, default 1 */
  double         threshold;       /* mV, default 10 */
  NrtHocForm     form;
  NrtHocChannels channels;
  NrtHocSession  session;
} NrtHocCellOptions;

/* (transfer full) The ChannelBuilder's "Hoc file for KSChan" (neuron-gui.md §2.8): hoc that
 * builds the channel as a NEURON KSChan (ion_register, KSChan(0|1), add_hhstate,
 * add_ksstate, add_transition, type, stoichiometry, set_f, single).  KSChan has no q10: a
 * channel's q10 factor at celsius is folded into the rates (α, β and ligand rates times the
 * factor, τ divided by it), exact for that temperature.  NRT_MODEL_ERROR when the channel is
 * invalid, NRT_IO_ERROR_UNSUPPORTED when it has custom (LEMS or expression) rates, which
 * only the NMODL form carries. */
char     *nrt_hoc_write_kschan (const NrtChannel *channel, double celsius, GError **error);

/* (transfer full) The template text, preceded by the library's channels as KSChans (q10s
 * applied at the model's celsius), which biophys() inserts with their gmax_ (pmax_), e_ and
 * the ions' reversal potentials; with NEURON's defaults for the output (first section,
 * x = 1, threshold 10 mV).  The class name is the model's class_name ("Cell" when unset). */
char     *nrt_hoc_write_cellbuilder (NrtModel *model, GError **error);
/* As above with explicit options (form, channels, session, output); options may be NULL.
 * NRT_IO_ERROR_INVALID for a cell without sections or a bad output. */
char     *nrt_hoc_write_cellbuilder_full (NrtModel *model, const NrtHocCellOptions *options,
                                          GError **error);
/* Writes the file atomically (temporary file in the same folder, then rename); with
 * NRT_HOC_CHANNELS_NMODL, first every library channel as <folder of path>/<name>.mod.
 * NRT_IO_ERROR_WRITE when a file cannot be written. */
gboolean  nrt_hoc_write_file (NrtModel *model, const char *path, GError **error);
gboolean  nrt_hoc_write_file_full (NrtModel *model, const NrtHocCellOptions *options,
                                   const char *path, GError **error);

G_END_DECLS
