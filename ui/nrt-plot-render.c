/* nrt-plot-render.c: nrt_plot_render() and the image export, the drawing shared by the Graph
 * window, its exports and neurite-cli plot (cairo and pangocairo only, no GTK).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <glib/gstdio.h>
#include <gio/gio.h>
#include <pango/pangocairo.h>

#include "nrt-plot-render.h"

/* Translated in the application's domain when it is bound (the GUI binds it); neurite-cli
 * does not, and gets the English text. */
#define _(s) g_dgettext ("neurite", s)

/* "#rrggbb" to an opaque colour; the palette below is the only caller. */
static void
parse_hex (NrtPlotRGBA *color,
           const char  *hex)
{
  guint64 v = g_ascii_strtoull (hex + 1, NULL, 16);

  color->red = ((v >> 16) & 0xff) / 255.;
  color->green = ((v >> 8) & 0xff) / 255.;
  color->blue = (v & 0xff) / 255.;
  color->alpha = 1;
}

/* ---- pure helpers --------------------------------------------------------------------- */

guint
nrt_plot_nice_ticks (double  lo,
                     double  hi,
                     guint   max_ticks,
                     double *first,
                     double *step)
{
  static const double mantissas[] = { 1, 2, 5, 10 };
  double span, base;

  g_return_val_if_fail (first != NULL && step != NULL, 0);

  if (!(isfinite (lo) && isfinite (hi)) || hi <= lo || max_ticks < 2)
    {
      *first = lo;
      *step = 1;
      return isfinite (lo) ? 1 : 0;
    }

  span = hi - lo;
  /* The smallest 1-2-5 step that gives at most max_ticks ticks. */
  base = pow (10, floor (log10 (span / max_ticks)));
  for (guint k = 0; ; k = (k + 1) % G_N_ELEMENTS (mantissas))
    {
      double s = mantissas[k] * base;
      double f = ceil (lo / s - 1e-9) * s;
      guint n = (guint) floor ((hi - f) / s + 1e-9) + 1;

      if (n <= max_ticks)
        {
          *first = fabs (f) < s * 1e-9 ? 0.0 : f;
          *step = s;
          return n;
        }
      if (k == G_N_ELEMENTS (mantissas) - 1)
        base *= 10;
    }
}

void
nrt_plot_fit_range (double  lo,
                    double  hi,
                    double *out_lo,
                    double *out_hi)
{
  double mag, unit, rlo, rhi, margin;

  if (hi < lo)
    {
      double tmp = lo;
      lo = hi;
      hi = tmp;
    }
  if (hi == lo)
    {
      double d = MAX (1.0, fabs (lo) * 0.1);
      lo -= d;
      hi += d;
    }

  /* Two significant digits of the largest magnitude: the rounding unit is 10^(e − 1). */
  mag = MAX (fabs (lo), fabs (hi));
  unit = pow (10, floor (log10 (mag)) - 1);
  rlo = floor (lo / unit + 1e-9) * unit;
  rhi = ceil (hi / unit - 1e-9) * unit;
  if (rhi <= rlo)
    rhi = rlo + unit;
  margin = 0.05 * (rhi - rlo);
  *out_lo = rlo - margin;
  *out_hi = rhi + margin;
}

void
nrt_plot_palette_color (guint    index,
                        gboolean dark,
                        NrtPlotRGBA *color)
{
  /* GNOME palette hues: the 3/4 shades on light backgrounds, the 1/2 shades on dark ones,
   * ordered so neighbours differ in hue and lightness. */
  static const char *light[] = {
    "#1c71d8", "#e01b24", "#26a269", "#e66100", "#813d9c",
    "#0b8b8b", "#c64600", "#865e3c", "#a51d2d", "#5e5c64",
  };
  static const char *dark_[] = {
    "#62a0ea", "#f66151", "#57e389", "#ffa348", "#c061cb",
    "#5bc8af", "#f9f06b", "#cdab8f", "#dc8add", "#c0bfbc",
  };
  parse_hex (color, (dark ? dark_ : light)[index % G_N_ELEMENTS (light)]);
}

/* ---- layout and drawing --------------------------------------------------------------- */

typedef struct {
  PangoFontDescription *font;
  double line_height;
  NrtPlotArea area;
  guint nx, ny;
  double x_first, x_step, y_first, y_step;
} Layout;

