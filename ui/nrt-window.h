/* nrt-window.h: Neurite's main window: the menu, the cell's overview and the run state.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "nrt-model.h"
#include "nrt-session.h"

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

/* (transfer none) The live simulation of the window's model.  The window creates one for
 * every model it shows and replaces it (notify::session) when the model is replaced; tool
 * windows that hold traces should watch notify::session, or simply close with the model
 * (see nrt_window_add_tool). */
NrtSession *nrt_window_get_session (NrtWindow *self);

/* Registers a tool window (RunControl, a graph, the CellBuilder...): it is made transient for
 * the main window, listed in the Window menu (by its title) and raised from there, and it is
 * closed when the model is replaced or the main window closes.  The main window holds a
 * reference until the tool is destroyed. */
void        nrt_window_add_tool    (NrtWindow      *self,
                                    GtkWindow      *tool);
/* (transfer container) The open tool windows, oldest first. */
GList      *nrt_window_list_tools  (NrtWindow      *self);

/* Shows message in a toast over the window. */
void       nrt_window_show_error (NrtWindow      *self,
                                  const char     *message);

G_END_DECLS
