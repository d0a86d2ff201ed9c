/* test-stick-layout.c: the stick layout's geometry and the cairo renderer, with no display.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>

#include "nrt-stick-layout.h"

static const NrtStick *
find_stick (const NrtStickLayout *layout,
            const char           *name)
{
  for (guint i = 0; i < layout->sticks->len; i++)
    {
      const NrtStick *stick = g_ptr_array_index (layout->sticks, i);
      if (g_strcmp0 (stick->name, name) == 0)
        return stick;
    }
  g_assert_not_reached ();
  return NULL;
}

static const NrtStickPoint *
point (const NrtStick *stick,
       guint           i)
{
  g_assert_cmpuint (i, <, stick->points->len);
  return &g_array_index (stick->points, NrtStickPoint, i);
}

static const NrtStickPoint *
last (const NrtStick *stick)
{
  return point (stick, stick->points->len - 1);
}

/* The tutorial's stylized cell: soma, ap[0] from soma(1), ap[1] and ap[2] from ap[0](1), bas
 * and axon from soma(0). */
static NrtModel *
stylized_cell (void)
{
  g_autoptr(GError) error = NULL;
  NrtModel *model = nrt_model_new ();

  g_assert_true (nrt_model_set_name (model, "stylized", &error));
  g_assert_no_error (error);
  g_assert_cmpint (nrt_model_add_section (model, "soma", NULL, 0, 20, 20, &error), >=, 0);
  g_assert_cmpint (nrt_model_add_section (model, "ap[0]", "soma", 1, 400, 2, &error), >=, 0);
  g_assert_cmpint (nrt_model_add_section (model, "ap[1]", "ap[0]", 1, 300, 1, &error), >=, 0);
  g_assert_cmpint (nrt_model_add_section (model, "ap[2]", "ap[0]", 1, 300, 1, &error), >=, 0);
  g_assert_cmpint (nrt_model_add_section (model, "bas", "soma", 0, 200, 2, &error), >=, 0);
  g_assert_cmpint (nrt_model_add_section (model, "axon", "soma", 0, 1000, 1, &error), >=, 0);
  g_assert_no_error (error);
  return model;
}

static void
test_layout_empty (void)
{
  g_autoptr(NrtModel) model = nrt_model_new ();
  g_autoptr(NrtStickLayout) layout = nrt_stick_layout_new (nrt_model_get_data (model));

  g_assert_cmpuint (layout->sticks->len, ==, nrt_model_get_n_sections (model));
}

static void
test_layout_tree (void)
{
  g_autoptr(NrtModel) model = stylized_cell ();
  g_autoptr(NrtStickLayout) layout = nrt_stick_layout_new (nrt_model_get_data (model));
  const NrtStick *soma, *ap0, *ap1, *ap2, *bas, *axon;

  g_assert_cmpuint (layout->sticks->len, ==, 6);
  soma = find_stick (layout, "soma");
  ap0 = find_stick (layout, "ap[0]");
  ap1 = find_stick (layout, "ap[1]");
  ap2 = find_stick (layout, "ap[2]");
  bas = find_stick (layout, "bas");
  axon = find_stick (layout, "axon");

  /* Parents come before their children. */
  g_assert_true (layout->sticks->pdata[0] == soma);

  /* The root lies along +x, centred on the origin. */
  g_assert_cmpfloat_with_epsilon (point (soma, 0)->x, -10, 1e-9);
  g_assert_cmpfloat_with_epsilon (last (soma)->x, 10, 1e-9);
  g_assert_cmpfloat_with_epsilon (last (soma)->y, 0, 1e-9);
  g_assert_cmpfloat_with_epsilon (point (soma, 0)->d, 20, 1e-9);

  /* A single child at the 1 end continues straight on. */
  g_assert_cmpfloat_with_epsilon (point (ap0, 0)->x, 10, 1e-9);
  g_assert_cmpfloat_with_epsilon (last (ap0)->x, 410, 1e-9);
  g_assert_cmpfloat_with_epsilon (last (ap0)->y, 0, 1e-9);

  /* Two siblings fan out symmetrically, each keeping its length. */
  g_assert_cmpfloat_with_epsilon (point (ap1, 0)->x, 410, 1e-9);
  g_assert_cmpfloat_with_epsilon (last (ap1)->y, -last (ap2)->y, 1e-9);
  g_assert_cmpfloat (fabs (last (ap1)->y), >, 50);
  g_assert_cmpfloat_with_epsilon (hypot (last (ap1)->x - 410, last (ap1)->y), 300, 1e-9);
  g_assert_cmpfloat (last (ap1)->x, >, 410);

  /* Children at the 0 end leave backwards, from the soma's start. */
  g_assert_cmpfloat_with_epsilon (point (bas, 0)->x, -10, 1e-9);
  g_assert_cmpfloat (last (bas)->x, <, -10);
  g_assert_cmpfloat (last (axon)->x, <, -10);
  g_assert_cmpfloat_with_epsilon (hypot (last (axon)->x + 10, last (axon)->y), 1000, 1e-9);

  /* The bounding box holds every point. */
  g_assert_cmpfloat_with_epsilon (layout->xmax, 410 + 300 * cos (G_PI / 6), 1e-9);
  g_assert_cmpfloat (layout->xmin, <=, last (axon)->x);
}