static void
format_tick (double value,
             double step,
             char  *buf,
             gsize  size)
{
  char tmp[64];
  int decimals = step >= 1 ? 0 : (int) ceil (-log10 (step) - 1e-9);

  if (fabs (value) < step * 1e-6)
    value = 0;
  if (fabs (value) >= 1e6 || (value != 0 && fabs (value) < 1e-4))
    g_snprintf (tmp, sizeof tmp, "%.3g", value);
  else
    g_snprintf (tmp, sizeof tmp, "%.*f", MIN (decimals, 9), value);
  /* A real minus sign: the same width as the digits, unlike the hyphen. */
  if (tmp[0] == '-')
    g_snprintf (buf, size, "\u2212%s", tmp + 1);
  else
    g_strlcpy (buf, tmp, size);
}

static PangoLayout *
make_layout (cairo_t           *cr,
             const Layout      *lay,
             const char        *text)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoAttrList *attrs = pango_attr_list_new ();

  pango_layout_set_font_description (layout, lay->font);
  /* Tabular figures, so tick labels line up. */
  pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum"));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  pango_layout_set_text (layout, text, -1);
  return layout;
}

static void
text_size (cairo_t      *cr,
           const Layout *lay,
           const char   *text,
           double       *w,
           double       *h)
{
  PangoLayout *layout = make_layout (cr, lay, text);
  int pw, ph;

  pango_layout_get_pixel_size (layout, &pw, &ph);
  *w = pw;
  *h = ph;
  g_object_unref (layout);
}

static void
layout_compute (cairo_t           *cr,
                int                width,
                int                height,
                const NrtPlotData *data,
                Layout            *lay)
{
  double w, h, left = 0, label_h, top, bottom, right = 18;
  char buf[64];
  guint max_x;

  lay->font = pango_font_description_from_string (data->font != NULL ? data->font : "Sans 10");
  text_size (cr, lay, "0", &w, &label_h);
  lay->line_height = label_h;

  top = label_h + 18;                       /* the y title sits above the axis */
  if (data->title != NULL)
    top += label_h + 8;                     /* the title above the y title */
  bottom = label_h * 2 + 8 + 14;            /* tick labels, then the x title */

  /* y ticks: one every ~2.5 lines of text at most. */
  lay->ny = nrt_plot_nice_ticks (data->y0, data->y1,
                                 MAX (2, (guint) ((height - top - bottom) / (label_h * 2.0))),
                                 &lay->y_first, &lay->y_step);
  for (guint i = 0; i < lay->ny; i++)
    {
      format_tick (lay->y_first + i * lay->y_step, lay->y_step, buf, sizeof buf);
      text_size (cr, lay, buf, &w, &h);
      left = MAX (left, w);
    }
  left += 8 + 12;

  lay->area.x = left;
  lay->area.y = top;
  lay->area.width = MAX (1.0, width - left - right);
  lay->area.height = MAX (1.0, height - top - bottom);

  /* x ticks: as many as fit with their labels a good gap apart. */
  max_x = MAX (2, (guint) (lay->area.width / 50));
  for (;;)
    {
      double widest = 0;

      lay->nx = nrt_plot_nice_ticks (data->x0, data->x1, max_x,
                                     &lay->x_first, &lay->x_step);
      for (guint i = 0; i < lay->nx; i++)
        {
          format_tick (lay->x_first + i * lay->x_step, lay->x_step, buf, sizeof buf);
          text_size (cr, lay, buf, &w, &h);
          widest = MAX (widest, w);
        }
      if (max_x <= 2 || lay->nx * (widest + 24) <= lay->area.width)
        break;
      max_x--;
    }
}

static void
layout_clear (Layout *lay)
{
  g_clear_pointer (&lay->font, pango_font_description_free);
}

void
nrt_plot_compute_area (cairo_t           *cr,
                       int                width,
                       int                height,
                       const NrtPlotData *data,
                       NrtPlotArea       *area)
{
  Layout lay = { 0 };

  g_return_if_fail (cr != NULL && data != NULL && area != NULL);
  layout_compute (cr, width, height, data, &lay);
  *area = lay.area;
  layout_clear (&lay);
}

double
nrt_plot_to_px (const NrtPlotData *d,
                const NrtPlotArea *a,
                double             x)
{
  return a->x + (x - d->x0) / (d->x1 - d->x0) * a->width;
}

