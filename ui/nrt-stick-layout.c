/* nrt-stick-layout.c: lay a cell out as sticks and draw it with cairo (no widgets here).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <pango/pangocairo.h>

#include "nrt-stick-layout.h"

/* The widest fan of siblings that leave one attachment point, and the angle between two of
 * them, in radians. */
#define FAN_MAX_SPREAD (2.0 * G_PI / 3.0)
#define FAN_STEP       (G_PI / 3.0)

static void
nrt_stick_free (gpointer data)
{
  NrtStick *stick = data;

  g_free (stick->name);
  g_array_unref (stick->points);
  g_free (stick);
}

static void
clear_marker (gpointer data)
{
  NrtStickMarker *marker = data;

  g_free (marker->name);
}

void
nrt_stick_layout_free (NrtStickLayout *layout)
{
  if (layout == NULL)
    return;
  g_ptr_array_unref (layout->sticks);
  g_array_unref (layout->markers);
  g_free (layout);
}

double
nrt_stick_line_width (double diam)
{
  if (!(diam > 0))
    diam = 1;
  return CLAMP (1.5 + 1.8 * log1p (diam), 2.0, 16.0);
}

/* The point at fraction x (0..1) of the path length along a polyline, and the direction
 * (unit vector) of the piece it lies on. */
static void
polyline_point_at (GArray *points,
                   double  x,
                   double *px,
                   double *py,
                   double *dx,
                   double *dy)
{
  double total = 0, target, acc = 0;
  guint i;

  g_assert (points->len >= 2);

  for (i = 1; i < points->len; i++)
    {
      const NrtStickPoint *a = &g_array_index (points, NrtStickPoint, i - 1);
      const NrtStickPoint *b = &g_array_index (points, NrtStickPoint, i);
      total += hypot (b->x - a->x, b->y - a->y);
    }

  target = CLAMP (x, 0.0, 1.0) * total;

  for (i = 1; i < points->len; i++)
    {
      const NrtStickPoint *a = &g_array_index (points, NrtStickPoint, i - 1);
      const NrtStickPoint *b = &g_array_index (points, NrtStickPoint, i);
      double len = hypot (b->x - a->x, b->y - a->y);

      if (acc + len >= target || i == points->len - 1)
        {
          double f = len > 0 ? (target - acc) / len : 0;

          f = CLAMP (f, 0.0, 1.0);
          *px = a->x + f * (b->x - a->x);
          *py = a->y + f * (b->y - a->y);
          if (len > 0)
            {
              *dx = (b->x - a->x) / len;
              *dy = (b->y - a->y) / len;
            }
          else
            {
              *dx = 1;
              *dy = 0;
            }
          return;
        }
      acc += len;
    }
}

static GArray *
straight_points (double x0, double y0, double angle, double L, double diam)
{
  GArray *points = g_array_sized_new (FALSE, FALSE, sizeof (NrtStickPoint), 2);
  NrtStickPoint a = { x0, y0, diam };
  NrtStickPoint b = { x0 + L * cos (angle), y0 + L * sin (angle), diam };

  g_array_append_val (points, a);
  g_array_append_val (points, b);
  return points;
}

static GArray *
pt3d_points (const NrtSection *sec)
{
  GArray *points = g_array_sized_new (FALSE, FALSE, sizeof (NrtStickPoint), sec->pt3d->len);

  for (guint i = 0; i < sec->pt3d->len; i++)
    {
      const NrtPt3d *p = &g_array_index (sec->pt3d, NrtPt3d, i);
      NrtStickPoint q = { p->x, p->y, p->d };
      g_array_append_val (points, q);
    }
  return points;
}

static gboolean
has_pt3d (const NrtSection *sec)
{
  return sec->pt3d != NULL && sec->pt3d->len >= 2;
}

/* Which way a child leaves its parent: 0 forward (attached at the 1 end), 1 backward (at the
 * 0 end), 2 sideways (somewhere in between). */
static int
attachment_side (double parent_x)
{
  if (parent_x >= 1.0 - 1e-9)
    return 0;
  if (parent_x <= 1e-9)
    return 1;
  return 2;
}

/* Lays out the children of section p, whose sticks exist already.  Siblings that leave the
 * same side of p are fanned out symmetrically about p's direction, as NEURON's define_shape()
 * spreads branches. */
