/* nrt-shape-view.c: the cell in 3-D: geometry, a pure cairo renderer, picking, and the widget.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "nrt-ui-config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>
#include <pango/pangocairo.h>

#include "nrt-shape-view.h"
#include "nrt-stick-layout.h"

/* ---- geometry -------------------------------------------------------------------------- */

typedef struct {
  double p[3];
  double d;   /* µm */
  double f;   /* arc-length fraction, 0..1 */
} GeoPoint;

typedef struct {
  char   *name;
  int     nseg;
  GArray *pts;   /* of GeoPoint; empty when the section could not be laid out */
} GeoSection;

struct _NrtShapeGeometry {
  GPtrArray *secs;        /* of GeoSection*, by model section index */
  guint     *seg_offset;  /* n_secs + 1 */
  double     bbmin[3], bbmax[3];
  gboolean   empty;
};

static void
geo_section_free (gpointer data)
{
  GeoSection *s = data;

  g_free (s->name);
  g_array_unref (s->pts);
  g_free (s);
}

void
nrt_shape_geometry_free (NrtShapeGeometry *geom)
{
  if (geom == NULL)
    return;
  g_ptr_array_unref (geom->secs);
  g_free (geom->seg_offset);
  g_free (geom);
}

static void
geo_point_at (const GeoSection *s, double x, double p[3], double *d)
{
  GArray *pts = s->pts;

  x = CLAMP (x, 0.0, 1.0);
  for (guint i = 1; i < pts->len; i++)
    {
      const GeoPoint *a = &g_array_index (pts, GeoPoint, i - 1);
      const GeoPoint *b = &g_array_index (pts, GeoPoint, i);

      if (x <= b->f || i == pts->len - 1)
        {
          double t = b->f > a->f ? (x - a->f) / (b->f - a->f) : 0;

          t = CLAMP (t, 0.0, 1.0);
          for (int k = 0; k < 3; k++)
            p[k] = a->p[k] + t * (b->p[k] - a->p[k]);
          if (d != NULL)
            *d = a->d + t * (b->d - a->d);
          return;
        }
    }
  if (pts->len > 0)
    {
      const GeoPoint *a = &g_array_index (pts, GeoPoint, 0);
      memcpy (p, a->p, sizeof a->p);
      if (d != NULL)
        *d = a->d;
    }
}

static void
compute_fractions (GArray *pts)
{
  double total = 0, acc = 0;

  for (guint i = 1; i < pts->len; i++)
    {
      GeoPoint *a = &g_array_index (pts, GeoPoint, i - 1);
      GeoPoint *b = &g_array_index (pts, GeoPoint, i);
      total += sqrt ((b->p[0] - a->p[0]) * (b->p[0] - a->p[0]) +
                     (b->p[1] - a->p[1]) * (b->p[1] - a->p[1]) +
                     (b->p[2] - a->p[2]) * (b->p[2] - a->p[2]));
    }
  for (guint i = 0; i < pts->len; i++)
    {
      GeoPoint *b = &g_array_index (pts, GeoPoint, i);
      if (i > 0)
        {
          GeoPoint *a = &g_array_index (pts, GeoPoint, i - 1);
          acc += sqrt ((b->p[0] - a->p[0]) * (b->p[0] - a->p[0]) +
                       (b->p[1] - a->p[1]) * (b->p[1] - a->p[1]) +
                       (b->p[2] - a->p[2]) * (b->p[2] - a->p[2]));
        }
      b->f = total > 0 ? acc / total : (pts->len > 1 ? (double) i / (pts->len - 1) : 0);
    }
}

NrtShapeGeometry *
nrt_shape_geometry_new (const NrtModelData *data)
{
  NrtShapeGeometry *geom = g_new0 (NrtShapeGeometry, 1);
  g_autoptr(NrtStickLayout) layout = NULL;
  guint n = (data != NULL && data->sections != NULL) ? data->sections->len : 0;
  gboolean first = TRUE;

  geom->secs = g_ptr_array_new_with_free_func (geo_section_free);
  geom->seg_offset = g_new0 (guint, n + 1);
  geom->empty = TRUE;

  for (guint i = 0; i < n; i++)
    {
      const NrtSection *sec = g_ptr_array_index (data->sections, i);
      GeoSection *s = g_new0 (GeoSection, 1);

      s->name = g_strdup (sec->name);
      s->nseg = MAX (sec->nseg, 1);
      s->pts = g_array_new (FALSE, TRUE, sizeof (GeoPoint));
      g_ptr_array_add (geom->secs, s);
      geom->seg_offset[i + 1] = geom->seg_offset[i] + s->nseg;
    }
  if (n == 0)
    return geom;

  /* The stick layout orders parents before children, so a section without 3-D points can
   * take its z from the point of its parent it attaches to. */
  layout = nrt_stick_layout_new (data);
  for (guint k = 0; k < layout->sticks->len; k++)
    {
      const NrtStick *stick = g_ptr_array_index (layout->sticks, k);
      const NrtSection *sec = g_ptr_array_index (data->sections, stick->section);
      GeoSection *s = g_ptr_array_index (geom->secs, stick->section);

      if (sec->pt3d != NULL && sec->pt3d->len >= 2)
        {
          for (guint i = 0; i < sec->pt3d->len; i++)
            {
              const NrtPt3d *q = &g_array_index (sec->pt3d, NrtPt3d, i);
              GeoPoint g = { { q->x, q->y, q->z }, q->d, 0 };
              g_array_append_val (s->pts, g);
            }
        }
      else
        {
          double z = 0;

          if (sec->parent >= 0 && (guint) sec->parent < n)
            {
              GeoSection *ps = g_ptr_array_index (geom->secs, sec->parent);
              double pp[3];

              if (ps->pts->len >= 2)
                {
                  geo_point_at (ps, sec->parent_x, pp, NULL);
                  z = pp[2];
                }
            }
          for (guint i = 0; i < stick->points->len; i++)
            {
              const NrtStickPoint *q = &g_array_index (stick->points, NrtStickPoint, i);
              GeoPoint g = { { q->x, q->y, z }, q->d, 0 };
              g_array_append_val (s->pts, g);
            }
        }
      compute_fractions (s->pts);

      for (guint i = 0; i < s->pts->len; i++)
        {
          const GeoPoint *g = &g_array_index (s->pts, GeoPoint, i);
          for (int a = 0; a < 3; a++)
            {
              if (first)
                geom->bbmin[a] = geom->bbmax[a] = g->p[a];
              geom->bbmin[a] = MIN (geom->bbmin[a], g->p[a]);
              geom->bbmax[a] = MAX (geom->bbmax[a], g->p[a]);
            }
          first = FALSE;
        }
    }
  geom->empty = first;
  return geom;
}

guint
nrt_shape_geometry_get_n_sections (const NrtShapeGeometry *geom)
{
  return geom->secs->len;
}

const char *
nrt_shape_geometry_get_section_name (const NrtShapeGeometry *geom, guint isec)
{
  g_return_val_if_fail (isec < geom->secs->len, NULL);
  return ((GeoSection *) g_ptr_array_index (geom->secs, isec))->name;
}

int
nrt_shape_geometry_get_nseg (const NrtShapeGeometry *geom, guint isec)
{
  g_return_val_if_fail (isec < geom->secs->len, 0);
  return ((GeoSection *) g_ptr_array_index (geom->secs, isec))->nseg;
}

int
nrt_shape_geometry_find_section (const NrtShapeGeometry *geom, const char *name)
{
  if (name == NULL)
    return -1;
  for (guint i = 0; i < geom->secs->len; i++)
    if (g_strcmp0 (((GeoSection *) g_ptr_array_index (geom->secs, i))->name, name) == 0)
      return i;
  return -1;
}

gboolean
nrt_shape_geometry_point_at (const NrtShapeGeometry *geom, guint isec, double x, double p[3])
{
  GeoSection *s;

  if (isec >= geom->secs->len)
    return FALSE;
  s = g_ptr_array_index (geom->secs, isec);
  if (s->pts->len < 2)
    return FALSE;
  geo_point_at (s, x, p, NULL);
  return TRUE;
}

guint
nrt_shape_geometry_get_n_segments (const NrtShapeGeometry *geom)
{
  return geom->seg_offset[geom->secs->len];
}

guint
nrt_shape_geometry_segment_offset (const NrtShapeGeometry *geom, guint isec)
{
  g_return_val_if_fail (isec <= geom->secs->len, 0);
  return geom->seg_offset[isec];
}

double
nrt_shape_snap_x (int nseg, double x)
{
  int i;

  if (nseg < 1)
    nseg = 1;
  if (!(x > 0))
    return 0;
  if (x >= 1)
    return 1;
  i = (int) (x * nseg);
  if (i >= nseg)
    i = nseg - 1;
  return (i + 0.5) / nseg;
}

/* ---- camera ---------------------------------------------------------------------------- */

static void
mat_identity (double m[9])
{
  memset (m, 0, 9 * sizeof (double));
  m[0] = m[4] = m[8] = 1;
}

static void
mat_mul (const double a[9], const double b[9], double out[9])
{
  double r[9];

  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++)
      r[3 * i + j] = a[3 * i] * b[j] + a[3 * i + 1] * b[3 + j] + a[3 * i + 2] * b[6 + j];
  memcpy (out, r, sizeof r);
}