double
nrt_plot_to_py (const NrtPlotData *d,
                const NrtPlotArea *a,
                double             y)
{
  double py = a->y + (d->y1 - y) / (d->y1 - d->y0) * a->height;
  /* Keep far-off points within cairo's fixed-point range. */
  return CLAMP (py, -1e6, 1e6);
}

gsize
nrt_plot_lower_bound (const double *x,
                      gsize         n,
                      double        value)
{
  gsize lo = 0, hi = n;

  while (lo < hi)
    {
      gsize mid = lo + (hi - lo) / 2;
      if (x[mid] < value)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

typedef struct {
  gboolean open;
  long     column;
  double   fx, fy, lx, ly;       /* first and last point of the column */
  double   miny, maxy;
  gsize    imin, imax, count;
} Column;

static void
append_point (GArray *out, double x, double y)
{
  double p[2] = { x, y };
  g_array_append_vals (out, p, 2);
}

static gsize
column_flush (Column *c,
              GArray *out)
{
  gsize before = out->len;

  if (!c->open)
    return 0;
  append_point (out, c->fx, c->fy);
  if (c->count > 1)
    {
      double cx = c->column + 0.5;
      /* The extremes in the order they happened, so the line does not double back. */
      if (c->imin <= c->imax)
        {
          append_point (out, cx, c->miny);
          append_point (out, cx, c->maxy);
        }
      else
        {
          append_point (out, cx, c->maxy);
          append_point (out, cx, c->miny);
        }
      append_point (out, c->lx, c->ly);
    }
  c->open = FALSE;
  return (out->len - before) / 2;
}

gsize
nrt_plot_decimate (const NrtPlotTrace *trace,
                   const NrtPlotData  *data,
                   const NrtPlotArea  *area,
                   GArray             *out)
{
  Column c = { 0 };
  gsize first, last, n_out = 0;

  g_return_val_if_fail (trace != NULL && data != NULL && area != NULL && out != NULL, 0);

  if (trace->n == 0 || data->x1 <= data->x0 || data->y1 <= data->y0)
    return 0;

  /* One sample either side of the view, so the line runs to the edges. */
  first = nrt_plot_lower_bound (trace->x, trace->n, data->x0 - trace->x_offset);
  first = first > 0 ? first - 1 : 0;
  last = nrt_plot_lower_bound (trace->x, trace->n, data->x1 - trace->x_offset);
  last = MIN (last + 1, trace->n);

  for (gsize i = first; i < last; i++)
    {
      double y = trace->y[i];
      double px, py;
      long column;

      if (!isfinite (y))
        {
          n_out += column_flush (&c, out);
          append_point (out, NAN, NAN);
          n_out++;
          continue;
        }
      px = nrt_plot_to_px (data, area, trace->x[i] + trace->x_offset);
      py = nrt_plot_to_py (data, area, y);
      column = (long) floor (CLAMP (px, -1e6, 1e6));

      if (c.open && column == c.column)
        {
          c.lx = px;
          c.ly = py;
          if (py < c.miny)
            c.miny = py, c.imin = i;
          if (py > c.maxy)
            c.maxy = py, c.imax = i;
          c.count++;
          continue;
        }
      n_out += column_flush (&c, out);
      c.open = TRUE;
      c.column = column;
      c.fx = c.lx = px;
      c.fy = c.ly = c.miny = c.maxy = py;
      c.imin = c.imax = i;
      c.count = 1;
    }
  n_out += column_flush (&c, out);
  return n_out;
}

static void
set_color (cairo_t       *cr,
           const NrtPlotRGBA *color,
           double         alpha)
{
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, color->alpha * alpha);
}

static gboolean
is_dark (const NrtPlotRGBA *fg)
{
  /* Light text means a dark background. */
  return 0.2126 * fg->red + 0.7152 * fg->green + 0.0722 * fg->blue > 0.5;
}

/* A rounded card that stands out from the plot in either style. */
static void
card (cairo_t       *cr,
      const NrtPlotRGBA *fg,
      double         x,
      double         y,
      double         w,
      double         h)
{
  double r = 6;

  cairo_new_sub_path (cr);
  cairo_arc (cr, x + w - r, y + r, r, -G_PI_2, 0);
  cairo_arc (cr, x + w - r, y + h - r, r, 0, G_PI_2);
  cairo_arc (cr, x + r, y + h - r, r, G_PI_2, G_PI);
  cairo_arc (cr, x + r, y + r, r, G_PI, 3 * G_PI_2);
  cairo_close_path (cr);
  if (is_dark (fg))
    cairo_set_source_rgba (cr, 0.16, 0.16, 0.17, 0.92);
  else
    cairo_set_source_rgba (cr, 1, 1, 1, 0.92);
  cairo_fill_preserve (cr);
  set_color (cr, fg, 0.15);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);
}