static void
test_layout_markers (void)
{
  g_autoptr(NrtModel) model = stylized_cell ();
  g_autoptr(NrtStickLayout) layout = NULL;
  g_autoptr(GError) error = NULL;
  const NrtStickMarker *m;

  g_assert_cmpint (nrt_model_add_point_process (model, "IClamp", "soma", 0.5, &error), >=, 0);
  g_assert_cmpint (nrt_model_add_point_process (model, "ExpSyn", "ap[0]", 0.25, &error), >=, 0);
  g_assert_cmpint (nrt_model_add_point_process (model, "IClamp", "ap[0]", 1, &error), >=, 0);
  g_assert_no_error (error);

  layout = nrt_stick_layout_new (nrt_model_get_data (model));
  g_assert_cmpuint (layout->markers->len, ==, 3);

  /* Named per type, as NEURON does, and placed at their x along the section. */
  m = &g_array_index (layout->markers, NrtStickMarker, 0);
  g_assert_cmpstr (m->name, ==, "IClamp[0]");
  g_assert_cmpfloat_with_epsilon (m->x, 0, 1e-9);
  g_assert_cmpfloat_with_epsilon (m->y, 0, 1e-9);
  m = &g_array_index (layout->markers, NrtStickMarker, 1);
  g_assert_cmpstr (m->name, ==, "ExpSyn[0]");
  g_assert_cmpfloat_with_epsilon (m->x, 110, 1e-9);
  m = &g_array_index (layout->markers, NrtStickMarker, 2);
  g_assert_cmpstr (m->name, ==, "IClamp[1]");
  g_assert_cmpfloat_with_epsilon (m->x, 410, 1e-9);
}

