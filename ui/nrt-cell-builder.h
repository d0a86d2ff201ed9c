/* nrt-cell-builder.h: the CellBuilder window (reference/neuron-gui.md §1): Topology, Subsets,
 * Geometry, Biophysics and Management pages editing the main window's model live.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "nrt-window.h"

G_BEGIN_DECLS

#define NRT_TYPE_CELL_BUILDER (nrt_cell_builder_get_type ())
G_DECLARE_FINAL_TYPE (NrtCellBuilder, nrt_cell_builder, NRT, CELL_BUILDER, AdwWindow)

/* A CellBuilder editing main_window's model.  (transfer floating, like every GtkWindow) */
GtkWindow *nrt_cell_builder_new (NrtWindow *main_window);

G_END_DECLS
