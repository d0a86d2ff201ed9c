/* nrt-cell-builder.c: the CellBuilder window.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "nrt-ui-config.h"

#include <glib/gi18n.h>

#include "nrt-cell-builder.h"

struct _NrtCellBuilder
{
  AdwWindow  parent_instance;
  NrtWindow *main_window;
};

G_DEFINE_FINAL_TYPE (NrtCellBuilder, nrt_cell_builder, ADW_TYPE_WINDOW)

static void
nrt_cell_builder_class_init (NrtCellBuilderClass *klass)
{
}

static void
nrt_cell_builder_init (NrtCellBuilder *self)
{
  gtk_window_set_title (GTK_WINDOW (self), _("Cell Builder"));
  gtk_window_set_default_size (GTK_WINDOW (self), 900, 640);
}

GtkWindow *
nrt_cell_builder_new (NrtWindow *main_window)
{
  NrtCellBuilder *self;

  g_return_val_if_fail (NRT_IS_WINDOW (main_window), NULL);
  self = g_object_new (NRT_TYPE_CELL_BUILDER, NULL);
  self->main_window = main_window;
  gtk_window_set_transient_for (GTK_WINDOW (self), GTK_WINDOW (main_window));
  return GTK_WINDOW (self);
}