void
nrt_shape_camera_init (NrtShapeCamera *cam)
{
  memset (cam, 0, sizeof *cam);
  mat_identity (cam->rot);
  cam->scale = 1;
}

void
nrt_shape_camera_project (const NrtShapeCamera *cam, int width, int height, const double p[3],
                          double *wx, double *wy)
{
  double q[3] = { p[0] - cam->centre[0], p[1] - cam->centre[1], p[2] - cam->centre[2] };
  double sx = cam->rot[0] * q[0] + cam->rot[1] * q[1] + cam->rot[2] * q[2];
  double sy = cam->rot[3] * q[0] + cam->rot[4] * q[1] + cam->rot[5] * q[2];

  *wx = width / 2.0 + cam->pan_x + cam->scale * sx;
  *wy = height / 2.0 + cam->pan_y - cam->scale * sy;
}

void
nrt_shape_camera_rotate (NrtShapeCamera *cam, int axis, double angle)
{
  double r[9], c = cos (angle), s = sin (angle);

  mat_identity (r);
  switch (axis)
    {
    case 0:
      r[4] = c; r[5] = -s; r[7] = s; r[8] = c;
      break;
    case 1:
      r[0] = c; r[2] = s; r[6] = -s; r[8] = c;
      break;
    default:
      r[0] = c; r[1] = -s; r[3] = s; r[4] = c;
      break;
    }
  mat_mul (r, cam->rot, cam->rot);
}

void
nrt_shape_camera_axis_view (NrtShapeCamera *cam, char axis)
{
  static const double vz[9] = { 1, 0, 0, 0, 1, 0, 0, 0, 1 };
  static const double vx[9] = { 0, 0, -1, 0, 1, 0, 1, 0, 0 };
  static const double vy[9] = { 1, 0, 0, 0, 0, 1, 0, -1, 0 };

  switch (g_ascii_tolower (axis))
    {
    case 'x':
      memcpy (cam->rot, vx, sizeof vx);
      break;
    case 'y':
      memcpy (cam->rot, vy, sizeof vy);
      break;
    default:
      memcpy (cam->rot, vz, sizeof vz);
      break;
    }
}

/* Screen-plane extent of the geometry under the camera's rotation. */
static gboolean
screen_extent (const NrtShapeGeometry *geom, const double rot[9], double ext[4])
{
  gboolean first = TRUE;

  for (guint i = 0; i < geom->secs->len; i++)
    {
      GeoSection *s = g_ptr_array_index (geom->secs, i);
      for (guint k = 0; k < s->pts->len; k++)
        {
          const GeoPoint *g = &g_array_index (s->pts, GeoPoint, k);
          double sx = rot[0] * g->p[0] + rot[1] * g->p[1] + rot[2] * g->p[2];
          double sy = rot[3] * g->p[0] + rot[4] * g->p[1] + rot[5] * g->p[2];
          double r = g->d / 2;

          if (first)
            {
              ext[0] = sx - r; ext[1] = sx + r; ext[2] = sy - r; ext[3] = sy + r;
              first = FALSE;
            }
          ext[0] = MIN (ext[0], sx - r);
          ext[1] = MAX (ext[1], sx + r);
          ext[2] = MIN (ext[2], sy - r);
          ext[3] = MAX (ext[3], sy + r);
        }
    }
  return !first;
}

void
nrt_shape_camera_fit (NrtShapeCamera *cam, const NrtShapeGeometry *geom, int width, int height)
{
  double ext[4], w, h, cx, cy, margin = 36;
  double inv[9];

  if (!screen_extent (geom, cam->rot, ext) || width <= 0 || height <= 0)
    return;
  w = MAX (ext[1] - ext[0], 1e-3);
  h = MAX (ext[3] - ext[2], 1e-3);
  cam->scale = MIN ((width - 2 * margin - 60) / w, (height - 2 * margin) / h);
  if (!(cam->scale > 0))
    cam->scale = 1;
  /* centre = R^T (cx, cy, 0): the model point seen at the middle of the screen extent. */
  cx = (ext[0] + ext[1]) / 2;
  cy = (ext[2] + ext[3]) / 2;
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++)
      inv[3 * i + j] = cam->rot[3 * j + i];
  for (int i = 0; i < 3; i++)
    cam->centre[i] = inv[3 * i] * cx + inv[3 * i + 1] * cy;
  /* Leave room on the right for the colour bar. */
  cam->pan_x = -30;
  cam->pan_y = 0;
}

/* ---- colour map ------------------------------------------------------------------------ */

void
nrt_shape_colormap (double t, gboolean dark, GdkRGBA *color)
{
  /* matplotlib's plasma, sampled at nine points. */
  static const float stops[9][3] = {
    { 0x0d, 0x08, 0x87 }, { 0x4c, 0x02, 0xa1 }, { 0x7e, 0x03, 0xa8 },
    { 0xa8, 0x22, 0x96 }, { 0xcb, 0x46, 0x79 }, { 0xe5, 0x6b, 0x5d },
    { 0xf8, 0x94, 0x41 }, { 0xfd, 0xc3, 0x28 }, { 0xf0, 0xf9, 0x21 },
  };
  double u;
  int i;

  if (!isfinite (t))
    {
      *color = (GdkRGBA) { 0.60f, 0.60f, 0.59f, 1.0f };  /* #9a9996 */
      return;
    }
  t = CLAMP (t, 0.0, 1.0);
  /* On dark backgrounds the darkest purples vanish: start brighter.  On light ones the last
   * yellow is too pale: stop a little short. */
  u = dark ? 0.16 + 0.84 * t : 0.94 * t;
  u *= 8;
  i = MIN ((int) u, 7);
  u -= i;
  color->red   = (float) ((stops[i][0] + u * (stops[i + 1][0] - stops[i][0])) / 255.0);
  color->green = (float) ((stops[i][1] + u * (stops[i + 1][1] - stops[i][1])) / 255.0);
  color->blue  = (float) ((stops[i][2] + u * (stops[i + 1][2] - stops[i][2])) / 255.0);
  color->alpha = 1;
}

/* ---- label placement ------------------------------------------------------------------- */

#define LABEL_MARGIN 2.0      /* clear space kept around a label, pixels */
#define MARKER_RADIUS 8.0     /* a marker's disc and ring, pixels */

/* The length of the line a–b inside the rectangle [x0, x1] × [y0, y1] (Liang–Barsky). */
static double
clipped_length (double ax, double ay, double bx, double by,
                double x0, double y0, double x1, double y1)
{
  double dx = bx - ax, dy = by - ay, t0 = 0, t1 = 1;
  double p[4] = { -dx, dx, -dy, dy };
  double q[4] = { ax - x0, x1 - ax, ay - y0, y1 - ay };

  for (int i = 0; i < 4; i++)
    {
      if (p[i] == 0)
        {
          if (q[i] < 0)
            return 0;
          continue;
        }
      double r = q[i] / p[i];
      if (p[i] < 0)
        t0 = MAX (t0, r);
      else
        t1 = MIN (t1, r);
      if (t0 > t1)
        return 0;
    }
  return (t1 - t0) * hypot (dx, dy);
}

static double
overlap_1d (double a0, double a1, double b0, double b1)
{
  return MAX (0.0, MIN (a1, b1) - MAX (a0, b0));
}

double
nrt_shape_label_cost (double x, double y, double w, double h,
                      const NrtShapeLabel *placed, guint n_placed,
                      const NrtShapeLabel *markers, guint n_markers,
                      const NrtShapeSegment *segments, guint n_segments,
                      int width, int height)
{
  double cost = 0, m = LABEL_MARGIN;

  /* Neurites.  A thin line: the length of it inside the label grown by the line's
   * half-width.  A thick piece (Show Diam, a soma): the area it shares with the label, from
   * samples every 2 px; the piece is a band with square ends, as drawn. */
  for (guint i = 0; i < n_segments; i++)
    {
      const NrtShapeSegment *s = &segments[i];
      double g = m + s->r;

      if (s->r <= 4)
        {
          cost += 4 * clipped_length (s->x0, s->y0, s->x1, s->y1, x - g, y - g, x + w + g, y + h + g);
          continue;
        }
      double dx = s->x1 - s->x0, dy = s->y1 - s->y0, len2 = dx * dx + dy * dy;
      double len = sqrt (len2);
      if (len < 1e-9 || clipped_length (s->x0, s->y0, s->x1, s->y1, x - g, y - g, x + w + g, y + h + g) <= 0)
        continue;
      for (double py = y - m + 1; py < y + h + m; py += 2)
        for (double px = x - m + 1; px < x + w + m; px += 2)
          {
            double t = ((px - s->x0) * dx + (py - s->y0) * dy) / len2;
            double d = fabs ((px - s->x0) * dy - (py - s->y0) * dx) / len;
            if (t >= 0 && t <= 1 && d <= s->r + 1)
              cost += 2.0;   /* half the sample's 4 px² */
          }
    }
  /* Other labels and markers: the area they share with this one. */
  for (guint i = 0; i < n_placed; i++)
    cost += overlap_1d (x - m, x + w + m, placed[i].x, placed[i].x + placed[i].w)
            * overlap_1d (y - m, y + h + m, placed[i].y, placed[i].y + placed[i].h);
  for (guint i = 0; i < n_markers; i++)
    cost += overlap_1d (x - m, x + w + m, markers[i].ax - MARKER_RADIUS, markers[i].ax + MARKER_RADIUS)
            * overlap_1d (y - m, y + h + m, markers[i].ay - MARKER_RADIUS, markers[i].ay + MARKER_RADIUS);
  /* Whatever falls outside the drawing area. */
  cost += w * h - overlap_1d (x, x + w, 0, width) * overlap_1d (y, y + h, 0, height);
  return cost;
}

