/* nrt-shape-plot.h: Graph → Shape plot: NEURON's PlotShape with its three modes.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shape Plot colours every segment by a range variable (v by default) read from the session's
 * frame buffer; Time Plot adds "sec(x).v" of every clicked location to a Voltage graph (made
 * on the first click) and paints the section in the trace's colour; Space Plot turns a drag
 * between two points into a graph of the variable against distance from the root (µm),
 * refreshed whenever a new frame arrives (live during runs, after every Continue for).
 */
#pragma once

#include <adwaita.h>

#include "nrt-window.h"
#include "nrt-shape-view.h"

G_BEGIN_DECLS

typedef enum {
  NRT_SHAPE_PLOT_MODE_SHAPE,
  NRT_SHAPE_PLOT_MODE_TIME,
  NRT_SHAPE_PLOT_MODE_SPACE,
} NrtShapePlotMode;

#define NRT_TYPE_SHAPE_PLOT (nrt_shape_plot_get_type ())
G_DECLARE_FINAL_TYPE (NrtShapePlot, nrt_shape_plot, NRT, SHAPE_PLOT, AdwWindow)

/* (transfer none) A new shape plot of main_window's model and session; registered with
 * nrt_window_add_tool() (main_window holds the reference).  Not shown: gtk_window_present(). */
GtkWindow    *nrt_shape_plot_new            (NrtWindow        *main_window);

/* (transfer none) */
NrtShapeView *nrt_shape_plot_get_view       (NrtShapePlot     *self);
/* (transfer none) The space plot's NrtPlot. */
GtkWidget    *nrt_shape_plot_get_space_graph (NrtShapePlot    *self);

void          nrt_shape_plot_set_mode       (NrtShapePlot     *self,
                                             NrtShapePlotMode  mode);
NrtShapePlotMode nrt_shape_plot_get_mode    (NrtShapePlot     *self);

/* Plot what?: the range variable ("v", "m_hh", "ina"...).  FALSE with error when the session
 * cannot show it. */
gboolean      nrt_shape_plot_set_variable   (NrtShapePlot     *self,
                                             const char       *variable,
                                             GError          **error);
const char   *nrt_shape_plot_get_variable   (NrtShapePlot     *self);
/* Variable scale: the colour map's and the space plot's y range (default −80…40). */
void          nrt_shape_plot_set_scale      (NrtShapePlot     *self,
                                             double            lo,
                                             double            hi);

/* What a Time Plot click does: adds "sec(x).v" to the time graph (made on the first call) and
 * paints the location.  Returns FALSE with error when the session refuses the expression. */
gboolean      nrt_shape_plot_time_plot      (NrtShapePlot     *self,
                                             const char       *section,
                                             double            x,
                                             GError          **error);
/* (transfer none) (nullable) The Voltage graph the Time Plot clicks go to. */
GtkWindow    *nrt_shape_plot_get_time_graph (NrtShapePlot     *self);

/* What a Space Plot drag does: the path from sec_a(x_a) to sec_b(x_b) becomes the space
 * plot.  FALSE with error when a section is unknown. */
gboolean      nrt_shape_plot_space_plot     (NrtShapePlot     *self,
                                             const char       *sec_a,
                                             double            x_a,
                                             const char       *sec_b,
                                             double            x_b,
                                             GError          **error);
void          nrt_shape_plot_clear_space_plot (NrtShapePlot   *self);
/* (transfer none) The space plot's current data: distance from the root (µm) and value, n
 * points; 0 when there is no space plot (or no frame yet).  Valid until the next update. */
gsize         nrt_shape_plot_get_space_data (NrtShapePlot     *self,
                                             const double    **x,
                                             const double    **y);
/* Reads the session's newest frame now (the tick callback does so every frame) and refreshes
 * the colours and the space plot; TRUE when a new frame arrived. */
gboolean      nrt_shape_plot_update         (NrtShapePlot     *self);

/* Layout persistence: writes the mode, Plot what? variable, Variable scale, Show Diam, the
 * Space Plot path's ends (if any), the view (camera) and the window size into group of kf. */
void          nrt_shape_plot_save_state     (GtkWindow        *shape_plot,
                                             GKeyFile         *kf,
                                             const char       *group);
/* (transfer none) A shape plot restored from group of kf (registered with main_window as
 * nrt_shape_plot_new does); what the group lacks, or the model no longer has (a variable,
 * a section of the path), keeps its default. */
GtkWindow    *nrt_shape_plot_new_from_state (NrtWindow        *main_window,
                                             GKeyFile         *kf,
                                             const char       *group);

G_END_DECLS
