/* nrt-plot-render.h: the Graph window's drawing, on any cairo context, without GTK.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * nrt_plot_render() draws axes, grid, traces, legend and crosshair from an NrtPlotData onto
 * any cairo context: the Graph window's widget (nrt-plot.c) through gtk_snapshot_append_cairo,
 * the PNG, SVG and PDF exports and `neurite-cli plot` on cairo surfaces, and tests on image
 * surfaces.  It needs cairo and pangocairo only, so neurite-cli draws the same figures in a
 * build without GTK (-Dgui=false).
 *
 * Traces are drawn decimated: every trace contributes at most one min/max pair (plus the
 * first and last sample) per pixel column, so a 24-million-sample run costs as much to draw
 * as the plot is wide, and a one-sample spike narrower than a pixel still reaches its peak.
 */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

/* A colour, components 0..1.  Where GDK is included first it is GdkRGBA itself, so the
 * widget and its tests pass GdkRGBA values; without GDK it is a struct of the same four
 * floats (nrt-plot.c checks the layouts agree). */
#ifdef GDK_TYPE_RGBA
typedef GdkRGBA NrtPlotRGBA;
#else
typedef struct {
  float red, green, blue, alpha;
} NrtPlotRGBA;
#endif

/* ---- the pure drawing function ---------------------------------------------------------- */

typedef struct {
  const char   *label;      /* legend text; NULL for none */
  NrtPlotRGBA   color;
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
  NrtPlotRGBA         fg;               /* text and axes */
  NrtPlotRGBA         bg;               /* filled first unless fully transparent */
  NrtPlotRGBA         accent;           /* crosshair and zoom rectangle */
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
  /* A title centred above the plot (neurite-cli plot --title); NULL for none, which leaves
   * the layout as the Graph window has it. */
  const char         *title;
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

/* Data to pixels in area for the view of d (x0..x1 left to right, y1..y0 top to bottom);
 * y is clamped to ±1e6 px, inside cairo's fixed-point range. */
double nrt_plot_to_px        (const NrtPlotData *d,
                              const NrtPlotArea *a,
                              double             x);
double nrt_plot_to_py        (const NrtPlotData *d,
                              const NrtPlotArea *a,
                              double             y);
/* The first index i of the non-decreasing x[0..n) with x[i] >= value (n when none). */
gsize  nrt_plot_lower_bound  (const double      *x,
                              gsize              n,
                              double             value);

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
                              NrtPlotRGBA       *color);

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

G_END_DECLS
