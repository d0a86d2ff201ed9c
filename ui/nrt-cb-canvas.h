/* nrt-cb-canvas.h: the CellBuilder's shared drawing (NEURON's gtopol graph): the cell as
 * sticks on the 15-unit grid, with the Topology page's tools and the Subsets page's selection.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Positions are the view's own (NEURON's layout, not the model's geometry): they live here,
 * keyed by section name, and never reach the model.
 */
#pragma once

#include <gtk/gtk.h>

#include "nrt-model.h"

G_BEGIN_DECLS

#define NRT_CB_GRID 15.0  /* NEURON's gridres */

typedef enum {
  NRT_CB_TOOL_MAKE_SECTION,
  NRT_CB_TOOL_COPY_SUBTREE,
  NRT_CB_TOOL_RECONNECT,
  NRT_CB_TOOL_REPOSITION,
  NRT_CB_TOOL_INSERT,
  NRT_CB_TOOL_DELETE_SECTION,
  NRT_CB_TOOL_DELETE_SUBTREE,
  NRT_CB_TOOL_CHANGE_NAME,
  NRT_CB_TOOL_SELECT_ONE,
  NRT_CB_TOOL_SELECT_SUBTREE,
  NRT_CB_TOOL_SELECT_BASENAME,
  NRT_CB_TOOL_NONE,  /* Geometry, Biophysics, Management: the drawing only shows */
} NrtCbTool;

#define NRT_TYPE_CB_CANVAS (nrt_cb_canvas_get_type ())
G_DECLARE_FINAL_TYPE (NrtCbCanvas, nrt_cb_canvas, NRT, CB_CANVAS, GtkWidget)

GtkWidget *nrt_cb_canvas_new (NrtModel *model);

void       nrt_cb_canvas_set_tool (NrtCbCanvas *self, NrtCbTool tool);
NrtCbTool  nrt_cb_canvas_get_tool (NrtCbCanvas *self);
/* The base name of new sections ("dend"). */
void        nrt_cb_canvas_set_basename (NrtCbCanvas *self, const char *basename);
const char *nrt_cb_canvas_get_basename (NrtCbCanvas *self);

/* The selection, a boolean per section index (Subsets page); ::selection-changed tells. */
gboolean   nrt_cb_canvas_is_selected (NrtCbCanvas *self, int section);
void       nrt_cb_canvas_set_selected (NrtCbCanvas *self, int section, gboolean selected);
void       nrt_cb_canvas_select_all (NrtCbCanvas *self, gboolean selected);
void       nrt_cb_canvas_select_xor (NrtCbCanvas *self);
/* Sections shown highlighted without being the selection (Geometry/Biophysics rows). */
void       nrt_cb_canvas_set_highlight (NrtCbCanvas *self, const char *target);

/* The view position of a section's ends, in grid units (y up).  FALSE when unknown. */
gboolean   nrt_cb_canvas_get_position (NrtCbCanvas *self, const char *section,
                                       double *x0, double *y0, double *x1, double *y1);

/* The gestures, in view coordinates (the unit of the grid), as the pointer does them.  Each
 * model edit is one undo step.  They return FALSE with error when the model refuses, and
 * FALSE without error when there was nothing to act on. */
gboolean   nrt_cb_canvas_drag (NrtCbCanvas *self, double x0, double y0, double x1, double y1,
                               GError **error);
gboolean   nrt_cb_canvas_click (NrtCbCanvas *self, double x, double y, gboolean extend,
                                GError **error);
/* Change Name: renames the section in the model (one undo step); its position follows. */
gboolean   nrt_cb_canvas_rename (NrtCbCanvas *self, const char *name, const char *new_name,
                                 GError **error);
/* Section whose stick is nearest (x, y) within reach, or -1. */
int        nrt_cb_canvas_pick_section (NrtCbCanvas *self, double x, double y);

G_END_DECLS
