/* nrt-plot.h: a time-series plot widget.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * It draws with nrt_plot_render() (nrt-plot-render.h, cairo only), which the widget's
 * snapshot() calls through gtk_snapshot_append_cairo and which its exports, neurite-cli plot
 * and tests call on cairo surfaces.  Included after GTK, so its colours are GdkRGBA.
 */
#pragma once

#include <gtk/gtk.h>

#include "nrt-plot-render.h"
#include "nrt-trace-store.h"

G_BEGIN_DECLS

/* ---- the widget -------------------------------------------------------------------------- */

#define NRT_TYPE_PLOT (nrt_plot_get_type ())
G_DECLARE_FINAL_TYPE (NrtPlot, nrt_plot, NRT, PLOT, GtkWidget)

GtkWidget *nrt_plot_new            (void);

/* The view (data units).  Every change emits ::view-changed. */
void       nrt_plot_set_view       (NrtPlot    *self,
                                    double      x0,
                                    double      x1,
                                    double      y0,
                                    double      y1);
void       nrt_plot_get_view       (NrtPlot    *self,
                                    double     *x0,
                                    double     *x1,
                                    double     *y0,
                                    double     *y1);
/* Shows the crosshair as if the pointer were at data point (x, y) (tests, screenshots);
 * needs the widget to have been drawn once. */
void       nrt_plot_point_at       (NrtPlot    *self,
                                    double      x,
                                    double      y);
/* View = plot: fits the view to every trace, kept lines included (nrt_plot_fit_range on
 * each axis).  Does nothing when there is no data. */
void       nrt_plot_view_fit       (NrtPlot    *self);
/* Zooms by factor (> 1 zooms in) about the data point (cx, cy) on the chosen axes. */
void       nrt_plot_zoom           (NrtPlot    *self,
                                    double      factor,
                                    double      cx,
                                    double      cy,
                                    gboolean    zoom_x,
                                    gboolean    zoom_y);

void       nrt_plot_set_axis_titles (NrtPlot   *self,
                                     const char *x_title,
                                     const char *y_title);
void       nrt_plot_set_placeholder (NrtPlot   *self,
                                     const char *text);

/* Live traces: trace id of store, drawn at t + x_offset (ms).  The widget keeps its own copy
 * of every live trace, read incrementally on each frame; memory stays bounded because a
 * copy longer than 2^22 samples is folded to min/max pairs (see nrt-plot.c).  Returns an
 * index for nrt_plot_remove_trace(). */
guint      nrt_plot_add_store_trace (NrtPlot       *self,
                                     NrtTraceStore *store,
                                     guint          id,
                                     const char    *label,
                                     double         x_offset);
/* A static trace (copied), for tests and kept data. */
guint      nrt_plot_add_samples     (NrtPlot       *self,
                                     const char    *label,
                                     const double  *x,
                                     const double  *y,
                                     gsize          n,
                                     double         x_offset);
void       nrt_plot_remove_trace    (NrtPlot       *self,
                                     guint          index);
/* Removes every trace, live and kept. */
void       nrt_plot_clear           (NrtPlot       *self);
/* Live and static traces, not kept lines. */
guint      nrt_plot_get_n_traces    (NrtPlot       *self);
const char *nrt_plot_get_trace_label (NrtPlot      *self,
                                      guint         index);
/* (transfer none) The samples of trace index as the widget holds them now: t as recorded
 * (without x_offset).  Returns the number of samples. */
gsize      nrt_plot_get_trace_data  (NrtPlot       *self,
                                     guint          index,
                                     const double **t,
                                     const double **y);

/* Keep Lines: when on, a new run (the store's generation changes) keeps the previous run's
 * traces, dimmed.  Erase removes the kept lines. */
void       nrt_plot_set_keep_lines  (NrtPlot       *self,
                                     gboolean       keep);
gboolean   nrt_plot_get_keep_lines  (NrtPlot       *self);
void       nrt_plot_erase           (NrtPlot       *self);
guint      nrt_plot_get_n_kept      (NrtPlot       *self);

/* Reads whatever the stores have new now (the tick callback does this every frame);
 * returns TRUE when something changed.  Tests call it to avoid waiting for a frame. */
gboolean   nrt_plot_update          (NrtPlot       *self);

/* Exports: CSV is t then one column per trace (full resolution where held, %.15g, '.' as the
 * decimal point), written atomically.  Images are rendered with a light palette. */
gboolean   nrt_plot_export_csv      (NrtPlot       *self,
                                     const char    *path,
                                     GError       **error);
/* The same, written in a thread (a long run's CSV takes seconds): the data are copied at
 * the call, so later frames do not change what is written. */
void       nrt_plot_export_csv_async  (NrtPlot             *self,
                                       const char          *path,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
gboolean   nrt_plot_export_csv_finish (NrtPlot             *self,
                                       GAsyncResult        *result,
                                       GError             **error);
gboolean   nrt_plot_export_image    (NrtPlot       *self,
                                     NrtPlotFormat  format,
                                     const char    *path,
                                     GError       **error);

G_END_DECLS
