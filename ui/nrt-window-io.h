/* nrt-window-io.h: the main window's File → Import and Export commands, callable without
 * their file dialogs (for tests and scripts).  Implemented in nrt-window-actions.c.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SWC import runs in a worker thread (nrt_swc_read_file_async) with a progress bar and a
 * Cancel button under the menu bar.  On success the window shows the imported cell as a new,
 * untitled and modified document named after the file (the caller has already asked to save
 * unsaved changes, as File → Open does); on failure it shows the message and keeps its model.
 */
#pragma once

#include "nrt-window.h"
#include "nrt-hoc.h"

G_BEGIN_DECLS

/* Starts importing file (an SWC reconstruction); cancels an import still running.  Returns at
 * once: the window's model is replaced when the read completes. */
void        nrt_window_import_swc           (NrtWindow   *self,
                                             GFile       *file);
/* TRUE while an SWC import runs. */
gboolean    nrt_window_get_importing        (NrtWindow   *self);
/* Cancels the running import (the model stays as it is). */
void        nrt_window_cancel_import        (NrtWindow   *self);
/* The progress bar of the last import: the last fraction it showed (0..1), how many updates
 * it received (n_updates, nullable) and whether it was on screen (shown, nullable). */
double      nrt_window_get_import_progress  (NrtWindow   *self,
                                             guint       *n_updates,
                                             gboolean    *shown);
/* The message the last import failed with, or NULL (transfer none). */
const char *nrt_window_get_import_error     (NrtWindow   *self);

/* File → Export → NeuroML Folder: NAME.cell.nml, the channel files, NAME.net.nml and
 * LEMS_NAME.xml in dir (nrt-neuroml-folder.h). */
gboolean    nrt_window_export_neuroml_folder (NrtWindow  *self,
                                              GFile      *dir,
                                              GError    **error);
/* File → Export → hoc: the CellBuilder's celldef() or class form, with the stimuli and run
 * settings (session()), ChannelBuilder channels as .mod files beside it. */
gboolean    nrt_window_export_hoc           (NrtWindow   *self,
                                             GFile       *file,
                                             NrtHocForm   form,
                                             GError     **error);
/* File → Export → Python: a `from neuron import h` script, channels as .mod files beside it. */
gboolean    nrt_window_export_python        (NrtWindow   *self,
                                             GFile       *file,
                                             GError     **error);

G_END_DECLS