static void
draw_text (cairo_t      *cr,
           const Layout *lay,
           const char   *text,
           double        x,
           double        y,
           double        xalign,
           double        yalign)
{
  PangoLayout *layout = make_layout (cr, lay, text);
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, round (x - xalign * w), round (y - yalign * h));
  pango_cairo_show_layout (cr, layout);
  g_object_unref (layout);
}

/* Where the lines are, coarsely, so the legend can go where they are not. */
#define GRID_W 32
#define GRID_H 24

typedef struct {
  guint8 cell[GRID_H][GRID_W];
} Occupancy;

static void
occupy (Occupancy         *occ,
        const NrtPlotArea *a,
        double             x,
        double             y0,
        double             y1)
{
  int cx = (int) floor ((x - a->x) / a->width * GRID_W);
  int r0 = (int) floor ((MIN (y0, y1) - a->y) / a->height * GRID_H);
  int r1 = (int) floor ((MAX (y0, y1) - a->y) / a->height * GRID_H);

  if (cx < 0 || cx >= GRID_W)
    return;
  for (int r = MAX (r0, 0); r <= MIN (r1, GRID_H - 1); r++)
    occ->cell[r][cx] = 1;
}

static void
draw_trace (cairo_t            *cr,
            const NrtPlotData  *data,
            const NrtPlotArea  *area,
            const NrtPlotTrace *trace,
            GArray             *points,
            Occupancy          *occ)
{
  gboolean pen_down = FALSE;
  const double *p;

  g_array_set_size (points, 0);
  if (nrt_plot_decimate (trace, data, area, points) == 0)
    return;

  p = (const double *) (gpointer) points->data;
  for (guint i = 0; i + 1 < points->len; i += 2)
    {
      if (isnan (p[i]))
        {
          pen_down = FALSE;
          continue;
        }
      if (pen_down)
        {
          cairo_line_to (cr, p[i], p[i + 1]);
          occupy (occ, area, (p[i - 2] + p[i]) / 2, p[i - 1], p[i + 1]);
        }
      else
        cairo_move_to (cr, p[i], p[i + 1]);
      occupy (occ, area, p[i], p[i + 1], p[i + 1]);
      pen_down = TRUE;
    }
  /* A single sample still shows, as a dot. */
  if (points->len == 2 && !isnan (p[0]))
    {
      cairo_new_path (cr);
      cairo_arc (cr, p[0], p[1], 2, 0, 2 * G_PI);
      set_color (cr, &trace->color, trace->kept ? 0.4 : 1.0);
      cairo_fill (cr);
      return;
    }
  set_color (cr, &trace->color, trace->kept ? 0.4 : 1.0);
  cairo_set_line_width (cr, trace->kept ? 1.0 : 1.75);
  cairo_stroke (cr);
}

/* Lines under the rectangle (pixels) of the plot area. */
static guint
occupied (const Occupancy   *occ,
          const NrtPlotArea *a,
          double             x,
          double             y,
          double             w,
          double             h)
{
  int c0 = (int) floor ((x - a->x) / a->width * GRID_W);
  int c1 = (int) floor ((x + w - a->x) / a->width * GRID_W);
  int r0 = (int) floor ((y - a->y) / a->height * GRID_H);
  int r1 = (int) floor ((y + h - a->y) / a->height * GRID_H);
  guint n = 0;

  for (int r = MAX (r0, 0); r <= MIN (r1, GRID_H - 1); r++)
    for (int c = MAX (c0, 0); c <= MIN (c1, GRID_W - 1); c++)
      n += occ->cell[r][c];
  return n;
}

