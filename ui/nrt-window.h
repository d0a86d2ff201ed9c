/* nrt-window.h: Neurite's main window: the menu, the cell's overview and the run state.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "nrt-model.h"

G_BEGIN_DECLS

#define NRT_TYPE_WINDOW (nrt_window_get_type ())
G_DECLARE_FINAL_TYPE (NrtWindow, nrt_window, NRT, WINDOW, AdwApplicationWindow)

/* application may be NULL (tests).  The window starts on NEURON's default cell, one soma. */
NrtWindow *nrt_window_new        (GtkApplication *application);

/* (transfer none) */
NrtModel  *nrt_window_get_model  (NrtWindow      *self);
/* Shows model; file is where it lives, or NULL when it has never been saved. */
void       nrt_window_set_model  (NrtWindow      *self,
                                  NrtModel       *model,
                                  GFile          *file);
/* (transfer none) (nullable) */
GFile     *nrt_window_get_file   (NrtWindow      *self);

/* Reads a NeuroML file and shows it.  On failure returns FALSE with error set and leaves the
 * window's model as it was. */
gboolean   nrt_window_load_file  (NrtWindow      *self,
                                  GFile          *file,
                                  GError        **error);

/* Shows message in a toast over the window. */
void       nrt_window_show_error (NrtWindow      *self,
                                  const char     *message);

G_END_DECLS
