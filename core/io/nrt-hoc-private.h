/* nrt-hoc-private.h: what the hoc export (nrt-hoc.c) and the Python export
 * (nrt-python-export.c) share: the sections in CellBuilder order and hoc names, numbers
 * written to read back exactly, and the cell's membrane, point processes and run settings as
 * language-neutral lists of steps that each writer spells in its own syntax.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include "nrt-model.h"

G_BEGIN_DECLS

typedef struct {
  char *base;   /* "ap" */
  int   id;     /* 2 for "ap[2]", 0 for "soma" */
  int   uniq;   /* index of base among the unique base names */
  int   rank;   /* position in the topological order */
} NrtExportName;

typedef struct {
  NrtModel           *model;
  const NrtModelData *data;
  GString            *out;
  guint               n;
  NrtExportName      *names;    /* per section */
  int                *order;    /* section indices, parents before children */
  GPtrArray          *bases;    /* unique base names, in order of first appearance */
  GArray             *base_max; /* of int: largest id per base */
  GArray             *indexed;  /* of gboolean per base: some name has "[i]", so NEURON's
                                 * section is an array even of one ("soma[0]") */
  gboolean            toplevel; /* the celldef() form: no "external lambda_f" */
} NrtExportWriter;

void        nrt_export_writer_init (NrtExportWriter *w, NrtModel *model);
void        nrt_export_writer_clear (NrtExportWriter *w);
/* The shortest of %.15g…%.17g that reads back to v (buf of G_ASCII_DTOSTR_BUF_SIZE). */
const char *nrt_export_num (char *buf, double v);
/* The hoc name of section i: "ap" for ap[0], as CellBuild's validname() does.  (transfer
 * full) */
char       *nrt_export_hoc_name (NrtExportWriter *w, int i);

typedef enum {
  NRT_EXPORT_SET,     /* a section or global variable: name = value */
  NRT_EXPORT_INSERT,  /* insert the mechanism name */
  NRT_EXPORT_PARAM,   /* a parameter of the mechanism inserted last: name = value */
} NrtExportStep;

typedef struct {
  NrtExportStep step;
  char         *name;   /* owned; hoc spelling ("del", "dur[0]", "gnabar_hh", "ek") */
  double        value;
} NrtExportItem;

/* (transfer full) of NrtExportItem, with its clear function set. */
GArray     *nrt_export_items_new (void);
/* Section i's own membrane: Ra, cm, mechanisms with their parameters (an ion's e only when
 * not NEURON's default), ChannelBuilder channels with gmax (pmax) and e, and the ions' e of
 * ohmic channels when not the default. */
GArray     *nrt_export_section_membrane (NrtExportWriter *w, int i);
/* Point process i: NEURON's class (the channel's name for a point channel) and the
 * parameters to set, in hoc spelling.  (transfer full) */
GArray     *nrt_export_point_process (NrtExportWriter *w, guint i, const char **klass);
/* Whether NEURON knows the ion when the cell is built: na and k always, ca when a library
 * channel uses it (its ion or a ligand). */
gboolean    nrt_export_ion_used (NrtExportWriter *w, NrtIon ion);
/* The run settings as globals: tstop, dt, steps_per_ms, v_init, celsius, secondorder,
 * usetable_hh, then the used ions' <ion>i0_<ion>_ion and <ion>o0_<ion>_ion. */
GArray     *nrt_export_settings (NrtExportWriter *w);
/* name, or name followed by as many "_" as make it none of the cell's section base names
 * and subset names (nor any of avoid, NULL-terminated, may be NULL).  (transfer full) */
char       *nrt_export_free_name (NrtExportWriter *w, const char *name,
                                  const char *const *avoid);

/* Writes text (transfer full; NULL: a writer failed, error is set) to path atomically
 * (temporary file, then rename), after every library channel as <folder of path>/<name>.mod
 * when mods.  NRT_IO_ERROR_WRITE on failure. */
gboolean    nrt_export_write_text_file (NrtModel *model, char *text, gboolean mods,
                                        const char *path, GError **error);

G_END_DECLS
