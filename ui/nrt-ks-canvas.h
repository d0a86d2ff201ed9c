/* nrt-ks-canvas.h: the ChannelBuilder's kinetic-scheme canvas: states and transitions.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * NEURON's gate constructor canvas (reference/neuron-gui.md §2.3) in one widget: every state
 * of a scheme as a labelled box (open states filled in proportion to their conductance
 * fraction, closed ones outlined), every transition as a double-headed arrow labelled "v" or
 * with its ligand ("cai", "2cai" for stoichiometry 2).  A state or a transition is selected
 * by clicking it.
 *
 * The canvas keeps no model: the ChannelBuilder hands it a scheme to draw (copied) and
 * applies the gestures the canvas reports with ::gesture.  Coordinates are the states' own
 * (NrtKsState x, y, "canvas units" = pixels at 100 %), placed in the widget so that the
 * scheme is centred when it is first shown, stays centred as the widget resizes, and moves
 * only when a state would be cut off or one was deleted.
 *
 * Tools (what the ChannelBuilder does with a gesture):
 *   - SELECT: a click selects a state or a transition; a drag moves a state (snapped to
 *     NRT_KS_GRID);
 *   - ADD_OPEN / ADD_CLOSED: a drag from a state to an empty place, or a click on an empty
 *     place (joined to the selected or the nearest state), adds a new open (fraction 1) or
 *     closed (fraction 0) state connected to it by a new transition;
 *   - CONNECT: a drag from one state to another adds the transition between them;
 *   - DELETE: a click removes a state (with its transitions) or a transition.
 */
#pragma once

#include <gtk/gtk.h>

#include "nrt-channel.h"

G_BEGIN_DECLS

#define NRT_KS_GRID 10.0  /* positions snap to multiples of this, as NEURON's gate canvas */

typedef enum {
  NRT_KS_TOOL_SELECT,
  NRT_KS_TOOL_ADD_OPEN,
  NRT_KS_TOOL_ADD_CLOSED,
  NRT_KS_TOOL_CONNECT,
  NRT_KS_TOOL_DELETE,
} NrtKsTool;

typedef enum {
  NRT_KS_ITEM_NONE,
  NRT_KS_ITEM_STATE,
  NRT_KS_ITEM_TRANSITION,
} NrtKsItem;

#define NRT_TYPE_KS_CANVAS (nrt_ks_canvas_get_type ())
G_DECLARE_FINAL_TYPE (NrtKsCanvas, nrt_ks_canvas, NRT, KS_CANVAS, GtkWidget)

GtkWidget  *nrt_ks_canvas_new            (void);

/* Draws a copy of scheme (NULL: nothing).  recenter places it in the middle of the widget
 * (a different scheme); otherwise the view stays where it is, so an edit does not move the
 * picture under the pointer. */
void        nrt_ks_canvas_set_scheme     (NrtKsCanvas       *self,
                                          const NrtKsScheme *scheme,
                                          gboolean           recenter);

void        nrt_ks_canvas_set_tool       (NrtKsCanvas       *self,
                                          NrtKsTool          tool);
NrtKsTool   nrt_ks_canvas_get_tool       (NrtKsCanvas       *self);

/* What is drawn selected; index is a state or a transition index. */
void        nrt_ks_canvas_set_selection  (NrtKsCanvas       *self,
                                          NrtKsItem          item,
                                          guint              index);
NrtKsItem   nrt_ks_canvas_get_selection  (NrtKsCanvas       *self,
                                          guint             *index);

/* Where a state's box is centred, and where a transition's arrow has its middle (the point
 * to click), in canvas units.  FALSE when there is no such item. */
gboolean    nrt_ks_canvas_get_state_center      (NrtKsCanvas *self,
                                                 guint        state,
                                                 double      *x,
                                                 double      *y);
gboolean    nrt_ks_canvas_get_transition_center (NrtKsCanvas *self,
                                                 guint        transition,
                                                 double      *x,
                                                 double      *y);

/* The item under (x, y) (canvas units): states win over transitions. */
NrtKsItem   nrt_ks_canvas_pick               (NrtKsCanvas *self,
                                              double       x,
                                              double       y,
                                              guint       *index);

/* The label drawn on a transition ("v", "cai", "2cao"). (transfer full) */
char       *nrt_ks_transition_label          (const NrtKsTransition *transition);

/* Converts between widget pixels and canvas units. */
void        nrt_ks_canvas_widget_to_canvas   (NrtKsCanvas *self,
                                              double       wx,
                                              double       wy,
                                              double      *x,
                                              double      *y);

/* The number of times the canvas has been drawn (tests). */
guint       nrt_ks_canvas_get_n_draws        (NrtKsCanvas *self);

G_END_DECLS