static void
draw_legend (cairo_t           *cr,
             const Layout      *lay,
             const NrtPlotData *data,
             const Occupancy   *occ)
{
  const NrtPlotArea *a = &lay->area;
  double w = 0, h = 0, lw, lh, pad = 8, swatch = 18, gap = 4, x, y;
  const NrtPlotTrace *kept = NULL;
  /* TRANSLATORS: the legend entry of the dimmed lines kept from earlier runs */
  const char *kept_label = _("earlier runs");
  guint n = 0;

  for (guint i = 0; i < data->n_traces; i++)
    {
      const NrtPlotTrace *t = &data->traces[i];
      if (t->kept && kept == NULL)
        kept = t;
      if (t->kept || t->label == NULL)
        continue;
      text_size (cr, lay, t->label, &lw, &lh);
      w = MAX (w, lw);
      h += lh + (n > 0 ? gap : 0);
      n++;
    }
  if (kept != NULL && n > 0)
    {
      text_size (cr, lay, kept_label, &lw, &lh);
      w = MAX (w, lw);
      h += lh + gap;
    }
  if (n == 0)
    return;
  /* Room for the glyphs' overhang beyond their logical width. */
  w += ceil (lay->line_height * 0.3);

  w += swatch + 6 + 2 * pad;
  h += 2 * pad;

  /* The corner with the fewest lines under it, top right first when they tie. */
  {
    double xs[2] = { a->x + a->width - w - 10, a->x + 10 };
    double ys[2] = { a->y + 10, a->y + a->height - h - 10 };
    guint best = G_MAXUINT;

    x = xs[0];
    y = ys[0];
    for (guint r = 0; r < 2; r++)
      for (guint c = 0; c < 2; c++)
        {
          guint n = occupied (occ, a, xs[c], ys[r], w, h);
          if (n < best)
            best = n, x = xs[c], y = ys[r];
        }
  }
  card (cr, &data->fg, x, y, w, h);

  y += pad;
  for (guint i = 0; i < data->n_traces; i++)
    {
      const NrtPlotTrace *t = &data->traces[i];
      if (t->kept || t->label == NULL)
        continue;
      text_size (cr, lay, t->label, &lw, &lh);
      set_color (cr, &t->color, 1.0);
      cairo_set_line_width (cr, 3);
      cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
      cairo_move_to (cr, x + pad + 1.5, round (y + lh / 2));
      cairo_line_to (cr, x + pad + swatch - 1.5, round (y + lh / 2));
      cairo_stroke (cr);
      set_color (cr, &data->fg, 0.9);
      draw_text (cr, lay, t->label, x + pad + swatch + 6, y, 0, 0);
      y += lh + gap;
    }
  if (kept != NULL)
    {
      text_size (cr, lay, kept_label, &lw, &lh);
      set_color (cr, &kept->color, 0.4);
      cairo_set_line_width (cr, 1.5);
      cairo_move_to (cr, x + pad + 1.5, round (y + lh / 2) + 0.5);
      cairo_line_to (cr, x + pad + swatch - 1.5, round (y + lh / 2) + 0.5);
      cairo_stroke (cr);
      set_color (cr, &data->fg, 0.6);
      draw_text (cr, lay, kept_label, x + pad + swatch + 6, y, 0, 0);
    }
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_BUTT);
}

static void
draw_crosshair (cairo_t           *cr,
                const Layout      *lay,
                const NrtPlotData *data)
{
  const NrtPlotArea *a = &lay->area;
  double px = nrt_plot_to_px (data, a, data->cross_x);
  double py = nrt_plot_to_py (data, a, data->cross_y);
  double dashes[] = { 3, 3 };
  double w = 0, h = 0, x, y, pad = 6;

  if (px < a->x || px > a->x + a->width || py < a->y || py > a->y + a->height)
    return;

  cairo_save (cr);
  cairo_set_dash (cr, dashes, 2, 0);
  cairo_set_line_width (cr, 1);
  set_color (cr, &data->fg, 0.35);
  cairo_move_to (cr, round (px) + 0.5, a->y);
  cairo_line_to (cr, round (px) + 0.5, a->y + a->height);
  cairo_move_to (cr, a->x, round (py) + 0.5);
  cairo_line_to (cr, a->x + a->width, round (py) + 0.5);
  cairo_stroke (cr);
  cairo_restore (cr);

  cairo_arc (cr, px, py, 4.5, 0, 2 * G_PI);
  set_color (cr, &data->accent, 1);
  cairo_fill_preserve (cr);
  cairo_set_line_width (cr, 1.5);
  if (is_dark (&data->fg))
    cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
  else
    cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_stroke (cr);

  if (data->cross_label == NULL)
    return;
  text_size (cr, lay, data->cross_label, &w, &h);
  w += 2 * pad;
  h += 2 * pad;
  /* Beside the point, flipped to stay inside the plot. */
  x = px + 12;
  y = py + 12;
  if (x + w > a->x + a->width)
    x = px - 12 - w;
  if (y + h > a->y + a->height)
    y = py - 12 - h;
  x = MAX (x, a->x);
  y = MAX (y, a->y);
  card (cr, &data->fg, x, y, w, h);
  set_color (cr, &data->fg, 1);
  draw_text (cr, lay, data->cross_label, x + pad, y + pad, 0, 0);
}