/* labels[0, n_labels) are placed; labels[n_labels, n_markers) are markers without a label,
 * obstacles only. */
static void
place_labels_among (NrtShapeLabel *labels, guint n_labels, guint n_markers,
                    const NrtShapeSegment *segments, guint n_segments, int width, int height)
{
  /* Candidate offsets, as (dx, dy, xalign, yalign): the label's (xalign, yalign) corner goes
   * at the marker + (dx, dy).  Right and above first, as before; then the other sides; then
   * the same, further out; then well to either side. */
  static const double cand[][4] = {
    {  10,  -8, 0,   1   }, {  10,   8, 0,   0   }, { -10,  -8, 1,   1   }, { -10,   8, 1,   0   },
    {   0, -12, 0.5, 1   }, {   0,  12, 0.5, 0   }, {  13,   0, 0,   0.5 }, { -13,   0, 1,   0.5 },
    {  22, -20, 0,   1   }, {  22,  20, 0,   0   }, { -22, -20, 1,   1   }, { -22,  20, 1,   0   },
    {   0, -26, 0.5, 1   }, {   0,  26, 0.5, 0   },
    /* Clear of a thick section (Show Diam, a soma) drawn under the marker. */
    {  45,   0, 0,   0.5 }, { -45,   0, 1,   0.5 }, {  70,   0, 0,   0.5 }, { -70,   0, 1,   0.5 },
  };

  for (guint i = 0; i < n_labels; i++)
    {
      NrtShapeLabel *l = &labels[i];
      double best = INFINITY;

      for (guint c = 0; c < G_N_ELEMENTS (cand); c++)
        {
          double x = round (l->ax + cand[c][0] - cand[c][2] * l->w);
          double y = round (l->ay + cand[c][1] - cand[c][3] * l->h);
          /* A small charge per step down the list keeps ties on the earlier candidate. */
          double cost = nrt_shape_label_cost (x, y, l->w, l->h, labels, i, labels, n_markers,
                                              segments, n_segments, width, height) + 0.01 * c;
          if (cost < best)
            {
              best = cost;
              l->x = x;
              l->y = y;
            }
        }
    }
}

void
nrt_shape_place_labels (NrtShapeLabel *labels, guint n_labels,
                        const NrtShapeSegment *segments, guint n_segments,
                        int width, int height)
{
  place_labels_among (labels, n_labels, n_labels, segments, n_segments, width, height);
}

/* ---- renderer -------------------------------------------------------------------------- */

typedef struct {
  double x, y, r;   /* pixels; r = drawn half-width */
} ScreenPt;

static double
half_width (const NrtShapeCamera *cam, const NrtShapeStyle *style, double d)
{
  /* Coloured cells keep at least 2.5 px, so thin dendrites still show their colour. */
  if (style->show_diam)
    return MAX (cam->scale * d / 2, style->values != NULL ? 1.25 : 0.75);
  return style->values != NULL ? 1.5 : 1.0;
}

/* Collects the screen points of section s between fractions x0 and x1. */
static void
sub_polyline (const GeoSection *s, const NrtShapeCamera *cam, const NrtShapeStyle *style,
              int width, int height, double x0, double x1, GArray *out)
{
  double p[3], d;
  ScreenPt sp;

  g_array_set_size (out, 0);
  geo_point_at (s, x0, p, &d);
  nrt_shape_camera_project (cam, width, height, p, &sp.x, &sp.y);
  sp.r = half_width (cam, style, d);
  g_array_append_val (out, sp);
  for (guint i = 0; i < s->pts->len; i++)
    {
      const GeoPoint *g = &g_array_index (s->pts, GeoPoint, i);
      if (g->f > x0 && g->f < x1)
        {
          nrt_shape_camera_project (cam, width, height, g->p, &sp.x, &sp.y);
          sp.r = half_width (cam, style, g->d);
          g_array_append_val (out, sp);
        }
    }
  geo_point_at (s, x1, p, &d);
  nrt_shape_camera_project (cam, width, height, p, &sp.x, &sp.y);
  sp.r = half_width (cam, style, d);
  g_array_append_val (out, sp);
}

/* Appends the outline of a polyline to cr's path: trapezoids (Show Diam) with a disc at
 * every joint, or a stroke-ready line.  extra widens every half-width (halo, highlight). */
static void
path_polyline (cairo_t *cr, GArray *pts, gboolean filled, double extra)
{
  if (!filled)
    {
      for (guint i = 0; i < pts->len; i++)
        {
          const ScreenPt *a = &g_array_index (pts, ScreenPt, i);
          if (i == 0)
            cairo_move_to (cr, a->x, a->y);
          else
            cairo_line_to (cr, a->x, a->y);
        }
      return;
    }
  for (guint i = 1; i < pts->len; i++)
    {
      const ScreenPt *a = &g_array_index (pts, ScreenPt, i - 1);
      const ScreenPt *b = &g_array_index (pts, ScreenPt, i);
      double dx = b->x - a->x, dy = b->y - a->y, len = hypot (dx, dy);
      double nx, ny, ra = a->r + extra, rb = b->r + extra;

      if (len < 1e-9)
        continue;
      nx = -dy / len;
      ny = dx / len;
      cairo_move_to (cr, a->x + nx * ra, a->y + ny * ra);
      cairo_line_to (cr, b->x + nx * rb, b->y + ny * rb);
      cairo_line_to (cr, b->x - nx * rb, b->y - ny * rb);
      cairo_line_to (cr, a->x - nx * ra, a->y - ny * ra);
      cairo_close_path (cr);
    }
  /* Round joints where pieces meet at an angle. */
  for (guint i = 1; i + 1 < pts->len; i++)
    {
      const ScreenPt *a = &g_array_index (pts, ScreenPt, i);
      cairo_new_sub_path (cr);
      cairo_arc (cr, a->x, a->y, a->r + extra, 0, 2 * G_PI);
    }
}

static void
draw_piece (cairo_t *cr, GArray *pts, const NrtShapeStyle *style, double extra,
            const GdkRGBA *color)
{
  gdk_cairo_set_source_rgba (cr, color);
  if (style->show_diam)
    {
      path_polyline (cr, pts, TRUE, extra);
      cairo_fill (cr);
    }
  else
    {
      path_polyline (cr, pts, FALSE, 0);
      cairo_set_line_width (cr, 2 * (1.0 + extra));
      cairo_stroke (cr);
    }
}

static PangoLayout *
make_layout (cairo_t *cr, const NrtShapeStyle *style, const char *text)
{
  PangoLayout *pl = pango_cairo_create_layout (cr);
  PangoFontDescription *fd = pango_font_description_from_string (style->font ? style->font
                                                                              : "Sans 10");
  pango_layout_set_font_description (pl, fd);
  pango_font_description_free (fd);
  pango_layout_set_text (pl, text, -1);
  return pl;
}

static void
draw_text (cairo_t *cr, const NrtShapeStyle *style, const char *text, double x, double y,
           double xalign, double yalign, const GdkRGBA *color)
{
  g_autoptr(PangoLayout) pl = make_layout (cr, style, text);
  int w, h;

  pango_layout_get_pixel_size (pl, &w, &h);
  gdk_cairo_set_source_rgba (cr, color);
  cairo_move_to (cr, round (x - xalign * w), round (y - yalign * h));
  pango_cairo_show_layout (cr, pl);
}

static void
draw_color_bar (cairo_t *cr, int width, int height, const NrtShapeStyle *style)
{
  double bw = 14, bh = MIN (220.0, height * 0.55), x = width - 64, y0 = (height - bh) / 2;
  GdkRGBA c, fg = style->fg;
  char buf[64];
  int n = 64;

  if (bh < 40)
    return;
  for (int i = 0; i < n; i++)
    {
      nrt_shape_colormap ((i + 0.5) / n, style->dark, &c);
      gdk_cairo_set_source_rgba (cr, &c);
      cairo_rectangle (cr, x, y0 + bh - (i + 1) * bh / n, bw, bh / n + 0.5);
      cairo_fill (cr);
    }
  fg.alpha *= 0.5;
  gdk_cairo_set_source_rgba (cr, &fg);
  cairo_set_line_width (cr, 1);
  cairo_rectangle (cr, x + 0.5, y0 + 0.5, bw - 1, bh - 1);
  cairo_stroke (cr);
  fg = style->fg;
  fg.alpha *= 0.8;
  for (int k = 0; k <= 2; k++)
    {
      double v = style->lo + k * (style->hi - style->lo) / 2;
      g_snprintf (buf, sizeof buf, "%g", v);
      draw_text (cr, style, buf, x + bw + 4, y0 + bh - k * bh / 2, 0, 0.5, &fg);
    }
  if (style->color_bar_title != NULL)
    draw_text (cr, style, style->color_bar_title, x + bw / 2, y0 - 6, 0.5, 1, &fg);
  /* Grey: no such variable here. */
  nrt_shape_colormap (NAN, style->dark, &c);
  gdk_cairo_set_source_rgba (cr, &c);
  cairo_rectangle (cr, x, y0 + bh + 10, bw, 8);
  cairo_fill (cr);
  draw_text (cr, style, C_("shape plot colour bar", "none"), x + bw + 4, y0 + bh + 14, 0, 0.5,
             &fg);
}