static void
layout_children (const NrtModelData *data,
                 GPtrArray          *children,  /* of GArray* of int, per section */
                 NrtStick          **sticks,
                 int                 p,
                 GQueue             *queue)
{
  GArray *kids = g_ptr_array_index (children, p);
  guint n_side[3] = { 0, 0, 0 };
  guint i_side[3] = { 0, 0, 0 };

  for (guint k = 0; k < kids->len; k++)
    {
      const NrtSection *c = g_ptr_array_index (data->sections, g_array_index (kids, int, k));
      n_side[attachment_side (c->parent_x)]++;
    }

  for (guint k = 0; k < kids->len; k++)
    {
      int ci = g_array_index (kids, int, k);
      const NrtSection *c = g_ptr_array_index (data->sections, ci);
      int side = attachment_side (c->parent_x);
      guint n = n_side[side];
      guint i = i_side[side]++;
      double px, py, dx, dy, base, angle;
      NrtStick *stick;

      if (sticks[ci] != NULL)
        continue;

      polyline_point_at (sticks[p]->points, c->parent_x, &px, &py, &dx, &dy);
      base = atan2 (dy, dx);

      if (side == 1)
        base += G_PI;

      if (side == 2)
        {
          /* Mid-section branches alternate above and below the parent. */
          angle = base + ((i % 2 == 0) ? G_PI / 2 : -G_PI / 2);
        }
      else if (n > 1)
        {
          double spread = MIN (FAN_MAX_SPREAD, (n - 1) * FAN_STEP);
          angle = base + spread / 2 - spread * i / (n - 1);
        }
      else
        angle = base;

      stick = g_new0 (NrtStick, 1);
      stick->section = ci;
      stick->name = g_strdup (c->name);
      stick->points = has_pt3d (c) ? pt3d_points (c) : straight_points (px, py, angle, c->L, c->diam);
      sticks[ci] = stick;
      g_queue_push_tail (queue, GINT_TO_POINTER (ci));
    }
}

NrtStickLayout *
nrt_stick_layout_new (const NrtModelData *data)
{
  NrtStickLayout *layout = g_new0 (NrtStickLayout, 1);
  g_autoptr(GPtrArray) children = NULL;
  g_autofree NrtStick **sticks = NULL;
  GQueue queue = G_QUEUE_INIT;
  guint n;
  double root_y = 0;
  gboolean first = TRUE;

  layout->sticks = g_ptr_array_new_with_free_func (nrt_stick_free);
  layout->markers = g_array_new (FALSE, TRUE, sizeof (NrtStickMarker));
  g_array_set_clear_func (layout->markers, clear_marker);

  g_return_val_if_fail (data != NULL, layout);

  n = data->sections != NULL ? data->sections->len : 0;
  if (n == 0)
    return layout;

  children = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (children, g_array_new (FALSE, FALSE, sizeof (int)));

  for (guint i = 0; i < n; i++)
    {
      const NrtSection *sec = g_ptr_array_index (data->sections, i);
      if (sec->parent >= 0 && (guint) sec->parent < n)
        g_array_append_val ((GArray *) g_ptr_array_index (children, sec->parent), i);
    }

  sticks = g_new0 (NrtStick *, n);

  /* Roots first, one below the other; then breadth first, so parents precede children. */
  for (guint i = 0; i < n; i++)
    {
      const NrtSection *sec = g_ptr_array_index (data->sections, i);
      NrtStick *stick;

      if (sec->parent >= 0 && (guint) sec->parent < n)
        continue;

      stick = g_new0 (NrtStick, 1);
      stick->section = i;
      stick->name = g_strdup (sec->name);
      if (has_pt3d (sec))
        stick->points = pt3d_points (sec);
      else
        {
          /* Centred on the origin, as NEURON centres the root of define_shape(). */
          stick->points = straight_points (-sec->L / 2, root_y, 0, sec->L, sec->diam);
          root_y -= MAX (sec->L, 50.0);
        }
      sticks[i] = stick;
      g_queue_push_tail (&queue, GINT_TO_POINTER (i));
    }

  while (!g_queue_is_empty (&queue))
    {
      int p = GPOINTER_TO_INT (g_queue_pop_head (&queue));

      g_ptr_array_add (layout->sticks, sticks[p]);
      layout_children (data, children, sticks, p, &queue);
    }

  /* Point processes, named as NEURON names them: the index counts within each type. */
  if (data->point_processes != NULL)
    {
      guint count[NRT_N_PP] = { 0 };

      for (guint i = 0; i < data->point_processes->len; i++)
        {
          const NrtPointProcess *pp = g_ptr_array_index (data->point_processes, i);
          NrtStickMarker marker;
          double dx, dy;

          if (pp->type >= NRT_N_PP)
            continue;
          marker.name = g_strdup_printf ("%s[%u]", nrt_point_process_info (pp->type)->name,
                                         count[pp->type]++);
          if (pp->section < 0 || (guint) pp->section >= n || sticks[pp->section] == NULL)
            {
              g_free (marker.name);
              continue;
            }
          polyline_point_at (sticks[pp->section]->points, pp->x, &marker.x, &marker.y, &dx, &dy);
          g_array_append_val (layout->markers, marker);
        }
    }

  /* Sections unreachable from a root (a cycle the model should have refused) are left out. */
  for (guint i = 0; i < layout->sticks->len; i++)
    {
      NrtStick *stick = g_ptr_array_index (layout->sticks, i);

      for (guint k = 0; k < stick->points->len; k++)
        {
          const NrtStickPoint *pt = &g_array_index (stick->points, NrtStickPoint, k);

          if (first)
            {
              layout->xmin = layout->xmax = pt->x;
              layout->ymin = layout->ymax = pt->y;
              first = FALSE;
            }
          layout->xmin = MIN (layout->xmin, pt->x);
          layout->xmax = MAX (layout->xmax, pt->x);
          layout->ymin = MIN (layout->ymin, pt->y);
          layout->ymax = MAX (layout->ymax, pt->y);
        }
    }

  return layout;
}