void
nrt_plot_render (cairo_t           *cr,
                 int                width,
                 int                height,
                 const NrtPlotData *data)
{
  Layout lay = { 0 };
  const NrtPlotArea *a;
  char buf[64];
  g_autoptr(GArray) points = NULL;
  g_autofree Occupancy *occ = NULL;

  g_return_if_fail (cr != NULL && data != NULL);
  if (width <= 0 || height <= 0 || !(data->x1 > data->x0) || !(data->y1 > data->y0))
    return;

  cairo_save (cr);
  layout_compute (cr, width, height, data, &lay);
  a = &lay.area;

  if (data->bg.alpha > 0)
    {
      set_color (cr, &data->bg, 1);
      cairo_paint (cr);
    }

  /* Grid, pixel-aligned. */
  cairo_set_line_width (cr, 1);
  set_color (cr, &data->fg, 0.09);
  for (guint i = 0; i < lay.nx; i++)
    {
      double px = round (nrt_plot_to_px (data, a, lay.x_first + i * lay.x_step)) + 0.5;
      cairo_move_to (cr, px, a->y);
      cairo_line_to (cr, px, a->y + a->height);
    }
  for (guint i = 0; i < lay.ny; i++)
    {
      double py = round (nrt_plot_to_py (data, a, lay.y_first + i * lay.y_step)) + 0.5;
      cairo_move_to (cr, a->x, py);
      cairo_line_to (cr, a->x + a->width, py);
    }
  cairo_stroke (cr);

  /* Axes: left and bottom, with ticks outward. */
  set_color (cr, &data->fg, 0.5);
  cairo_move_to (cr, round (a->x) + 0.5, a->y);
  cairo_line_to (cr, round (a->x) + 0.5, round (a->y + a->height) + 0.5);
  cairo_line_to (cr, a->x + a->width, round (a->y + a->height) + 0.5);
  for (guint i = 0; i < lay.nx; i++)
    {
      double px = round (nrt_plot_to_px (data, a, lay.x_first + i * lay.x_step)) + 0.5;
      cairo_move_to (cr, px, round (a->y + a->height) + 0.5);
      cairo_line_to (cr, px, round (a->y + a->height) + 5.5);
    }
  for (guint i = 0; i < lay.ny; i++)
    {
      double py = round (nrt_plot_to_py (data, a, lay.y_first + i * lay.y_step)) + 0.5;
      cairo_move_to (cr, round (a->x) + 0.5, py);
      cairo_line_to (cr, round (a->x) - 4.5, py);
    }
  cairo_stroke (cr);

  /* Tick labels and titles. */
  set_color (cr, &data->fg, 0.75);
  for (guint i = 0; i < lay.nx; i++)
    {
      double v = lay.x_first + i * lay.x_step;
      format_tick (v, lay.x_step, buf, sizeof buf);
      draw_text (cr, &lay, buf, nrt_plot_to_px (data, a, v), a->y + a->height + 8, 0.5, 0);
    }
  for (guint i = 0; i < lay.ny; i++)
    {
      double v = lay.y_first + i * lay.y_step;
      format_tick (v, lay.y_step, buf, sizeof buf);
      draw_text (cr, &lay, buf, a->x - 10, nrt_plot_to_py (data, a, v), 1, 0.5);
    }
  set_color (cr, &data->fg, 0.95);
  if (data->x_title != NULL)
    draw_text (cr, &lay, data->x_title, a->x + a->width / 2, height - 8, 0.5, 1);
  if (data->y_title != NULL)
    draw_text (cr, &lay, data->y_title, MAX (4, a->x - 10), a->y - 10, 0, 1);
  if (data->title != NULL)
    draw_text (cr, &lay, data->title, width / 2.0, 8, 0.5, 0);

  /* Traces, kept lines underneath, clipped to the plot area. */
  cairo_save (cr);
  cairo_rectangle (cr, a->x, a->y, a->width, a->height);
  cairo_clip (cr);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  points = g_array_new (FALSE, FALSE, sizeof (double));
  occ = g_new0 (Occupancy, 1);
  for (int pass = 0; pass < 2; pass++)
    for (guint i = 0; i < data->n_traces; i++)
      if (data->traces[i].kept == (pass == 0))
        draw_trace (cr, data, a, &data->traces[i], points, occ);

  if (data->show_rubber_band)
    {
      double x0 = nrt_plot_to_px (data, a, MIN (data->band_x0, data->band_x1));
      double x1 = nrt_plot_to_px (data, a, MAX (data->band_x0, data->band_x1));
      double y0 = nrt_plot_to_py (data, a, MAX (data->band_y0, data->band_y1));
      double y1 = nrt_plot_to_py (data, a, MIN (data->band_y0, data->band_y1));
      cairo_rectangle (cr, round (x0) + 0.5, round (y0) + 0.5, round (x1 - x0), round (y1 - y0));
      set_color (cr, &data->accent, 0.15);
      cairo_fill_preserve (cr);
      set_color (cr, &data->accent, 0.9);
      cairo_set_line_width (cr, 1);
      cairo_stroke (cr);
    }
  cairo_restore (cr);

  if (data->placeholder != NULL && data->n_traces == 0)
    {
      set_color (cr, &data->fg, 0.55);
      draw_text (cr, &lay, data->placeholder, a->x + a->width / 2, a->y + a->height / 2, 0.5, 0.5);
    }

  draw_legend (cr, &lay, data, occ);
  if (data->show_crosshair)
    draw_crosshair (cr, &lay, data);

  layout_clear (&lay);
  cairo_restore (cr);
}