static void
draw_scale_bar (cairo_t *cr, int height, const NrtShapeCamera *cam, const NrtShapeStyle *style)
{
  double len = nrt_nice_length (100 / cam->scale), px = len * cam->scale;
  GdkRGBA fg = style->fg;
  char buf[64];

  if (!(len > 0) || !isfinite (px))
    return;
  fg.alpha *= 0.7;
  gdk_cairo_set_source_rgba (cr, &fg);
  cairo_set_line_width (cr, 2);
  cairo_move_to (cr, 16, height - 16.0);
  cairo_line_to (cr, 16 + px, height - 16.0);
  cairo_stroke (cr);
  g_snprintf (buf, sizeof buf, "%g µm", len);
  draw_text (cr, style, buf, 16 + px / 2, height - 20.0, 0.5, 1, &fg);
}

static void
draw_highlights (cairo_t *cr, int width, int height, const NrtShapeGeometry *geom,
                 const NrtShapeCamera *cam, const NrtShapeStyle *style, GArray *pts,
                 double extra, double alpha)
{
  if (style->n_highlights == 0)
    return;
  /* Painted opaque into a group, then blended once, so overlaps do not darken. */
  if (alpha < 1)
    cairo_push_group (cr);
  for (guint h = 0; h < style->n_highlights; h++)
    {
      const NrtShapeHighlight *hl = &style->highlights[h];
      GdkRGBA color = hl->color;
      GeoSection *s;

      if (hl->section < 0 || (guint) hl->section >= geom->secs->len)
        continue;
      s = g_ptr_array_index (geom->secs, hl->section);
      if (s->pts->len < 2)
        continue;
      sub_polyline (s, cam, style, width, height, MIN (hl->x0, hl->x1), MAX (hl->x0, hl->x1),
                    pts);
      draw_piece (cr, pts, style, extra, &color);
    }
  if (alpha < 1)
    {
      cairo_pop_group_to_source (cr);
      cairo_paint_with_alpha (cr, alpha);
    }
}

void
nrt_shape_render (cairo_t *cr, int width, int height, const NrtShapeGeometry *geom,
                  const NrtShapeCamera *cam, const NrtShapeStyle *style)
{
  g_autoptr(GArray) pts = g_array_new (FALSE, FALSE, sizeof (ScreenPt));
  GdkRGBA halo = style->fg;

  cairo_save (cr);
  if (style->bg.alpha > 0)
    {
      gdk_cairo_set_source_rgba (cr, &style->bg);
      cairo_paint (cr);
    }
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);

  /* A thin halo under coloured cells, so pale colours keep their edge on a light ground. */
  if (style->values != NULL && !style->dark)
    {
      halo.alpha *= 0.45;
      for (guint i = 0; i < geom->secs->len; i++)
        {
          GeoSection *s = g_ptr_array_index (geom->secs, i);
          if (s->pts->len < 2)
            continue;
          sub_polyline (s, cam, style, width, height, 0, 1, pts);
          draw_piece (cr, pts, style, 0.8, &halo);
        }
    }

  /* Highlights under a coloured cell: a translucent band around it (the Space Plot path). */
  if (style->values != NULL)
    draw_highlights (cr, width, height, geom, cam, style, pts, 4.5, 0.55);

  for (guint i = 0; i < geom->secs->len; i++)
    {
      GeoSection *s = g_ptr_array_index (geom->secs, i);

      if (s->pts->len < 2)
        continue;
      if (style->values == NULL)
        {
          sub_polyline (s, cam, style, width, height, 0, 1, pts);
          draw_piece (cr, pts, style, 0, &style->fg);
          continue;
        }
      for (int k = 0; k < s->nseg; k++)
        {
          double v = style->values[geom->seg_offset[i] + k];
          double t = (v - style->lo) / (style->hi - style->lo);
          GdkRGBA c;

          nrt_shape_colormap (isfinite (v) ? t : NAN, style->dark, &c);
          sub_polyline (s, cam, style, width, height, (double) k / s->nseg,
                        (double) (k + 1) / s->nseg, pts);
          draw_piece (cr, pts, style, 0, &c);
        }
    }

  /* Highlights over an uncoloured cell: the section painted in the highlight's colour. */
  if (style->values == NULL)
    draw_highlights (cr, width, height, geom, cam, style, pts, 1.5, 1.0);

  /* Markers: a disc with a ring, and the label beside, where it covers the least of the
   * neurites, the markers and the other labels. */
  if (style->n_markers > 0)
    {
      g_autofree NrtShapeLabel *labels = g_new0 (NrtShapeLabel, style->n_markers);
      g_autofree gboolean *shown = g_new0 (gboolean, style->n_markers);
      g_autoptr(GArray) segs = g_array_new (FALSE, FALSE, sizeof (NrtShapeSegment));
      g_autofree NrtShapeLabel *to_place = g_new0 (NrtShapeLabel, style->n_markers);
      g_autofree guint *place_index = g_new0 (guint, style->n_markers);
      guint n_place = 0;

      for (guint m = 0; m < style->n_markers; m++)
        {
          const NrtShapeMarker *mk = &style->markers[m];
          int isec = nrt_shape_geometry_find_section (geom, mk->section);
          double p[3];

          if (isec < 0 || !nrt_shape_geometry_point_at (geom, isec, mk->x, p))
            continue;
          shown[m] = TRUE;
          nrt_shape_camera_project (cam, width, height, p, &labels[m].ax, &labels[m].ay);
        }
      /* Every marker is an obstacle, labelled or not: the ones drawn come first in to_place
       * with their labels' sizes, the others after with none. */
      for (guint m = 0; m < style->n_markers; m++)
        if (shown[m] && style->markers[m].label != NULL)
          {
            g_autoptr(PangoLayout) pl = make_layout (cr, style, style->markers[m].label);
            int w, h;

            pango_layout_get_pixel_size (pl, &w, &h);
            labels[m].w = w;
            labels[m].h = h;
            place_index[n_place] = m;
            to_place[n_place++] = labels[m];
          }
      if (n_place > 0)
        {
          guint n_obstacles = n_place;

          for (guint m = 0; m < style->n_markers; m++)
            if (shown[m] && style->markers[m].label == NULL)
              to_place[n_obstacles++] = labels[m];
          for (guint i = 0; i < geom->secs->len; i++)
            {
              GeoSection *s = g_ptr_array_index (geom->secs, i);

              if (s->pts->len < 2)
                continue;
              sub_polyline (s, cam, style, width, height, 0, 1, pts);
              for (guint k = 1; k < pts->len; k++)
                {
                  const ScreenPt *a = &g_array_index (pts, ScreenPt, k - 1);
                  const ScreenPt *b = &g_array_index (pts, ScreenPt, k);
                  NrtShapeSegment seg = { a->x, a->y, b->x, b->y, MAX (a->r, b->r) };
                  g_array_append_val (segs, seg);
                }
            }
          place_labels_among (to_place, n_place, n_obstacles,
                              (const NrtShapeSegment *) segs->data, segs->len, width, height);
          for (guint i = 0; i < n_place; i++)
            labels[place_index[i]] = to_place[i];
        }

      for (guint m = 0; m < style->n_markers; m++)
        {
          const NrtShapeMarker *mk = &style->markers[m];
          double wx = labels[m].ax, wy = labels[m].ay;
          GdkRGBA ring = style->bg.alpha > 0 ? style->bg : (GdkRGBA) { 1, 1, 1, 1 };

          if (!shown[m])
            continue;
          if (style->dark && style->bg.alpha == 0)
            ring = (GdkRGBA) { 0.14f, 0.14f, 0.14f, 1 };
          cairo_new_path (cr);
          cairo_arc (cr, wx, wy, mk->selected ? 7.5 : 6, 0, 2 * G_PI);
          gdk_cairo_set_source_rgba (cr, &ring);
          cairo_fill_preserve (cr);
          gdk_cairo_set_source_rgba (cr, mk->selected ? &style->accent : &style->marker);
          cairo_set_line_width (cr, 2.5);
          cairo_stroke (cr);
          cairo_arc (cr, wx, wy, 3, 0, 2 * G_PI);
          cairo_fill (cr);
        }
      for (guint m = 0; m < style->n_markers; m++)
        if (shown[m] && style->markers[m].label != NULL)
          draw_text (cr, style, style->markers[m].label, labels[m].x, labels[m].y, 0, 0,
                     style->markers[m].selected ? &style->accent : &style->marker);
    }

  if (style->hover_section >= 0 && (guint) style->hover_section < geom->secs->len)
    {
      double p[3], wx, wy;

      if (nrt_shape_geometry_point_at (geom, style->hover_section, style->hover_x, p))
        {
          nrt_shape_camera_project (cam, width, height, p, &wx, &wy);
          cairo_new_path (cr);
          cairo_arc (cr, wx, wy, 5, 0, 2 * G_PI);
          gdk_cairo_set_source_rgba (cr, &style->accent);
          cairo_set_line_width (cr, 2);
          cairo_stroke (cr);
          if (style->hover_label != NULL)
            draw_text (cr, style, style->hover_label, wx + 9, wy + 8, 0, 0, &style->accent);
        }
    }

  if (style->show_color_bar)
    draw_color_bar (cr, width, height, style);
  if (style->show_scale_bar && !geom->empty)
    draw_scale_bar (cr, height, cam, style);
  cairo_restore (cr);
}

