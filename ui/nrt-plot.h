/* nrt-plot.h: a time-series plot widget and the pure drawing function behind it and its export.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * nrt_plot_render() draws axes, grid, traces, legend and crosshair from an NrtPlotData onto
 * any cairo context: the widget's snapshot() uses it through gtk_snapshot_append_cairo, the
 * PNG, SVG and PDF exports use it on cairo surfaces, and tests use it on image surfaces.
 *
 * Traces are drawn decimated: every trace contributes at most one min/max pair (plus the
 * first and last sample) per pixel column, so a 24-million-sample run costs as much to draw
 * as the plot is wide, and a one-sample spike narrower than a pixel still reaches its peak.
 */
#pragma once

#include <gtk/gtk.h>

#include "nrt-trace-store.h"

G_BEGIN_DECLS

/* ---- the pure drawing function ---------------------------------------------------------- */

typedef struct {
  const char   *label;      /* legend text; NULL for none */
  GdkRGBA       color;
  gboolean      kept;       /* a kept line (Keep Lines): thinner, dimmer, not in the legend */
  double        x_offset;   /* added to every x when drawn (ms): −dt/2 Current, +dt/2 State */
  const double *x;          /* n samples, x non-decreasing */
  const double *y;
  gsize         n;
} NrtPlotTrace;

typedef struct {
  double              x0, x1, y0, y1;   /* the view, in data units; x0 < x1, y0 < y1 */
  const char         *x_title;          /* "t (ms)" */
  const char         *y_title;          /* "v (mV)" */
  const char         *font;             /* Pango font description, NULL for "Sans 10" */
  GdkRGBA             fg;               /* text and axes */
  GdkRGBA             bg;               /* filled first unless fully transparent */
  GdkRGBA             accent;           /* crosshair and zoom rectangle */
  const NrtPlotTrace *traces;
  guint               n_traces;
  /* Shown in the middle of an empty plot ("Nothing plotted…"); may be NULL. */
  const char         *placeholder;
  /* The crosshair: a marker at (cross_x, cross_y) (data units) with cross_label beside. */
  gboolean            show_crosshair;
  double              cross_x, cross_y;
  const char         *cross_label;
  /* The zoom rectangle being dragged, in data units. */
  gboolean            show_rubber_band;
  double              band_x0, band_x1, band_y0, band_y1;
} NrtPlotData;

/* The rectangle of the plot area inside the widget, in pixels. */
typedef struct {
  double x, y, width, height;
} NrtPlotArea;

void  nrt_plot_render        (cairo_t           *cr,
                              int                width,
                              int                height,
                              const NrtPlotData *data);
/* Where nrt_plot_render() puts the plot area (it depends on the tick labels' size). */
void  nrt_plot_compute_area  (cairo_t           *cr,
                              int                width,
                              int                height,
                              const NrtPlotData *data,
                              NrtPlotArea       *area);

/* Ticks at multiples of 1, 2 or 5 × 10^k covering [lo, hi] with at most max_ticks of them
 * (max_ticks >= 2).  Returns how many; the ticks are first + i·step. */
guint nrt_plot_nice_ticks    (double             lo,
                              double             hi,
                              guint              max_ticks,
                              double            *first,
                              double            *step);

/* NEURON's View = plot for one axis (src:ivoc/graph.cpp): the data range [lo, hi] rounded
 * outward to 2 significant digits of its largest magnitude, then widened by 10% (5% on each
 * side).  An empty range (lo == hi) is widened to ±1 around the value (±1 unit, or ±10% of
 * |value| when that is larger). */
void  nrt_plot_fit_range     (double             lo,
                              double             hi,
                              double            *out_lo,
                              double            *out_hi);

/* Reduces the samples of trace that fall in view columns of area to at most four points per
 * pixel column (first, min, max, last, in time order), appended to out as pixel (x, y)
 * pairs of double; a non-finite y appends (NAN, NAN), a break in the line.  Returns the
 * number of points appended. */
gsize nrt_plot_decimate      (const NrtPlotTrace *trace,
                              const NrtPlotData  *data,
                              const NrtPlotArea  *area,
                              GArray             *out);

/* The trace colours, chosen to read on light (dark = FALSE) or dark backgrounds. */
void  nrt_plot_palette_color (guint              index,
                              gboolean           dark,
                              GdkRGBA           *color);

typedef enum {
  NRT_PLOT_FORMAT_PNG,
  NRT_PLOT_FORMAT_SVG,
  NRT_PLOT_FORMAT_PDF,
} NrtPlotFormat;

/* Renders data at width × height (pixels, or points for SVG and PDF) into path. */
gboolean nrt_plot_write_image (const NrtPlotData *data,
                               NrtPlotFormat      format,
                               int                width,
                               int                height,
                               const char        *path,
                               GError           **error);

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
