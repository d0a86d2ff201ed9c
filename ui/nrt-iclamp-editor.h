/* nrt-iclamp-editor.h: a minimal IClamp editor (location, del, dur, amp), until the Point
 * Process Manager arrives.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "nrt-number-entry.h"
#include "nrt-window.h"

G_BEGIN_DECLS

#define NRT_TYPE_ICLAMP_EDITOR (nrt_iclamp_editor_get_type ())
G_DECLARE_FINAL_TYPE (NrtIclampEditor, nrt_iclamp_editor, NRT, ICLAMP_EDITOR, AdwWindow)

/* (transfer none) An editor of main_window's IClamps, registered as one of its tools.
 * Actions: iclamp.new (an IClamp at the middle of the first section, selected),
 * iclamp.remove (the selected one).  Not shown: call gtk_window_present(). */
GtkWindow *nrt_iclamp_editor_new (NrtWindow *main_window);

/* The model index (into point_processes) of the selected IClamp, or -1. */
int        nrt_iclamp_editor_get_selected (NrtIclampEditor *self);
void       nrt_iclamp_editor_select       (NrtIclampEditor *self,
                                           int              point_process);
/* For the tests: "x", "del", "dur" or "amp". */
NrtNumberEntry *nrt_iclamp_editor_get_field (NrtIclampEditor *self,
                                             const char      *name);
/* For the tests: selects section (by name) for the selected IClamp, as the dropdown does. */
gboolean   nrt_iclamp_editor_choose_section (NrtIclampEditor *self,
                                             const char      *section);

G_END_DECLS