/* ---- picking --------------------------------------------------------------------------- */

int
nrt_shape_pick (const NrtShapeGeometry *geom, const NrtShapeCamera *cam, int width, int height,
                double wx, double wy, double max_dist, double *x)
{
  double best = max_dist * max_dist, best_f = 0;
  int best_sec = -1;
  double end_px[2][2] = { { 0 } };

  for (guint i = 0; i < geom->secs->len; i++)
    {
      GeoSection *s = g_ptr_array_index (geom->secs, i);
      double ax, ay, bx, by;

      if (s->pts->len < 2)
        continue;
      nrt_shape_camera_project (cam, width, height,
                                g_array_index (s->pts, GeoPoint, 0).p, &ax, &ay);
      for (guint k = 1; k < s->pts->len; k++)
        {
          const GeoPoint *a = &g_array_index (s->pts, GeoPoint, k - 1);
          const GeoPoint *b = &g_array_index (s->pts, GeoPoint, k);
          double dx, dy, len2, t, px, py, d2;

          nrt_shape_camera_project (cam, width, height, b->p, &bx, &by);
          dx = bx - ax;
          dy = by - ay;
          len2 = dx * dx + dy * dy;
          t = len2 > 0 ? ((wx - ax) * dx + (wy - ay) * dy) / len2 : 0;
          t = CLAMP (t, 0.0, 1.0);
          px = ax + t * dx;
          py = ay + t * dy;
          d2 = (wx - px) * (wx - px) + (wy - py) * (wy - py);
          /* Later sections win ties, so a child drawn over its parent's end is picked. */
          if (d2 <= best)
            {
              best = d2;
              best_sec = i;
              best_f = a->f + t * (b->f - a->f);
            }
          ax = bx;
          ay = by;
        }
    }
  if (best_sec >= 0)
    {
      GeoSection *s = g_ptr_array_index (geom->secs, best_sec);

      nrt_shape_camera_project (cam, width, height,
                                g_array_index (s->pts, GeoPoint, 0).p,
                                &end_px[0][0], &end_px[0][1]);
      nrt_shape_camera_project (cam, width, height,
                                g_array_index (s->pts, GeoPoint, s->pts->len - 1).p,
                                &end_px[1][0], &end_px[1][1]);
      /* Within a few pixels of an end, the end itself (a 0 or 1 node). */
      if (best_f <= 0 || hypot (wx - end_px[0][0], wy - end_px[0][1]) < 4)
        *x = 0;
      else if (best_f >= 1 || hypot (wx - end_px[1][0], wy - end_px[1][1]) < 4)
        *x = 1;
      else
        *x = nrt_shape_snap_x (s->nseg, best_f);
    }
  return best_sec;
}

/* ---- the widget ------------------------------------------------------------------------ */

typedef enum {
  DRAG_NONE,
  DRAG_CLICK,
  DRAG_PAN,
  DRAG_ROTATE,
  DRAG_MARKER,
  DRAG_PATH,
} DragKind;

typedef struct {
  char    *label;
  char    *section;
  double   x;
  gboolean selected;
} MarkerCopy;

typedef struct {
  char   *section;
  double  x0, x1;
  GdkRGBA color;
} HighlightCopy;

struct _NrtShapeView
{
  GtkWidget         parent_instance;

  NrtModel         *model;
  gulong            model_changed_id;
  NrtShapeGeometry *geom;

  NrtSession       *session;
  gulong            network_changed_id;
  int              *seg_node;      /* node of every segment, -1 when none */
  guint             seg_node_len;
  guint             n_nodes;
  double           *frame;         /* n_nodes */
  double           *values;        /* n_segments */
  guint64           frame_serial;
  guint64           n_frames;
  guint             tick_id;
  gboolean          coloring;
  double            lo, hi;
  char             *scale_title;

  NrtShapeCamera    cam;
  gboolean          fitted;
  int               last_w, last_h;
  gboolean          show_diam;
  NrtShapePickMode  pick_mode;

  GArray           *markers;       /* of MarkerCopy */
  GArray           *highlights;    /* of HighlightCopy */

  int               hover_section;
  double            hover_x;
  double            pointer_x, pointer_y;

  DragKind          drag;
  double            drag_x0, drag_y0, drag_lastx, drag_lasty;
  int               drag_marker;
  int               drag_sec0;
  double            drag_xa;
};

G_DEFINE_FINAL_TYPE (NrtShapeView, nrt_shape_view, GTK_TYPE_WIDGET)

enum {
  SIGNAL_SECTION_PICKED,
  SIGNAL_HOVERED,
  SIGNAL_MARKER_MOVED,
  SIGNAL_PATH_SELECTED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static void
marker_copy_clear (gpointer data)
{
  MarkerCopy *m = data;

  g_free (m->label);
  g_free (m->section);
}

static void
highlight_copy_clear (gpointer data)
{
  HighlightCopy *h = data;

  g_free (h->section);
}

static void
update_node_map (NrtShapeView *self)
{
  const NrtNetwork *net;

  g_clear_pointer (&self->seg_node, g_free);
  g_clear_pointer (&self->frame, g_free);
  self->seg_node_len = 0;
  self->n_nodes = 0;
  self->frame_serial = 0;
  if (self->geom == NULL || self->session == NULL)
    return;
  net = nrt_session_get_network (self->session);
  if (net == NULL)
    return;
  self->n_nodes = nrt_network_get_n_nodes (net);
  self->frame = g_new0 (double, MAX (self->n_nodes, 1));
  self->seg_node_len = nrt_shape_geometry_get_n_segments (self->geom);
  self->seg_node = g_new (int, MAX (self->seg_node_len, 1));
  for (guint i = 0; i < nrt_shape_geometry_get_n_sections (self->geom); i++)
    {
      const char *name = nrt_shape_geometry_get_section_name (self->geom, i);
      int nseg = nrt_shape_geometry_get_nseg (self->geom, i);
      guint off = nrt_shape_geometry_segment_offset (self->geom, i);

      for (int k = 0; k < nseg; k++)
        self->seg_node[off + k] = nrt_network_get_node (net, name, (k + 0.5) / nseg);
    }
}

static void
rebuild_geometry (NrtShapeView *self)
{
  guint nseg;

  g_clear_pointer (&self->geom, nrt_shape_geometry_free);
  g_clear_pointer (&self->values, g_free);
  if (self->model != NULL)
    self->geom = nrt_shape_geometry_new (nrt_model_get_data (self->model));
  if (self->geom != NULL)
    {
      nseg = nrt_shape_geometry_get_n_segments (self->geom);
      self->values = g_new (double, MAX (nseg, 1));
      for (guint i = 0; i < nseg; i++)
        self->values[i] = NAN;
    }
  update_node_map (self);
}

static void
on_model_changed (NrtShapeView *self, const NrtChange *change)
{
  gboolean refit = change == NULL || change->kind == NRT_CHANGE_STRUCTURE
                   || change->kind == NRT_CHANGE_GEOMETRY;
  static const double identity[9] = { 1, 0, 0, 0, 1, 0, 0, 0, 1 };
  double before[4], after[4];
  gboolean had_extent;

  if (change != NULL && (change->kind == NRT_CHANGE_PARAMETER
                         || change->kind == NRT_CHANGE_SETTINGS
                         || change->kind == NRT_CHANGE_STIMULUS))
    return;
  had_extent = self->geom != NULL && screen_extent (self->geom, identity, before);
  rebuild_geometry (self);
  /* A structural change that leaves the cell where it was (a channel added to the library,
   * a renamed section, mechanisms inserted) keeps the user's camera. */
  if (refit && had_extent && self->geom != NULL && screen_extent (self->geom, identity, after)
      && memcmp (before, after, sizeof before) == 0)
    refit = FALSE;
  if (refit)
    self->fitted = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_network_changed (NrtShapeView *self)
{
  update_node_map (self);
  nrt_shape_view_update (self);
}

gboolean
nrt_shape_view_update (NrtShapeView *self)
{
  guint64 serial;
  double t;

  g_return_val_if_fail (NRT_IS_SHAPE_VIEW (self), FALSE);

  if (self->session == NULL || self->frame == NULL || self->values == NULL)
    return FALSE;
  if (self->seg_node == NULL)
    update_node_map (self);
  if (self->seg_node == NULL)
    return FALSE;
  serial = nrt_session_read_frame (self->session, self->frame, self->n_nodes, &t);
  if (serial == 0 || serial == self->frame_serial)
    return FALSE;
  self->frame_serial = serial;
  for (guint i = 0; i < self->seg_node_len; i++)
    {
      int node = self->seg_node[i];
      self->values[i] = node >= 0 && (guint) node < self->n_nodes ? self->frame[node] : NAN;
    }
  self->n_frames++;
  if (self->coloring)
    gtk_widget_queue_draw (GTK_WIDGET (self));
  return TRUE;
}

static gboolean
tick_cb (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  nrt_shape_view_update (NRT_SHAPE_VIEW (widget));
  return G_SOURCE_CONTINUE;
}

static void
update_tick (NrtShapeView *self)
{
  gboolean want = self->session != NULL && self->coloring;

  if (want && self->tick_id == 0)
    self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), tick_cb, NULL, NULL);
  else if (!want && self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
    }
}