static void
test_layout_pt3d (void)
{
  g_autoptr(NrtModel) model = nrt_model_new ();
  g_autoptr(NrtStickLayout) layout = NULL;
  g_autoptr(GError) error = NULL;
  const NrtPt3d pts[] = {
    { 5, 7, 0, 10 },
    { 5, 37, 0, 10 },
    { 45, 37, 3, 4 },
  };
  const NrtStick *soma, *dend;

  g_assert_cmpint (nrt_model_add_section (model, "soma", NULL, 0, 10, 10, &error), >=, 0);
  g_assert_true (nrt_model_set_section_pt3d (model, "soma", pts, G_N_ELEMENTS (pts), &error));
  g_assert_cmpint (nrt_model_add_section (model, "dend", "soma", 1, 100, 1, &error), >=, 0);
  g_assert_no_error (error);

  layout = nrt_stick_layout_new (nrt_model_get_data (model));
  soma = find_stick (layout, "soma");
  dend = find_stick (layout, "dend");

  /* 3-D points are drawn where they are (x, y; z is dropped). */
  g_assert_cmpuint (soma->points->len, ==, 3);
  g_assert_cmpfloat_with_epsilon (point (soma, 1)->y, 37, 1e-6);
  g_assert_cmpfloat_with_epsilon (last (soma)->x, 45, 1e-6);
  g_assert_cmpfloat_with_epsilon (last (soma)->d, 4, 1e-6);

  /* A section without points continues from its parent's last piece. */
  g_assert_cmpfloat_with_epsilon (point (dend, 0)->x, 45, 1e-6);
  g_assert_cmpfloat_with_epsilon (last (dend)->x, 145, 1e-6);
  g_assert_cmpfloat_with_epsilon (last (dend)->y, 37, 1e-6);
}

/* Pixels that are clearly the stroke colour (pure blue here). */
static guint
count_stroke_pixels (cairo_surface_t *surface)
{
  const guchar *data;
  int stride, w, h;
  guint n = 0;

  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  w = cairo_image_surface_get_width (surface);
  h = cairo_image_surface_get_height (surface);

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        guint32 px = *(const guint32 *) (data + y * stride + 4 * x);
        guint a = px >> 24, r = (px >> 16) & 0xff, b = px & 0xff;
        if (a > 200 && b > 200 && r < 60)
          n++;
      }
  return n;
}

static void
test_render (void)
{
  g_autoptr(NrtModel) model = stylized_cell ();
  g_autoptr(NrtModel) empty = nrt_model_new ();
  g_autoptr(NrtStickLayout) layout = nrt_stick_layout_new (nrt_model_get_data (model));
  g_autoptr(NrtStickLayout) none = nrt_stick_layout_new (nrt_model_get_data (empty));
  NrtStickStyle style = {
    .stroke = { 0, 0, 1, 1 },
    .label = { 0, 0, 0, 1 },
    .show_labels = TRUE,
  };
  cairo_surface_t *surface;
  cairo_t *cr;
  guint n;

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 640, 400);
  cr = cairo_create (surface);
  nrt_stick_render (cr, 640, 400, layout, &style);
  cairo_destroy (cr);
  n = count_stroke_pixels (surface);
  /* About 2000 µm of sticks over ~540 px, a few px wide: thousands of pixels, not a speck. */
  g_assert_cmpuint (n, >, 1500);
  cairo_surface_destroy (surface);

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 640, 400);
  cr = cairo_create (surface);
  nrt_stick_render (cr, 640, 400, none, &style);
  cairo_destroy (cr);
  g_assert_cmpuint (count_stroke_pixels (surface), ==, 0);
  cairo_surface_destroy (surface);
}

static void
test_line_width (void)
{
  /* Monotonic, bounded, and defined for nonsense input. */
  g_assert_cmpfloat (nrt_stick_line_width (1), <, nrt_stick_line_width (20));
  g_assert_cmpfloat (nrt_stick_line_width (20), <=, nrt_stick_line_width (500));
  g_assert_cmpfloat (nrt_stick_line_width (1e6), <=, 16);
  g_assert_cmpfloat (nrt_stick_line_width (0), >=, 2);
  g_assert_cmpfloat (nrt_stick_line_width (NAN), >=, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ui/stick-layout/empty", test_layout_empty);
  g_test_add_func ("/ui/stick-layout/tree", test_layout_tree);
  g_test_add_func ("/ui/stick-layout/markers", test_layout_markers);
  g_test_add_func ("/ui/stick-layout/pt3d", test_layout_pt3d);
  g_test_add_func ("/ui/stick-layout/render", test_render);
  g_test_add_func ("/ui/stick-layout/line-width", test_line_width);

  return g_test_run ();
}
