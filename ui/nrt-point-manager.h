/* nrt-point-manager.h: NEURON's Point Process Manager and Point Group manager in one window.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Tools → Point Processes → Point Manager / Point Group (reference/neuron-gui.md §5.1, §5.2).
 * The window shows the cell (NrtShapeView) on the left, every point process as a marker, the
 * selected one highlighted; a click on the cell moves the selected point process there, and
 * a marker can be dragged.  On the right, two pages:
 *
 *   - Point Manager: the type menu (None and every type of nrt_point_process_info, so new
 *     types appear by themselves), the instance's name, its location with the node NEURON
 *     really uses, and one NrtNumberEntry per parameter with units, domain and default.
 *     Switching the type destroys the instance and creates one of the new type at the same
 *     place with the values last used for that type (one undo step).  A synapse that takes
 *     events (ExpSyn, Exp2Syn) also lists its NetStim inputs and can get a new one, a NetStim
 *     connected by a NetCon (one undo step); each input's NetStim and NetCon fields are
 *     editable, and Remove takes the NetCon (and the NetStim when it drives nothing else).
 *     NetStim is the menu's last type: an artificial cell with no location (the Location
 *     group says so), its start, interval, number and noise as parameters, and a Connections
 *     group listing its NetCons ("→ ExpSyn[0] at soma(0.5)") with weight, delay and threshold
 *     editable, Remove, and a Connect to… menu of the ExpSyn and Exp2Syn instances;
 *   - Point Group: every point process ("ExpSyn[0] at dend[1](0.8)"), then every NetStim
 *     ("NetStim[0] → ExpSyn[0]"), New, Copy (a NetStim with its connections) and Remove,
 *     and the parameter panel either for the selection or as a Global Spec that sets every
 *     instance of the selected type (one undo step per edit).
 *
 * Every edit goes through the model API, so it is undoable and reaches a running simulation.
 */
#pragma once

#include <adwaita.h>

#include "nrt-number-entry.h"
#include "nrt-window.h"

G_BEGIN_DECLS

/* ---- the node a point process really sits on --------------------------------------- */

/* NEURON's node_index() for a point process at x of a section with nseg segments: 0 and 1
 * are the section's end nodes; any other x is the centre, (i + 0.5)/nseg, of the segment
 * i = int(x·nseg) that contains it (x = 1 would fold onto the last segment, but 1 is an end).
 * Returns the node's x; *segment (nullable) gets i + 1 (1-based), or 0 at an end. */
double nrt_point_location_snap (int     nseg,
                                double  x,
                                int    *segment);
/* (transfer full) "axon(0.5) — node at x = 0.5 (segment 22 of 43)", or "axon(1) — node at
 * the 1 end" at an end.  Translated. */
char  *nrt_point_location_describe (const char *section,
                                    int         nseg,
                                    double      x);

/* ---- the window --------------------------------------------------------------------- */

/* The type menu's NetStim, for nrt_point_manager_choose_type() and _get_type_choice(). */
#define NRT_POINT_MANAGER_NETSTIM NRT_PP_CHANNEL
/* The type menu's choice for the library's point channel c (an index into
 * NrtModelData.channels of an NRT_CHANNEL_POINT channel): NRT_POINT_MANAGER_CHANNEL0 + c.
 * Point channels follow NetStim in the menu, in library order. */
#define NRT_POINT_MANAGER_CHANNEL0 (NRT_POINT_MANAGER_NETSTIM + 1)

#define NRT_TYPE_POINT_MANAGER (nrt_point_manager_get_type ())
G_DECLARE_FINAL_TYPE (NrtPointManager, nrt_point_manager, NRT, POINT_MANAGER, AdwWindow)

/* (transfer none) The Point Process Manager of main_window's model, registered as one of its
 * tools.  It starts on the first point process, or on None at the middle of the first root
 * section.  Actions: pm.new (s: type name), pm.copy, pm.remove, pm.undo, pm.redo, and
 * pm.panel-style (stateful s, the :panel-style property: "selection" or "global", NEURON's
 * PanelStyle).  Not shown: call gtk_window_present(). */
GtkWindow *nrt_point_manager_new (NrtWindow *main_window);

/* "manager" or "group". */
void        nrt_point_manager_show_page   (NrtPointManager *self,
                                           const char      *page);
const char *nrt_point_manager_get_page    (NrtPointManager *self);

/* The model index (into point_processes) of the selected point process, or -1 (None). */
int        nrt_point_manager_get_selected (NrtPointManager *self);
void       nrt_point_manager_select       (NrtPointManager *self,
                                           int              point_process);

/* The NetStim shown (an index into netstims), or -1.  Selecting one deselects the point
 * process, and the other way round. */
int        nrt_point_manager_get_selected_netstim (NrtPointManager *self);
void       nrt_point_manager_select_netstim       (NrtPointManager *self,
                                                   int              netstim);

/* As the type menu does: type is an NrtPointProcessType, NRT_POINT_MANAGER_NETSTIM,
 * NRT_POINT_MANAGER_CHANNEL0 + c for a point channel, or -1 for None.  Replaces the selected point process or NetStim (one undo step; a NetStim goes with
 * its NetCons) or creates one at the manager's location. */
gboolean   nrt_point_manager_choose_type  (NrtPointManager *self,
                                           int              type,
                                           GError         **error);
/* The type shown in the menu: an NrtPointProcessType, NRT_POINT_MANAGER_NETSTIM,
 * NRT_POINT_MANAGER_CHANNEL0 + c, or -1. */
int        nrt_point_manager_get_type_choice (NrtPointManager *self);
/* The values the manager will give a new instance of type (the last ones used). */
const double *nrt_point_manager_get_remembered (NrtPointManager *self,
                                                int              type);

/* Where the selected point process is, or where the next one will go. */
const char *nrt_point_manager_get_location_section (NrtPointManager *self);
double      nrt_point_manager_get_location_x       (NrtPointManager *self);
/* (transfer none) The location label's text ("axon(0.5) — node at …"). */
const char *nrt_point_manager_get_location_text    (NrtPointManager *self);

/* (transfer none) The Point Manager page's field for a parameter ("del", "amp"), "x" for the
 * position along the section, or "input.start", "input.interval", "input.number",
 * "input.noise", "input.weight", "input.delay", "input.threshold" for the New NetStim Input
 * form (shown for ExpSyn and Exp2Syn; action pm.connect-netstim); NULL when there is none. */
NrtNumberEntry *nrt_point_manager_get_field        (NrtPointManager *self,
                                                    const char      *name);
/* (transfer none) A field of NetCon netcon's row: "weight", "delay", "threshold" in the
 * selected NetStim's Connections (actions pm.connect-to (i: point process index),
 * pm.remove-netcon (i: NetCon index)), or in the selected synapse's Spike Input list, which
 * also has its NetStim's "start", "interval", "number", "noise" (action pm.remove-input (i)).
 * NULL when not shown. */
NrtNumberEntry *nrt_point_manager_get_netcon_field (NrtPointManager *self,
                                                    guint            netcon,
                                                    const char      *name);
/* (transfer none) The Point Group page's field for a parameter (selection or Global Spec). */
NrtNumberEntry *nrt_point_manager_get_group_field  (NrtPointManager *self,
                                                    const char      *name);
/* For the tests: selects section (by name) in the location menu, as the user does. */
gboolean        nrt_point_manager_choose_section   (NrtPointManager *self,
                                                    const char      *section);
/* (transfer none) The shape view (an NrtShapeView). */
GtkWidget      *nrt_point_manager_get_shape        (NrtPointManager *self);

G_END_DECLS