static gboolean
is_dark (GtkWidget *widget, GdkRGBA *fg)
{
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), fg);
  return fg->red + fg->green + fg->blue > 1.5f;
}

static void
fill_style (NrtShapeView *self, NrtShapeStyle *style, GArray *marks, GArray *hls,
            char **hover_label, char **font)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkStyleContext *ctx = gtk_widget_get_style_context (widget);
  GdkRGBA fg, accent;
  gboolean dark = is_dark (widget, &fg);
  PangoContext *pc = gtk_widget_get_pango_context (widget);

  memset (style, 0, sizeof *style);
  if (!gtk_style_context_lookup_color (ctx, "accent_color", &accent))
    accent = (GdkRGBA) { 0.21f, 0.52f, 0.89f, 1.0f };
  style->show_diam = self->show_diam;
  style->dark = dark;
  style->fg = fg;
  style->accent = accent;
  style->marker = dark ? (GdkRGBA) { 1.0f, 0.639f, 0.282f, 1.0f }
                       : (GdkRGBA) { 0.902f, 0.380f, 0.0f, 1.0f };
  style->lo = self->lo;
  style->hi = self->hi;
  style->values = self->coloring ? self->values : NULL;
  style->show_color_bar = self->coloring;
  style->color_bar_title = self->scale_title;
  style->show_scale_bar = TRUE;
  *font = pango_font_description_to_string (pango_context_get_font_description (pc));
  style->font = *font;

  for (guint i = 0; i < self->markers->len; i++)
    {
      MarkerCopy *m = &g_array_index (self->markers, MarkerCopy, i);
      NrtShapeMarker mk = { m->label, m->section, m->x, m->selected };
      g_array_append_val (marks, mk);
    }
  style->markers = (const NrtShapeMarker *) marks->data;
  style->n_markers = marks->len;

  for (guint i = 0; i < self->highlights->len; i++)
    {
      HighlightCopy *h = &g_array_index (self->highlights, HighlightCopy, i);
      NrtShapeHighlight hl = { nrt_shape_geometry_find_section (self->geom, h->section),
                               h->x0, h->x1, h->color };
      g_array_append_val (hls, hl);
    }
  style->highlights = (const NrtShapeHighlight *) hls->data;
  style->n_highlights = hls->len;

  style->hover_section = self->hover_section;
  style->hover_x = self->hover_x;
  if (self->hover_section >= 0)
    {
      *hover_label = g_strdup_printf ("%s(%.4g)",
                                      nrt_shape_geometry_get_section_name (self->geom,
                                                                           self->hover_section),
                                      self->hover_x);
      style->hover_label = *hover_label;
    }
}

static void
ensure_fitted (NrtShapeView *self, int width, int height)
{
  if (self->geom == NULL || width <= 0 || height <= 0)
    return;
  if (!self->fitted || self->last_w <= 0)
    {
      nrt_shape_camera_fit (&self->cam, self->geom, width, height);
      self->fitted = TRUE;
    }
  self->last_w = width;
  self->last_h = height;
}

static void
render (NrtShapeView *self, cairo_t *cr, int width, int height, gboolean with_bg)
{
  g_autoptr(GArray) marks = g_array_new (FALSE, FALSE, sizeof (NrtShapeMarker));
  g_autoptr(GArray) hls = g_array_new (FALSE, FALSE, sizeof (NrtShapeHighlight));
  g_autofree char *hover_label = NULL;
  g_autofree char *font = NULL;
  NrtShapeStyle style;

  fill_style (self, &style, marks, hls, &hover_label, &font);
  if (with_bg)
    style.bg = style.dark ? (GdkRGBA) { 0.14f, 0.14f, 0.14f, 1 }
                          : (GdkRGBA) { 1, 1, 1, 1 };
  nrt_shape_render (cr, width, height, self->geom, &self->cam, &style);
}

static void
nrt_shape_view_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  NrtShapeView *self = NRT_SHAPE_VIEW (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  cairo_t *cr;

  if (width <= 0 || height <= 0 || self->geom == NULL)
    return;
  ensure_fitted (self, width, height);
  if (nrt_shape_geometry_get_n_sections (self->geom) == 0)
    {
      g_autoptr(PangoLayout) pl = gtk_widget_create_pango_layout (widget,
                                                                  _("This cell has no sections yet"));
      GdkRGBA fg;
      int w, h;

      is_dark (widget, &fg);
      fg.alpha *= 0.55f;
      pango_layout_get_pixel_size (pl, &w, &h);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot,
                              &GRAPHENE_POINT_INIT ((width - w) / 2.0f, (height - h) / 2.0f));
      gtk_snapshot_append_layout (snapshot, pl, &fg);
      gtk_snapshot_restore (snapshot);
      return;
    }
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  render (self, cr, width, height, FALSE);
  cairo_destroy (cr);
}

cairo_surface_t *
nrt_shape_view_render_surface (NrtShapeView *self, int width, int height)
{
  cairo_surface_t *surface;
  cairo_t *cr;
  NrtShapeCamera saved;
  gboolean fitted = self->fitted;

  g_return_val_if_fail (NRT_IS_SHAPE_VIEW (self), NULL);

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  if (self->geom == NULL)
    return surface;
  saved = self->cam;
  /* Same view as on screen, fitted to this size when the widget has never been drawn. */
  if (!self->fitted)
    nrt_shape_camera_fit (&self->cam, self->geom, width, height);
  cr = cairo_create (surface);
  render (self, cr, width, height, TRUE);
  cairo_destroy (cr);
  if (!fitted)
    self->cam = saved;
  return surface;
}

static void
widget_size (NrtShapeView *self, int *w, int *h)
{
  *w = gtk_widget_get_width (GTK_WIDGET (self));
  *h = gtk_widget_get_height (GTK_WIDGET (self));
  ensure_fitted (self, *w, *h);
}

gboolean
nrt_shape_view_location_to_widget (NrtShapeView *self, const char *section, double x,
                                   double *wx, double *wy)
{
  int w, h, isec;
  double p[3];

  g_return_val_if_fail (NRT_IS_SHAPE_VIEW (self), FALSE);
  if (self->geom == NULL)
    return FALSE;
  widget_size (self, &w, &h);
  if (w <= 0 || h <= 0)
    return FALSE;
  isec = nrt_shape_geometry_find_section (self->geom, section);
  if (isec < 0 || !nrt_shape_geometry_point_at (self->geom, isec, x, p))
    return FALSE;
  nrt_shape_camera_project (&self->cam, w, h, p, wx, wy);
  return TRUE;
}

const char *
nrt_shape_view_pick (NrtShapeView *self, double wx, double wy, double *x)
{
  int w, h, isec;
  double px = 0;

  g_return_val_if_fail (NRT_IS_SHAPE_VIEW (self), NULL);
  if (self->geom == NULL)
    return NULL;
  widget_size (self, &w, &h);
  isec = nrt_shape_pick (self->geom, &self->cam, w, h, wx, wy, 24, &px);
  if (isec < 0)
    return NULL;
  if (x != NULL)
    *x = px;
  return nrt_shape_geometry_get_section_name (self->geom, isec);
}

gboolean
nrt_shape_view_click (NrtShapeView *self, double wx, double wy)
{
  double x;
  const char *sec = nrt_shape_view_pick (self, wx, wy, &x);

  if (sec == NULL)
    return FALSE;
  {
    g_autofree char *name = g_strdup (sec);
    g_signal_emit (self, signals[SIGNAL_SECTION_PICKED], 0, name, x);
  }
  return TRUE;
}

gboolean
nrt_shape_view_drag_path (NrtShapeView *self, double wx0, double wy0, double wx1, double wy1)
{
  double xa, xb;
  const char *a = nrt_shape_view_pick (self, wx0, wy0, &xa);
  g_autofree char *sa = g_strdup (a);
  const char *b = nrt_shape_view_pick (self, wx1, wy1, &xb);
  g_autofree char *sb = g_strdup (b);

  if (sa == NULL || sb == NULL)
    return FALSE;
  g_signal_emit (self, signals[SIGNAL_PATH_SELECTED], 0, sa, xa, sb, xb);
  return TRUE;
}

double
nrt_shape_view_get_value (NrtShapeView *self, const char *section, double x)
{
  int isec, nseg, k;

  g_return_val_if_fail (NRT_IS_SHAPE_VIEW (self), NAN);
  if (self->geom == NULL || self->values == NULL)
    return NAN;
  isec = nrt_shape_geometry_find_section (self->geom, section);
  if (isec < 0)
    return NAN;
  nseg = nrt_shape_geometry_get_nseg (self->geom, isec);
  k = CLAMP ((int) (x * nseg), 0, nseg - 1);
  return self->values[nrt_shape_geometry_segment_offset (self->geom, isec) + k];
}

guint64
nrt_shape_view_get_n_frames (NrtShapeView *self)
{
  return self->n_frames;
}

/* ---- gestures -------------------------------------------------------------------------- */

static int
marker_at (NrtShapeView *self, double wx, double wy)
{
  int best = -1;
  double bd = 10;

  for (guint i = 0; i < self->markers->len; i++)
    {
      MarkerCopy *m = &g_array_index (self->markers, MarkerCopy, i);
      double mx, my;

      if (nrt_shape_view_location_to_widget (self, m->section, m->x, &mx, &my)
          && hypot (mx - wx, my - wy) < bd)
        {
          bd = hypot (mx - wx, my - wy);
          best = i;
        }
    }
  return best;
}

