/* nrt-cell-builder-private.h: what the CellBuilder's widgets do, callable directly (tests).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "nrt-cb-canvas.h"
#include "nrt-cell-builder.h"

#include "nrt-hoc.h"

G_BEGIN_DECLS

typedef enum {
  NRT_CB_PAGE_TOPOLOGY,
  NRT_CB_PAGE_SUBSETS,
  NRT_CB_PAGE_GEOMETRY,
  NRT_CB_PAGE_BIOPHYSICS,
  NRT_CB_PAGE_MANAGEMENT,
  NRT_CB_N_PAGES
} NrtCbPage;

/* Biophysics "what": Ra, cm, NRT_CB_BIO_MECH + NrtMechType, or NRT_CB_BIO_CHANNEL + the
 * index of a ChannelBuilder channel in NrtModelData.channels (its value params: 0 gmax in
 * S/cm², 1 e in mV, the latter for NonSpecific channels). */
enum { NRT_CB_BIO_RA, NRT_CB_BIO_CM, NRT_CB_BIO_MECH,
       NRT_CB_BIO_CHANNEL = NRT_CB_BIO_MECH + NRT_N_MECH };
enum { NRT_CB_CHANNEL_GMAX, NRT_CB_CHANNEL_E };

NrtCbCanvas *nrt_cell_builder_get_canvas (NrtCellBuilder *self);
NrtModel    *nrt_cell_builder_get_model (NrtCellBuilder *self);
void         nrt_cell_builder_show_page (NrtCellBuilder *self, NrtCbPage page);
/* Rebuilds the pages now instead of at idle. */
void         nrt_cell_builder_flush (NrtCellBuilder *self);

/* Geometry and Biophysics: Specify Strategy on (strategy) or off (values). */
void         nrt_cell_builder_set_strategy_mode (NrtCellBuilder *self, NrtCbPage page,
                                                 gboolean strategy);

/* Subsets page: op 0 replace, 1 union, 2 intersection, 3 subtract. */
void     nrt_cell_builder_combine_selection (NrtCellBuilder *self, const char *subset, int op);
/* Moves subset one place up (delta -1) or down (+1) in the list; "all" stays first. */
gboolean nrt_cell_builder_move_subset (NrtCellBuilder *self, const char *subset, int delta,
                                       GError **error);
gboolean nrt_cell_builder_subset_from_selection (NrtCellBuilder *self, const char *subset,
                                                 gboolean create, GError **error);
/* Geometry page: a strategy check box, and a value field (member for distinct values). */
gboolean nrt_cell_builder_set_geometry_kinds (NrtCellBuilder *self, const char *target,
                                              guint kinds, GError **error);
gboolean nrt_cell_builder_set_geometry_value (NrtCellBuilder *self, const char *target,
                                              guint kind, int member, double value,
                                              GError **error);
/* Biophysics page. */
gboolean nrt_cell_builder_set_biophysics_strategy (NrtCellBuilder *self, const char *target,
                                                   int what, gboolean on, GError **error);
gboolean nrt_cell_builder_set_biophysics_value (NrtCellBuilder *self, const char *target,
                                                int what, int param, double value,
                                                GError **error);
/* Management page: Save hoc code with the page's output and threshold, in the page's form
 * (class or celldef), channel form and session choice (default: class, KSChan, cell only). */
gboolean nrt_cell_builder_save_hoc (NrtCellBuilder *self, const char *path, GError **error);
/* The Management page's three menus, as the user picks them. */
void     nrt_cell_builder_set_hoc_options (NrtCellBuilder *self, NrtHocForm form,
                                           NrtHocChannels channels, NrtHocSession session);

G_END_DECLS