double
nrt_nice_length (double x)
{
  double p = pow (10, floor (log10 (x)));

  if (5 * p <= x)
    return 5 * p;
  if (2 * p <= x)
    return 2 * p;
  return p;
}

static void
draw_label (cairo_t              *cr,
            PangoLayout          *pl,
            const char           *text,
            double                x,
            double                y,
            gboolean              centered)
{
  int w, h;

  pango_layout_set_text (pl, text, -1);
  pango_layout_get_pixel_size (pl, &w, &h);
  cairo_move_to (cr, centered ? x - w / 2.0 : x, y - h / 2.0);
  pango_cairo_show_layout (cr, pl);
}

void
nrt_stick_render (cairo_t              *cr,
                  int                   width,
                  int                   height,
                  const NrtStickLayout *layout,
                  const NrtStickStyle  *style)
{
  const double margin = 48;
  double bw, bh, scale, ox, oy;
  g_autoptr(PangoLayout) pl = NULL;
  gboolean labels;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (layout != NULL);
  g_return_if_fail (style != NULL);

  if (layout->sticks->len == 0 || width <= 2 * margin || height <= 2 * margin)
    return;

  bw = layout->xmax - layout->xmin;
  bh = layout->ymax - layout->ymin;
  if (bw <= 0 && bh <= 0)
    return;

  /* Fit uniformly; a flat figure (bh ≈ 0) is limited by its width only. */
  scale = bw > 0 ? (width - 2 * margin) / bw : G_MAXDOUBLE;
  if (bh > 0)
    scale = MIN (scale, (height - 2 * margin) / bh);

  ox = width / 2.0 - scale * (layout->xmin + layout->xmax) / 2;
  oy = height / 2.0 + scale * (layout->ymin + layout->ymax) / 2;

#define DEV_X(px) (ox + scale * (px))
#define DEV_Y(py) (oy - scale * (py))

  cairo_save (cr);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_source_rgba (cr, style->stroke[0], style->stroke[1], style->stroke[2], style->stroke[3]);

  for (guint i = 0; i < layout->sticks->len; i++)
    {
      const NrtStick *stick = g_ptr_array_index (layout->sticks, i);

      for (guint k = 1; k < stick->points->len; k++)
        {
          const NrtStickPoint *a = &g_array_index (stick->points, NrtStickPoint, k - 1);
          const NrtStickPoint *b = &g_array_index (stick->points, NrtStickPoint, k);

          cairo_set_line_width (cr, nrt_stick_line_width ((a->d + b->d) / 2));
          cairo_move_to (cr, DEV_X (a->x), DEV_Y (a->y));
          cairo_line_to (cr, DEV_X (b->x), DEV_Y (b->y));
          cairo_stroke (cr);
        }
    }

  /* A section shorter on screen than it is wide (a soma, usually) would vanish into its
   * neighbours' joints: show it as a disc, as a soma looks under the microscope. */
  for (guint i = 0; i < layout->sticks->len; i++)
    {
      const NrtStick *stick = g_ptr_array_index (layout->sticks, i);
      const NrtStickPoint *a = &g_array_index (stick->points, NrtStickPoint, 0);
      const NrtStickPoint *b = &g_array_index (stick->points, NrtStickPoint, stick->points->len - 1);
      double lw = nrt_stick_line_width ((a->d + b->d) / 2);
      double px, py, dx, dy;

      if (hypot (b->x - a->x, b->y - a->y) * scale >= 2 * lw)
        continue;
      polyline_point_at (stick->points, 0.5, &px, &py, &dx, &dy);
      cairo_new_sub_path (cr);
      cairo_arc (cr, DEV_X (px), DEV_Y (py), MAX (lw * 0.8, 5.0), 0, 2 * G_PI);
      cairo_fill (cr);
    }

  pl = pango_cairo_create_layout (cr);
  if (style->font != NULL)
    {
      PangoFontDescription *desc = pango_font_description_from_string (style->font);
      pango_layout_set_font_description (pl, desc);
      pango_font_description_free (desc);
    }

  cairo_set_source_rgba (cr, style->label[0], style->label[1], style->label[2], style->label[3]);

  /* Names beside each stick's middle, on the upper side, pushed out by the text's own extent
   * along the normal so that they clear the line; too many names would only make noise. */
  labels = style->show_labels && layout->sticks->len <= 60;
  for (guint i = 0; labels && i < layout->sticks->len; i++)
    {
      const NrtStick *stick = g_ptr_array_index (layout->sticks, i);
      double px, py, dx, dy, nx, ny, off;
      const NrtStickPoint *mid;
      int w, h;

      polyline_point_at (stick->points, 0.5, &px, &py, &dx, &dy);
      mid = &g_array_index (stick->points, NrtStickPoint, stick->points->len / 2);
      /* The normal that points up the screen (or left, for vertical sticks). */
      nx = -dy;
      ny = dx;
      if (ny < 0 || (fabs (ny) < 1e-6 && nx > 0))
        {
          nx = -nx;
          ny = -ny;
        }
      pango_layout_set_text (pl, stick->name, -1);
      pango_layout_get_pixel_size (pl, &w, &h);
      off = nrt_stick_line_width (mid->d) / 2 + 3 + fabs (nx) * w / 2.0 + fabs (ny) * h / 2.0;
      draw_label (cr, pl, stick->name, DEV_X (px) + nx * off, DEV_Y (py) - ny * off, TRUE);
    }

  /* Point processes: a ring on the cell and the name below it, in the marker colour. */
  for (guint i = 0; i < layout->markers->len; i++)
    {
      const NrtStickMarker *m = &g_array_index (layout->markers, NrtStickMarker, i);
      int w, h;

      cairo_set_source_rgba (cr, style->marker[0], style->marker[1], style->marker[2], style->marker[3]);
      cairo_set_line_width (cr, 2.5);
      cairo_new_sub_path (cr);
      cairo_arc (cr, DEV_X (m->x), DEV_Y (m->y), 8, 0, 2 * G_PI);
      cairo_stroke (cr);
      cairo_set_source_rgba (cr, style->label[0], style->label[1], style->label[2], style->label[3]);
      if (labels)
        {
          pango_layout_set_text (pl, m->name, -1);
          pango_layout_get_pixel_size (pl, &w, &h);
          draw_label (cr, pl, m->name, DEV_X (m->x), DEV_Y (m->y) + 13 + h / 2.0, TRUE);
        }
    }
  cairo_set_source_rgba (cr, style->label[0], style->label[1], style->label[2], style->label[3]);

  /* A scale bar, bottom left, about a sixth of the width long. */
  {
    double len_um = nrt_nice_length ((width - 2 * margin) / 6.0 / scale);
    double len_px = len_um * scale;
    double x0 = 16, y0 = height - 16;
    g_autofree char *text = NULL;

    if (len_um >= 1000)
      text = g_strdup_printf ("%g mm", len_um / 1000);
    else
      text = g_strdup_printf ("%g µm", len_um);

    cairo_set_line_width (cr, 2);
    cairo_set_line_cap (cr, CAIRO_LINE_CAP_BUTT);
    cairo_move_to (cr, x0, y0);
    cairo_line_to (cr, x0 + len_px, y0);
    cairo_stroke (cr);
    draw_label (cr, pl, text, x0 + len_px + 8, y0, FALSE);
  }

#undef DEV_X
#undef DEV_Y

  cairo_restore (cr);
}