static void
set_hover (NrtShapeView *self, double wx, double wy)
{
  double x = 0;
  const char *sec = nrt_shape_view_pick (self, wx, wy, &x);
  int isec = sec != NULL ? nrt_shape_geometry_find_section (self->geom, sec) : -1;

  if (isec == self->hover_section && (isec < 0 || x == self->hover_x))
    return;
  self->hover_section = isec;
  self->hover_x = x;
  g_signal_emit (self, signals[SIGNAL_HOVERED], 0, sec, x);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_drag_begin (GtkGestureDrag *gesture, double x, double y, NrtShapeView *self)
{
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));
  GdkModifierType mods = gtk_event_controller_get_current_event_state (
                           GTK_EVENT_CONTROLLER (gesture));

  gtk_widget_grab_focus (GTK_WIDGET (self));
  self->drag_x0 = self->drag_lastx = x;
  self->drag_y0 = self->drag_lasty = y;
  self->drag_marker = -1;
  if (button == GDK_BUTTON_MIDDLE || (button == GDK_BUTTON_PRIMARY && (mods & GDK_SHIFT_MASK)))
    self->drag = DRAG_PAN;
  else if (button == GDK_BUTTON_PRIMARY && (mods & (GDK_CONTROL_MASK | GDK_ALT_MASK)))
    self->drag = DRAG_ROTATE;
  else if (button == GDK_BUTTON_PRIMARY && (self->drag_marker = marker_at (self, x, y)) >= 0)
    self->drag = DRAG_MARKER;
  else if (button == GDK_BUTTON_PRIMARY && self->pick_mode == NRT_SHAPE_PICK_PATH)
    {
      double xa = 0;
      const char *a = nrt_shape_view_pick (self, x, y, &xa);

      self->drag = a != NULL ? DRAG_PATH : DRAG_NONE;
      self->drag_sec0 = a != NULL ? nrt_shape_geometry_find_section (self->geom, a) : -1;
      self->drag_xa = xa;
    }
  else if (button == GDK_BUTTON_PRIMARY)
    self->drag = DRAG_CLICK;
  else
    {
      self->drag = DRAG_NONE;
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static void
on_drag_update (GtkGestureDrag *gesture, double dx, double dy, NrtShapeView *self)
{
  double x = self->drag_x0 + dx, y = self->drag_y0 + dy;
  double mx = x - self->drag_lastx, my = y - self->drag_lasty;

  switch (self->drag)
    {
    case DRAG_PAN:
      self->cam.pan_x += mx;
      self->cam.pan_y += my;
      gtk_widget_queue_draw (GTK_WIDGET (self));
      break;
    case DRAG_ROTATE:
      /* Horizontal motion turns about the screen's y axis, vertical about its x axis. */
      nrt_shape_camera_rotate (&self->cam, 1, mx * 0.01);
      nrt_shape_camera_rotate (&self->cam, 0, my * 0.01);
      gtk_widget_queue_draw (GTK_WIDGET (self));
      break;
    case DRAG_MARKER:
      {
        double px;
        const char *sec = nrt_shape_view_pick (self, x, y, &px);
        MarkerCopy *m = &g_array_index (self->markers, MarkerCopy, self->drag_marker);

        if (sec != NULL)
          {
            g_free (m->section);
            m->section = g_strdup (sec);
            m->x = px;
            gtk_widget_queue_draw (GTK_WIDGET (self));
          }
      }
      break;
    case DRAG_PATH:
      set_hover (self, x, y);
      break;
    case DRAG_CLICK:
    case DRAG_NONE:
    default:
      break;
    }
  self->drag_lastx = x;
  self->drag_lasty = y;
}

static void
on_drag_end (GtkGestureDrag *gesture, double dx, double dy, NrtShapeView *self)
{
  DragKind kind = self->drag;
  double x = self->drag_x0 + dx, y = self->drag_y0 + dy;

  self->drag = DRAG_NONE;
  switch (kind)
    {
    case DRAG_CLICK:
      if (hypot (dx, dy) < 6)
        nrt_shape_view_click (self, self->drag_x0, self->drag_y0);
      break;
    case DRAG_MARKER:
      if (self->drag_marker >= 0 && (guint) self->drag_marker < self->markers->len)
        {
          MarkerCopy *m = &g_array_index (self->markers, MarkerCopy, self->drag_marker);
          g_autofree char *sec = g_strdup (m->section);

          if (hypot (dx, dy) < 3)
            nrt_shape_view_click (self, self->drag_x0, self->drag_y0);
          else
            g_signal_emit (self, signals[SIGNAL_MARKER_MOVED], 0, (guint) self->drag_marker,
                           sec, m->x);
        }
      break;
    case DRAG_PATH:
      if (hypot (dx, dy) < 6)
        nrt_shape_view_click (self, self->drag_x0, self->drag_y0);
      else
        nrt_shape_view_drag_path (self, self->drag_x0, self->drag_y0, x, y);
      break;
    case DRAG_PAN:
    case DRAG_ROTATE:
    case DRAG_NONE:
    default:
      break;
    }
}

static void
on_motion (GtkEventControllerMotion *motion, double x, double y, NrtShapeView *self)
{
  self->pointer_x = x;
  self->pointer_y = y;
  if (self->drag == DRAG_NONE)
    set_hover (self, x, y);
}

static void
on_leave (GtkEventControllerMotion *motion, NrtShapeView *self)
{
  self->pointer_x = self->pointer_y = -1;
  if (self->hover_section >= 0)
    {
      self->hover_section = -1;
      g_signal_emit (self, signals[SIGNAL_HOVERED], 0, NULL, 0.0);
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

static gboolean
on_scroll (GtkEventControllerScroll *scroll, double dx, double dy, NrtShapeView *self)
{
  /* Zoom about the pointer (the last motion position; the centre when unknown). */
  double px = self->pointer_x >= 0 ? self->pointer_x : self->last_w / 2.0;
  double py = self->pointer_y >= 0 ? self->pointer_y : self->last_h / 2.0;

  nrt_shape_view_zoom (self, pow (1.15, -dy), px, py);
  return TRUE;
}

static gboolean
on_key (GtkEventControllerKey *key, guint keyval, guint keycode, GdkModifierType state,
        NrtShapeView *self)
{
  switch (keyval)
    {
    case GDK_KEY_x:
    case GDK_KEY_y:
    case GDK_KEY_z:
      nrt_shape_view_axis_view (self, (char) keyval);
      return TRUE;
    case GDK_KEY_X:
      nrt_shape_view_rotate (self, 0, 15);
      return TRUE;
    case GDK_KEY_Y:
      nrt_shape_view_rotate (self, 1, 15);
      return TRUE;
    case GDK_KEY_Z:
      nrt_shape_view_rotate (self, 2, 15);
      return TRUE;
    case GDK_KEY_Left:
      nrt_shape_view_rotate (self, 1, -15);
      return TRUE;
    case GDK_KEY_Right:
      nrt_shape_view_rotate (self, 1, 15);
      return TRUE;
    case GDK_KEY_Up:
      nrt_shape_view_rotate (self, 0, -15);
      return TRUE;
    case GDK_KEY_Down:
      nrt_shape_view_rotate (self, 0, 15);
      return TRUE;
    case GDK_KEY_Home:
    case GDK_KEY_0:
      nrt_shape_view_fit (self);
      return TRUE;
    case GDK_KEY_plus:
    case GDK_KEY_equal:
      nrt_shape_view_zoom (self, 1.25, self->last_w / 2.0, self->last_h / 2.0);
      return TRUE;
    case GDK_KEY_minus:
      nrt_shape_view_zoom (self, 0.8, self->last_w / 2.0, self->last_h / 2.0);
      return TRUE;
    default:
      return FALSE;
    }
}

/* ---- public API ------------------------------------------------------------------------ */

void
nrt_shape_view_get_camera (NrtShapeView *self, NrtShapeCamera *cam, int *width, int *height)
{
  g_return_if_fail (NRT_IS_SHAPE_VIEW (self));
  g_return_if_fail (cam != NULL);
  *cam = self->cam;
  if (width != NULL)
    *width = self->fitted ? MAX (self->last_w, 0) : 0;
  if (height != NULL)
    *height = self->fitted ? MAX (self->last_h, 0) : 0;
}

void
nrt_shape_view_set_camera (NrtShapeView *self, const NrtShapeCamera *cam, int width, int height)
{
  g_return_if_fail (NRT_IS_SHAPE_VIEW (self));
  g_return_if_fail (cam != NULL);
  if (!(cam->scale > 0) || !isfinite (cam->scale) || width <= 0 || height <= 0)
    return;
  self->cam = *cam;
  self->fitted = TRUE;
  self->last_w = width;
  self->last_h = height;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
nrt_shape_view_fit (NrtShapeView *self)
{
  g_return_if_fail (NRT_IS_SHAPE_VIEW (self));
  self->fitted = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
nrt_shape_view_axis_view (NrtShapeView *self, char axis)
{
  g_return_if_fail (NRT_IS_SHAPE_VIEW (self));
  nrt_shape_camera_axis_view (&self->cam, axis);
  nrt_shape_view_fit (self);
}

void
nrt_shape_view_rotate (NrtShapeView *self, int axis, double degrees)
{
  g_return_if_fail (NRT_IS_SHAPE_VIEW (self));
  nrt_shape_camera_rotate (&self->cam, axis, degrees * G_PI / 180);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
nrt_shape_view_zoom (NrtShapeView *self, double factor, double wx, double wy)
{
  double cx, cy;

  g_return_if_fail (NRT_IS_SHAPE_VIEW (self));
  if (!(factor > 0))
    return;
  /* Keep the point under (wx, wy) where it is. */
  cx = self->last_w / 2.0 + self->cam.pan_x;
  cy = self->last_h / 2.0 + self->cam.pan_y;
  self->cam.scale *= factor;
  self->cam.pan_x += (wx - cx) * (1 - factor);
  self->cam.pan_y += (wy - cy) * (1 - factor);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
nrt_shape_view_set_model (NrtShapeView *self, NrtModel *model)
{
  g_return_if_fail (NRT_IS_SHAPE_VIEW (self));

  if (self->model == model)
    return;
  if (self->model != NULL)
    {
      g_clear_signal_handler (&self->model_changed_id, self->model);
      g_clear_object (&self->model);
    }
  if (model != NULL)
    {
      self->model = g_object_ref (model);
      self->model_changed_id = g_signal_connect_swapped (model, "changed",
                                                         G_CALLBACK (on_model_changed), self);
    }
  self->hover_section = -1;
  on_model_changed (self, NULL);
}

NrtModel *
nrt_shape_view_get_model (NrtShapeView *self)
{
  g_return_val_if_fail (NRT_IS_SHAPE_VIEW (self), NULL);
  return self->model;
}

void
nrt_shape_view_set_session (NrtShapeView *self, NrtSession *session)
{
  g_return_if_fail (NRT_IS_SHAPE_VIEW (self));

  if (self->session == session)
    return;
  if (self->session != NULL)
    {
      g_clear_signal_handler (&self->network_changed_id, self->session);
      g_clear_object (&self->session);
    }
  if (session != NULL)
    {
      self->session = g_object_ref (session);
      self->network_changed_id = g_signal_connect_swapped (session, "network-changed",
                                                           G_CALLBACK (on_network_changed),
                                                           self);
    }
  update_node_map (self);
  update_tick (self);
  nrt_shape_view_update (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
nrt_shape_view_set_coloring (NrtShapeView *self, gboolean coloring)
{
  g_return_if_fail (NRT_IS_SHAPE_VIEW (self));
  self->coloring = !!coloring;
  update_tick (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
nrt_shape_view_set_color_scale (NrtShapeView *self, double lo, double hi, const char *title)
{
  g_return_if_fail (NRT_IS_SHAPE_VIEW (self));
  if (!(hi > lo) || !isfinite (lo) || !isfinite (hi))
    return;
  self->lo = lo;
  self->hi = hi;
  g_free (self->scale_title);
  self->scale_title = g_strdup (title);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
nrt_shape_view_get_color_scale (NrtShapeView *self, double *lo, double *hi)
{
  g_return_if_fail (NRT_IS_SHAPE_VIEW (self));
  if (lo != NULL)
    *lo = self->lo;
  if (hi != NULL)
    *hi = self->hi;
}

void
nrt_shape_view_set_show_diam (NrtShapeView *self, gboolean show_diam)
{
  g_return_if_fail (NRT_IS_SHAPE_VIEW (self));
  self->show_diam = !!show_diam;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
nrt_shape_view_get_show_diam (NrtShapeView *self)
{
  g_return_val_if_fail (NRT_IS_SHAPE_VIEW (self), FALSE);
  return self->show_diam;
}

void
nrt_shape_view_set_pick_mode (NrtShapeView *self, NrtShapePickMode mode)
{
  g_return_if_fail (NRT_IS_SHAPE_VIEW (self));
  self->pick_mode = mode;
}

void
nrt_shape_view_set_markers (NrtShapeView *self, const NrtShapeMarker *markers, guint n)
{
  g_return_if_fail (NRT_IS_SHAPE_VIEW (self));

  /* A drag in progress would index a marker that no longer exists. */
  if (self->drag == DRAG_MARKER)
    self->drag = DRAG_NONE;
  g_array_set_size (self->markers, 0);
  for (guint i = 0; i < n; i++)
    {
      MarkerCopy m = { g_strdup (markers[i].label), g_strdup (markers[i].section),
                       markers[i].x, markers[i].selected };
      g_array_append_val (self->markers, m);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
nrt_shape_view_add_highlight (NrtShapeView *self, const char *section, double x0, double x1,
                              const GdkRGBA *color)
{
  g_return_if_fail (NRT_IS_SHAPE_VIEW (self));

  if (color == NULL)
    {
      for (guint i = self->highlights->len; i > 0; i--)
        if (g_strcmp0 (g_array_index (self->highlights, HighlightCopy, i - 1).section,
                       section) == 0)
          g_array_remove_index (self->highlights, i - 1);
    }
  else
    {
      HighlightCopy h = { g_strdup (section), x0, x1, *color };
      g_array_append_val (self->highlights, h);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
nrt_shape_view_clear_highlights (NrtShapeView *self)
{
  g_return_if_fail (NRT_IS_SHAPE_VIEW (self));
  g_array_set_size (self->highlights, 0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* ---- class ----------------------------------------------------------------------------- */

static void
nrt_shape_view_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                        int *minimum, int *natural, int *minimum_baseline,
                        int *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 200 : 150;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 560 : 380;
}

static void
nrt_shape_view_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  NrtShapeView *self = NRT_SHAPE_VIEW (widget);

  /* Until the user moves the view, a new size refits it. */
  if (self->last_w != width || self->last_h != height)
    {
      if (self->cam.pan_x == -30 && self->cam.pan_y == 0)
        self->fitted = FALSE;
    }
}

static void
nrt_shape_view_css_changed (GtkWidget *widget, GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (nrt_shape_view_parent_class)->css_changed (widget, change);
  gtk_widget_queue_draw (widget);
}

static void
nrt_shape_view_dispose (GObject *object)
{
  NrtShapeView *self = NRT_SHAPE_VIEW (object);

  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
    }
  nrt_shape_view_set_session (self, NULL);
  nrt_shape_view_set_model (self, NULL);
  G_OBJECT_CLASS (nrt_shape_view_parent_class)->dispose (object);
}

static void
nrt_shape_view_finalize (GObject *object)
{
  NrtShapeView *self = NRT_SHAPE_VIEW (object);

  g_clear_pointer (&self->geom, nrt_shape_geometry_free);
  g_free (self->values);
  g_free (self->frame);
  g_free (self->seg_node);
  g_free (self->scale_title);
  g_array_unref (self->markers);
  g_array_unref (self->highlights);
  G_OBJECT_CLASS (nrt_shape_view_parent_class)->finalize (object);
}

static void
nrt_shape_view_class_init (NrtShapeViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = nrt_shape_view_dispose;
  object_class->finalize = nrt_shape_view_finalize;
  widget_class->snapshot = nrt_shape_view_snapshot;
  widget_class->measure = nrt_shape_view_measure;
  widget_class->size_allocate = nrt_shape_view_size_allocate;
  widget_class->css_changed = nrt_shape_view_css_changed;

  signals[SIGNAL_SECTION_PICKED] =
    g_signal_new ("section-picked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_DOUBLE);
  signals[SIGNAL_HOVERED] =
    g_signal_new ("hovered", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_DOUBLE);
  signals[SIGNAL_MARKER_MOVED] =
    g_signal_new ("marker-moved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_STRING, G_TYPE_DOUBLE);
  signals[SIGNAL_PATH_SELECTED] =
    g_signal_new ("path-selected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 4, G_TYPE_STRING, G_TYPE_DOUBLE,
                  G_TYPE_STRING, G_TYPE_DOUBLE);

  gtk_widget_class_set_css_name (widget_class, "shapeview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
nrt_shape_view_init (NrtShapeView *self)
{
  GtkGesture *drag;
  GtkEventController *motion, *scroll, *key;

  nrt_shape_camera_init (&self->cam);
  self->lo = -80;
  self->hi = 40;
  self->scale_title = g_strdup ("v (mV)");
  self->show_diam = TRUE;
  self->hover_section = -1;
  self->pointer_x = self->pointer_y = -1;
  self->markers = g_array_new (FALSE, TRUE, sizeof (MarkerCopy));
  g_array_set_clear_func (self->markers, marker_copy_clear);
  self->highlights = g_array_new (FALSE, TRUE, sizeof (HighlightCopy));
  g_array_set_clear_func (self->highlights, highlight_copy_clear);

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self),
                               _("Click to pick a location. Scroll to zoom, Shift-drag to pan, "
                                 "Ctrl-drag to rotate; x, y, z show the axis views"));

  drag = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), 0);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));

  motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  g_signal_connect (scroll, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);

  key = gtk_event_controller_key_new ();
  g_signal_connect (key, "key-pressed", G_CALLBACK (on_key), self);
  gtk_widget_add_controller (GTK_WIDGET (self), key);
}

GtkWidget *
nrt_shape_view_new (NrtModel *model)
{
  NrtShapeView *self = g_object_new (NRT_TYPE_SHAPE_VIEW, NULL);

  nrt_shape_view_set_model (self, model);
  return GTK_WIDGET (self);
}
