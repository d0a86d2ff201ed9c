/* nrt-graph-window.h: a Graph window (Voltage, Current or State axis), as NEURON's Graph menu.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "nrt-window.h"

G_BEGIN_DECLS

/* NEURON's three time graphs (reference/neuron-gui.md §4.1): they differ in their default y
 * range (mV −80…40, −1…1, 0…1), in what they plot at first (Voltage: v(0.5) of the root
 * section) and in when a sample is drawn (t, t − dt/2, t + dt/2). */
typedef enum {
  NRT_GRAPH_VOLTAGE,
  NRT_GRAPH_CURRENT,
  NRT_GRAPH_STATE,
} NrtGraphKind;

#define NRT_TYPE_GRAPH_WINDOW (nrt_graph_window_get_type ())
G_DECLARE_FINAL_TYPE (NrtGraphWindow, nrt_graph_window, NRT, GRAPH_WINDOW, AdwWindow)

/* (transfer none) A new graph window of kind plotting main_window's session; it registers
 * itself with nrt_window_add_tool() (Window menu; main_window holds the reference) when
 * main_window is not NULL, else the caller owns it as any toplevel.  The window is not
 * shown: call gtk_window_present(). */
GtkWindow *nrt_graph_window_new            (NrtWindow    *main_window,
                                            NrtGraphKind  kind);

/* Layout persistence: writes the graph's kind, plotted expressions, view, Keep Lines and
 * window size into group of kf. */
void       nrt_graph_window_save_state     (GtkWindow    *graph,
                                            GKeyFile     *kf,
                                            const char   *group);
/* (transfer none) (nullable) A graph restored from group of kf, or NULL when the group does
 * not describe one. */
GtkWindow *nrt_graph_window_new_from_state (NrtWindow    *main_window,
                                            GKeyFile     *kf,
                                            const char   *group);

NrtGraphKind nrt_graph_window_get_kind     (NrtGraphWindow *self);
/* (transfer none) The NrtPlot. */
GtkWidget   *nrt_graph_window_get_plot     (NrtGraphWindow *self);
/* Plots expr ("soma(0.5).v", as nrt_session_add_trace) in the next colour, as Plot What?
 * does.  Returns FALSE with error when the session refuses it. */
gboolean     nrt_graph_window_add_expression (NrtGraphWindow *self,
                                              const char     *expr,
                                              GError        **error);
/* What the Export menu does after its file dialog: format is "csv", "png", "svg" or "pdf". */
gboolean     nrt_graph_window_export       (NrtGraphWindow *self,
                                            const char     *format,
                                            const char     *path,
                                            GError        **error);

G_END_DECLS