/* cairo stamps a PDF with the time it was made, so two exports of one figure differ; the
 * reproducible-builds convention SOURCE_DATE_EPOCH (seconds since 1970, UTC), when set,
 * fixes that date (neurite-cli plot's scripted figures, tests). */
static void
set_reproducible_date (cairo_surface_t *surface)
{
  const char *epoch = g_getenv ("SOURCE_DATE_EPOCH");
  g_autoptr(GDateTime) when = NULL;
  g_autofree char *iso = NULL;
  char *end = NULL;
  gint64 secs;

  if (epoch == NULL)
    return;
  secs = g_ascii_strtoll (epoch, &end, 10);
  if (end == epoch || *end != '\0')
    return;
  when = g_date_time_new_from_unix_utc (secs);
  if (when == NULL)
    return;
  iso = g_date_time_format (when, "%Y-%m-%dT%H:%M:%SZ");
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATE_DATE, iso);
}

/* Writes through a temporary file renamed over path, so a failed export leaves what was
 * there before. */
gboolean
nrt_plot_write_image (const NrtPlotData *data,
                      NrtPlotFormat      format,
                      int                width,
                      int                height,
                      const char        *path,
                      GError           **error)
{
  g_autofree char *tmp = NULL;
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;
  int fd;

  g_return_val_if_fail (data != NULL && path != NULL, FALSE);

  tmp = g_strdup_printf ("%s.XXXXXX", path);
  fd = g_mkstemp (tmp);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot write “%s”: %s"), path, g_strerror (saved));
      return FALSE;
    }
  close (fd);

  switch (format)
    {
    case NRT_PLOT_FORMAT_SVG:
      surface = cairo_svg_surface_create (tmp, width, height);
      break;
    case NRT_PLOT_FORMAT_PDF:
      surface = cairo_pdf_surface_create (tmp, width, height);
      set_reproducible_date (surface);
      break;
    case NRT_PLOT_FORMAT_PNG:
    default:
      /* Twice the pixels, for sharp lines on slides and HiDPI screens. */
      surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width * 2, height * 2);
      cairo_surface_set_device_scale (surface, 2, 2);
      break;
    }

  cr = cairo_create (surface);
  nrt_plot_render (cr, width, height, data);
  status = cairo_status (cr);
  cairo_destroy (cr);
  if (status == CAIRO_STATUS_SUCCESS && format == NRT_PLOT_FORMAT_PNG)
    status = cairo_surface_write_to_png (surface, tmp);
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_unlink (tmp);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Cannot write “%s”: %s"), path, cairo_status_to_string (status));
      return FALSE;
    }
  if (g_rename (tmp, path) != 0)
    {
      int saved = errno;
      g_unlink (tmp);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot write “%s”: %s"), path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}
