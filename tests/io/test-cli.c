/* test-cli.c: neurite-cli plot, sweep, validate on LEMS files and info on ChannelBuilder
 * channels, run as a user runs them ($NEURITE_CLI).
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The plot checks do not trust the picture: they recompute where the Graph window's renderer
 * puts the plot area (nrt_plot_compute_area, linked here) and the view (View = plot on the
 * data that `neurite-cli run --csv` writes), then look for the trace colour at every
 * sample's pixel.  The sweep checks compare against `neurite-cli run` of the same model with
 * the same value, and compare --jobs 1 with --jobs 2 byte for byte.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-svg.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "nrt-model.h"
#include "nrt-neuroml.h"
#include "nrt-plot-render.h"

#define W 640
#define H 400

static const char *
cli_path (void)
{
  const char *cli = g_getenv ("NEURITE_CLI");

  if (cli == NULL)
    g_test_skip ("NEURITE_CLI is not set");
  return cli;
}

/* Runs neurite-cli with args (NULL-terminated after the command); returns its exit status,
 * stdout in *out and stderr in *err (either may be NULL). */
static int
cli_run (char **out, char **err, ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  va_list args;
  const char *a;
  int status;

  g_ptr_array_add (argv, (gpointer) g_getenv ("NEURITE_CLI"));
  va_start (args, err);
  while ((a = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) a);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  /* Output not asked for must not reach the TAP stream. */
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL,
                               (out == NULL ? G_SPAWN_STDOUT_TO_DEV_NULL : 0)
                               | (err == NULL ? G_SPAWN_STDERR_TO_DEV_NULL : 0),
                               NULL, NULL, out, err, &status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

static char *
make_tmp (void)
{
  g_autoptr (GError) error = NULL;
  char *tmp = g_dir_make_tmp ("nrt-cli-XXXXXX", &error);

  g_assert_no_error (error);
  return tmp;
}

/* Every test: the soma-hh model and a temporary folder, emptied and removed afterwards. */
typedef struct {
  char *model;
  char *tmp;
} Fixture;

static char *model_path (const char *file);

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->model = model_path ("soma-hh.nml");
  f->tmp = make_tmp ();
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_autoptr (GDir) dir = g_dir_open (f->tmp, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->tmp, name, NULL);
      g_remove (path);
    }
  g_rmdir (f->tmp);
  g_free (f->tmp);
  g_free (f->model);
}

static char *
model_path (const char *file)
{
  return g_build_filename (NRT_SOURCE_ROOT, "models", file, NULL);
}

static char *
slurp (const char *path, gsize *len)
{
  char *text = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_get_contents (path, &text, len, &error));
  g_assert_no_error (error);
  return text;
}

static void
assert_same_file (const char *a, const char *b)
{
  gsize na, nb;
  g_autofree char *ta = slurp (a, &na);
  g_autofree char *tb = slurp (b, &nb);

  g_assert_cmpuint (na, ==, nb);
  g_assert_true (memcmp (ta, tb, na) == 0);
}

/* The t and v columns of `neurite-cli run --csv` (one record). */
static void
read_run_csv (const char *path, GArray *t, GArray *v)
{
  g_autofree char *text = slurp (path, NULL);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 1; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      char *end;
      double a = g_ascii_strtod (lines[i], &end);
      double b;

      g_assert_true (*end == ',');
      b = g_ascii_strtod (end + 1, NULL);
      g_array_append_val (t, a);
      g_array_append_val (v, b);
    }
}

/* The NrtPlotData that `neurite-cli plot` draws for one voltage record, without traces. */
static void
plot_data_for (NrtPlotData *d, const double *t, const double *v, gsize n)
{
  double lo = INFINITY, hi = -INFINITY;

  memset (d, 0, sizeof *d);
  for (gsize i = 0; i < n; i++)
    {
      lo = MIN (lo, v[i]);
      hi = MAX (hi, v[i]);
    }
  nrt_plot_fit_range (t[0], t[n - 1], &d->x0, &d->x1);
  nrt_plot_fit_range (lo, hi, &d->y0, &d->y1);
  d->x_title = "t (ms)";
  d->y_title = "v (mV)";
  d->font = "Sans 10";
}

/* TRUE when some pixel of the (2×) PNG within r device pixels of (x, y) is close to c. */
static gboolean
near_colour (cairo_surface_t *s, double x, double y, int r, const NrtPlotRGBA *c)
{
  const guchar *data = cairo_image_surface_get_data (s);
  int stride = cairo_image_surface_get_stride (s);
  int w = cairo_image_surface_get_width (s);
  int h = cairo_image_surface_get_height (s);
  int cx = (int) round (x), cy = (int) round (y);

  for (int yy = MAX (0, cy - r); yy <= MIN (h - 1, cy + r); yy++)
    for (int xx = MAX (0, cx - r); xx <= MIN (w - 1, cx + r); xx++)
      {
        guint32 px = *(const guint32 *) (data + yy * stride + xx * 4);
        int red = (px >> 16) & 0xff, green = (px >> 8) & 0xff, blue = px & 0xff;
        if (abs (red - (int) (c->red * 255)) < 40 && abs (green - (int) (c->green * 255)) < 40
            && abs (blue - (int) (c->blue * 255)) < 40)
          return TRUE;
      }
  return FALSE;
}

/* The samples of (t, v) inside d's x view (every 8th) whose pixel in the 2× PNG img, mapped
 * as the renderer maps d at W × H, has the first palette colour within 3 device pixels. */
static guint
count_on_curve (cairo_surface_t *img, const NrtPlotData *d, GArray *t, GArray *v,
                guint *checked)
{
  NrtPlotArea area;
  NrtPlotRGBA blue;
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, W, H);
  cairo_t *cr = cairo_create (s);
  guint on = 0;

  nrt_plot_compute_area (cr, W, H, d, &area);
  cairo_destroy (cr);
  cairo_surface_destroy (s);
  nrt_plot_palette_color (0, FALSE, &blue);
  *checked = 0;
  for (guint i = 0; i < t->len; i += 8)
    {
      double t_i = g_array_index (t, double, i), v_i = g_array_index (v, double, i);
      if (t_i < d->x0 || t_i > d->x1)
        continue;
      (*checked)++;
      if (near_colour (img, 2 * nrt_plot_to_px (d, &area, t_i),
                       2 * nrt_plot_to_py (d, &area, v_i), 3, &blue))
        on++;
    }
  return on;
}

/* plot --xrange/--yrange set the view: the curve is where that view puts it, not where
 * View = plot would. */
static void
test_plot_range (Fixture *f, gconstpointer data)
{
  const char *model = f->model, *tmp = f->tmp;

  if (cli_path () == NULL)
    return;
  g_autofree char *csv = g_build_filename (tmp, "v.csv", NULL);
  g_autofree char *png = g_build_filename (tmp, "v.png", NULL);
  g_autofree char *err = NULL;
  g_assert_cmpint (cli_run (NULL, NULL, "run", model, "--csv", csv, NULL), ==, 0);
  g_assert_cmpint (cli_run (NULL, NULL, "plot", model, "--png", png, "--width", "640",
                            "--height", "400", "--xrange", "1:5", "--yrange", "-100:50", NULL),
                   ==, 0);
  g_autoptr (GArray) t = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) v = g_array_new (FALSE, FALSE, sizeof (double));
  read_run_csv (csv, t, v);
  cairo_surface_t *img = cairo_image_surface_create_from_png (png);
  NrtPlotData d;
  guint checked, fit_checked;

  plot_data_for (&d, (double *) (gpointer) t->data, (double *) (gpointer) v->data, t->len);
  guint on_fit = count_on_curve (img, &d, t, v, &fit_checked);
  d.x0 = 1, d.x1 = 5, d.y0 = -100, d.y1 = 50;
  guint on = count_on_curve (img, &d, t, v, &checked);
  g_test_message ("plot --xrange 1:5 --yrange -100:50: %u of %u on the curve; with View = "
                  "plot's mapping %u of %u", on, checked, on_fit, fit_checked);
  g_assert_cmpuint (checked, >=, 19);  /* t = 1.2 … 4.8 ms, and 1 ms if it rounds in */
  g_assert_cmpuint (on, ==, checked);
  g_assert_cmpuint (on_fit, <, fit_checked / 2);
  cairo_surface_destroy (img);
  g_assert_cmpint (cli_run (NULL, &err, "plot", model, "--png", png, "--yrange", "5:5", NULL),
                   ==, 2);
  g_assert_cmpstr (err, ==, "neurite-cli: --yrange: 5 must be less than 5\n");
}

/* plot --png: the trace colour lies along the curve at the renderer's own axis mapping, and
 * not where the curve is not; the same command twice gives the same bytes. */
static void
test_plot_png (Fixture *f, gconstpointer data)
{
  const char *model = f->model, *tmp = f->tmp;

  if (cli_path () == NULL)
    return;
  g_autofree char *csv = g_build_filename (tmp, "v.csv", NULL);
  g_autofree char *png = g_build_filename (tmp, "v.png", NULL);
  g_autofree char *png2 = g_build_filename (tmp, "v2.png", NULL);
  g_autofree char *err = NULL;

  g_assert_cmpint (cli_run (NULL, NULL, "run", model, "--record", "soma(0.5).v", "--csv", csv,
                            NULL), ==, 0);
  g_assert_cmpint (cli_run (NULL, &err, "plot", model, "--record", "soma(0.5).v", "--png", png,
                            "--width", "640", "--height", "400", NULL), ==, 0);
  g_assert_cmpstr (err, ==, "");
  g_assert_cmpint (cli_run (NULL, NULL, "plot", model, "--record", "soma(0.5).v", "--png", png2,
                            "--width", "640", "--height", "400", NULL), ==, 0);
  assert_same_file (png, png2);

  g_autoptr (GArray) t = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) v = g_array_new (FALSE, FALSE, sizeof (double));
  read_run_csv (csv, t, v);
  g_assert_cmpuint (t->len, ==, 401);  /* tstop 10 ms, dt 0.025 ms */

  NrtPlotData d;
  NrtPlotArea area;
  NrtPlotRGBA blue;
  plot_data_for (&d, (double *) (gpointer) t->data, (double *) (gpointer) v->data, t->len);
  nrt_plot_palette_color (0, FALSE, &blue);
  {
    cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, W, H);
    cairo_t *cr = cairo_create (s);
    nrt_plot_compute_area (cr, W, H, &d, &area);
    cairo_destroy (cr);
    cairo_surface_destroy (s);
  }

  cairo_surface_t *img = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_surface_status (img), ==, CAIRO_STATUS_SUCCESS);
  /* The PNG is drawn at twice the size. */
  g_assert_cmpint (cairo_image_surface_get_width (img), ==, 2 * W);
  g_assert_cmpint (cairo_image_surface_get_height (img), ==, 2 * H);
  guint on = 0, off = 0, checked = 0;
  for (guint i = 0; i < t->len; i += 8)
    {
      double t_i = g_array_index (t, double, i), v_i = g_array_index (v, double, i);
      double px = 2 * nrt_plot_to_px (&d, &area, t_i);
      double py = 2 * nrt_plot_to_py (&d, &area, v_i);
      checked++;
      if (near_colour (img, px, py, 3, &blue))
        on++;
      /* 40 mV away from the curve, inside the plot: no trace there (the legend sits in the
       * top right, so only points below the curve's upper half are probed). */
      double v_off = v_i < -20 ? v_i + 40 : v_i - 40;
      if (t_i < 1.5 || t_i > 6)
        if (near_colour (img, px, 2 * nrt_plot_to_py (&d, &area, v_off), 3, &blue))
          off++;
    }
  g_test_message ("plot --png: %u of %u samples on the trace colour, %u off-curve probes hit",
                  on, checked, off);
  g_assert_cmpuint (on, ==, checked);
  g_assert_cmpuint (off, ==, 0);
  cairo_surface_destroy (img);

}

/* The longest path of an SVG cairo wrote ("M x y L x y ..."): its number of points and its
 * first point. */
static guint
longest_svg_path (const char *svg, double *x0, double *y0)
{
  guint best = 0;

  for (const char *p = svg; (p = strstr (p, " d=\"")) != NULL; p += 4)
    {
      const char *end = strchr (p + 4, '"');
      guint n = 0;
      for (const char *q = p + 4; q < end; q++)
        if (*q == 'M' || *q == 'L')
          n++;
      if (n > best)
        {
          char *e;
          best = n;
          *x0 = g_ascii_strtod (strchr (p, 'M') + 1, &e);
          *y0 = g_ascii_strtod (e, NULL);
        }
    }
  return best;
}

static cairo_status_t
discard (void *closure, const unsigned char *data, unsigned int length)
{
  return CAIRO_STATUS_SUCCESS;
}

/* plot --svg and --pdf: real documents; the SVG's trace starts at the renderer's first
 * decimated point for this view and has (up to cairo's merging of collinear segments) as
 * many points; both are byte-identical when made twice (the PDF with SOURCE_DATE_EPOCH,
 * which fixes its creation date). */
static void
test_plot_svg_pdf (Fixture *f, gconstpointer data)
{
  const char *model = f->model, *tmp = f->tmp;

  if (cli_path () == NULL)
    return;
  g_autofree char *csv = g_build_filename (tmp, "v.csv", NULL);
  g_autofree char *svg = g_build_filename (tmp, "v.svg", NULL);
  g_autofree char *svg2 = g_build_filename (tmp, "v2.svg", NULL);
  g_autofree char *pdf = g_build_filename (tmp, "v.pdf", NULL);
  g_autofree char *pdf2 = g_build_filename (tmp, "v2.pdf", NULL);

  g_setenv ("SOURCE_DATE_EPOCH", "1700000000", TRUE);
  g_assert_cmpint (cli_run (NULL, NULL, "run", model, "--csv", csv, NULL), ==, 0);
  g_assert_cmpint (cli_run (NULL, NULL, "plot", model, "--svg", svg, "--width", "640",
                            "--height", "400", "--title", "soma-hh", NULL), ==, 0);
  g_assert_cmpint (cli_run (NULL, NULL, "plot", model, "--svg", svg2, "--width", "640",
                            "--height", "400", "--title", "soma-hh", NULL), ==, 0);
  g_assert_cmpint (cli_run (NULL, NULL, "plot", model, "--pdf", pdf, NULL), ==, 0);
  g_usleep (1100000);  /* a second later: without SOURCE_DATE_EPOCH the date would differ */
  g_assert_cmpint (cli_run (NULL, NULL, "plot", model, "--pdf", pdf2, NULL), ==, 0);
  assert_same_file (svg, svg2);
  assert_same_file (pdf, pdf2);

  g_autofree char *pdf_text = slurp (pdf, NULL);
  g_assert_true (g_str_has_prefix (pdf_text, "%PDF-"));
  g_autofree char *svg_text = slurp (svg, NULL);
  g_assert_true (strstr (svg_text, "<svg") != NULL);
  g_assert_true (strstr (svg_text, "width=\"640") != NULL);

  g_autoptr (GArray) t = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) v = g_array_new (FALSE, FALSE, sizeof (double));
  read_run_csv (csv, t, v);
  NrtPlotData d;
  NrtPlotArea area;
  NrtPlotTrace trace = { "soma(0.5).v", { 0 }, FALSE, 0, (double *) (gpointer) t->data,
                         (double *) (gpointer) v->data, t->len };
  plot_data_for (&d, trace.x, trace.y, trace.n);
  d.title = "soma-hh";
  {
    /* Text metrics of a vector surface, as the SVG was laid out. */
    cairo_surface_t *s = cairo_svg_surface_create_for_stream (discard, NULL, W, H);
    cairo_t *cr = cairo_create (s);
    nrt_plot_compute_area (cr, W, H, &d, &area);
    cairo_destroy (cr);
    cairo_surface_destroy (s);
  }
  g_autoptr (GArray) points = g_array_new (FALSE, FALSE, sizeof (double));
  gsize n = nrt_plot_decimate (&trace, &d, &area, points);
  double x0 = 0, y0 = 0;
  guint longest = longest_svg_path (svg_text, &x0, &y0);
  const double *p = (const double *) (gpointer) points->data;
  g_test_message ("plot --svg: longest path %u points from (%g, %g), decimation gives %zu "
                  "from (%g, %g)", longest, x0, y0, n, p[0], p[1]);
  /* Every sample is its own pixel column here (401 samples, ~580 px); cairo merges runs of
   * collinear segments (the flat rest before the stimulus), so the path may have fewer. */
  g_assert_cmpuint (n, ==, t->len);
  g_assert_cmpuint (longest, >, n * 3 / 4);
  g_assert_cmpuint (longest, <=, n);
  g_assert_cmpfloat (fabs (x0 - p[0]), <, 0.01);
  g_assert_cmpfloat (fabs (y0 - p[1]), <, 0.01);

  g_unsetenv ("SOURCE_DATE_EPOCH");
}

static void
test_plot_errors (Fixture *f, gconstpointer data)
{
  const char *model = f->model;
  g_autofree char *err = NULL;
  g_autofree char *err2 = NULL;

  if (cli_path () == NULL)
    return;
  g_assert_cmpint (cli_run (NULL, &err, "plot", model, NULL), ==, 2);
  g_assert_cmpstr (err, ==,
                   "neurite-cli: plot needs one of --png FILE, --svg FILE or --pdf FILE\n");
  g_assert_cmpint (cli_run (NULL, &err2, "plot", model, "--record", "soma(0.5).nope", "--png",
                            "/nonexistent/x.png", NULL), ==, 2);
  g_assert_true (g_str_has_prefix (err2, "neurite-cli: --record soma(0.5).nope: "));
}

/* The rows of job j of a long-format sweep CSV, with the "j,VALUE," prefix removed. */
static char *
sweep_rows (const char *text, const char *prefix)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  GString *out = g_string_new (NULL);

  for (guint i = 1; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], prefix))
      g_string_append_printf (out, "%s\n", lines[i] + strlen (prefix));
  return g_string_free (out, FALSE);
}

/* sweep: --jobs 1 and --jobs 2 write the same bytes; a job's rows are `run --csv`'s rows for
 * that value; the summary's spikes and first spike agree with run's spike times. */
static void
test_sweep (Fixture *f, gconstpointer data)
{
  const char *model = f->model, *tmp = f->tmp;

  if (cli_path () == NULL)
    return;
  g_autofree char *c1 = g_build_filename (tmp, "j1.csv", NULL);
  g_autofree char *c2 = g_build_filename (tmp, "j2.csv", NULL);
  g_autofree char *s1 = g_build_filename (tmp, "j1.sum", NULL);
  g_autofree char *s2 = g_build_filename (tmp, "j2.sum", NULL);
  g_autofree char *run_csv = g_build_filename (tmp, "run.csv", NULL);
  g_autofree char *run_out = NULL;

  g_assert_cmpint (cli_run (NULL, NULL, "sweep", model, "--param", "IClamp[0].amp=0.01:1:4",
                            "--jobs", "1", "--csv", c1, "--summary", s1, NULL), ==, 0);
  g_assert_cmpint (cli_run (NULL, NULL, "sweep", model, "--param", "IClamp[0].amp=0.01:1:4",
                            "--jobs", "2", "--csv", c2, "--summary", s2, NULL), ==, 0);
  assert_same_file (c1, c2);
  assert_same_file (s1, s2);

  /* amp = 1 nA is the model's own value: job 3 must be exactly `run`. */
  g_assert_cmpint (cli_run (&run_out, NULL, "run", model, "--csv", run_csv, NULL), ==, 0);
  g_autofree char *csv_text = slurp (c1, NULL);
  g_autofree char *run_text = slurp (run_csv, NULL);
  g_autofree char *job3 = sweep_rows (csv_text, "3,1,");
  g_assert_true (g_str_has_prefix (csv_text, "job,IClamp[0].amp,t,soma(0.5).v\n"));
  g_assert_cmpstr (job3, ==, strchr (run_text, '\n') + 1);
  g_autofree char *job0 = sweep_rows (csv_text, "0,0.01,");
  g_assert_cmpuint (strlen (job0), >, 0);
  g_assert_cmpstr (job0, !=, job3);

  /* run prints "soma(0.5).v spikes: 2.463839" (%.6f) */
  double run_first = g_ascii_strtod (strstr (run_out, "spikes: ") + 8, NULL);
  g_autofree char *sum = slurp (s1, NULL);
  g_auto (GStrv) rows = g_strsplit (sum, "\n", -1);
  g_assert_cmpstr (rows[0], ==, "job,IClamp[0].amp,record,spikes,first_spike_ms");
  g_assert_cmpstr (rows[1], ==, "0,0.01,soma(0.5).v,0,");
  g_assert_true (g_str_has_prefix (rows[2], "1,0.34,soma(0.5).v,1,"));
  {
    /* Job 1 against `run` of the model saved with amp 0.34 through the model API. */
    g_autoptr (GError) error = NULL;
    g_autoptr (NrtModel) m = nrt_neuroml_read_file (model, &error);
    g_autofree char *nml = g_build_filename (tmp, "amp.nml", NULL);
    g_autofree char *amp_csv = g_build_filename (tmp, "amp.csv", NULL);
    g_autofree char *amp_out = NULL, *amp_text = NULL, *job1 = NULL;

    g_assert_no_error (error);
    g_assert_true (nrt_model_set_point_process_param (m, 0, "amp", 0.34, &error));
    g_assert_true (nrt_neuroml_write_file (m, nml, &error));
    g_assert_no_error (error);
    g_assert_cmpint (cli_run (&amp_out, NULL, "run", nml, "--csv", amp_csv, NULL), ==, 0);
    amp_text = slurp (amp_csv, NULL);
    job1 = sweep_rows (csv_text, "1,0.34,");
    g_assert_cmpstr (job1, ==, strchr (amp_text, '\n') + 1);
    double amp_first = g_ascii_strtod (strstr (amp_out, "spikes: ") + 8, NULL);
    double got = g_ascii_strtod (strrchr (rows[2], ',') + 1, NULL);
    g_test_message ("amp 0.34 nA: first spike %.6f ms (run), %.15g ms (sweep)", amp_first, got);
    g_assert_cmpfloat (fabs (got - amp_first), <, 1e-6);
  }
  g_assert_true (g_str_has_prefix (rows[4], "3,1,soma(0.5).v,1,"));
  double first = g_ascii_strtod (strrchr (rows[4], ',') + 1, NULL);
  g_assert_cmpfloat (fabs (first - run_first), <, 1e-6);
  g_assert_cmpstr (rows[5], ==, "");

}

/* A grid: the first --param varies slowest; settings and mechanism parameters; comma lists;
 * the threshold; refusals as one line with status 2. */
static void
test_sweep_grid (Fixture *f, gconstpointer data)
{
  const char *model = f->model;
  g_autofree char *out = NULL, *out_thr = NULL, *err = NULL, *err2 = NULL;

  if (cli_path () == NULL)
    return;
  g_assert_cmpint (cli_run (&out, NULL, "sweep", model, "--param", "soma.gnabar_hh=0,0.12",
                            "--param", "tstop=5:10:3", "--jobs", "2", NULL), ==, 0);
  g_assert_cmpstr (out, ==,
                   "job,soma.gnabar_hh,tstop,record,spikes,first_spike_ms\n"
                   "0,0,5,soma(0.5).v,0,\n"
                   "1,0,7.5,soma(0.5).v,0,\n"
                   "2,0,10,soma(0.5).v,0,\n"
                   "3,0.12,5,soma(0.5).v,1,2.46383883090322\n"
                   "4,0.12,7.5,soma(0.5).v,1,2.46383883090322\n"
                   "5,0.12,10,soma(0.5).v,1,2.46383883090322\n");
  /* The spike peaks near +41 mV: a 45 mV threshold sees none. */
  g_assert_cmpint (cli_run (&out_thr, NULL, "sweep", model, "--param", "celsius=6.3",
                            "--threshold", "45", NULL), ==, 0);
  g_assert_cmpstr (out_thr, ==, "job,celsius,record,spikes,first_spike_ms\n"
                                "0,6.3,soma(0.5).v,0,\n");
  g_assert_cmpint (cli_run (NULL, &err, "sweep", model, "--param", "IClamp[3].amp=1", NULL),
                   ==, 2);
  g_assert_cmpstr (err, ==, "neurite-cli: --param IClamp[3].amp=1: the model has no point "
                            "process, section or subset “IClamp[3]”\n");
  g_assert_cmpint (cli_run (NULL, &err2, "sweep", model, "--param", "IClamp[0].amp=1:2:0",
                            NULL), ==, 2);
  g_assert_true (g_str_has_suffix (err2, "the count must be a whole number ≥ 1\n"));
}

/* validate on a LEMS file runs the jNeuroML-style LEMS checks: an OutputFile without its
 * fileName is refused with its line, though the NeuroML it includes is valid. */
static void
test_validate_lems (Fixture *f, gconstpointer data)
{
  const char *shared = g_getenv ("NRT_SHARED_DIR");
  g_autofree char *dir = NULL;
  g_autoptr (GError) error = NULL;
  static const char *files[] = {
    "HH_example_net.nml", "HH_example_cell.nml", "HH_example_na_channel.nml",
    "HH_example_k_channel.nml", "HH_example_leak_channel.nml",
    "LEMS_HH_single_compartment_example_sim.xml",
  };

  if (cli_path () == NULL)
    return;
  dir = g_build_filename (shared != NULL ? shared : NRT_SOURCE_ROOT "/../shared", "neuroml",
                          "Documentation", "NML2_examples", NULL);
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("the shared NeuroML examples are absent");
      return;
    }
  const char *tmp = f->tmp;
  g_autofree char *lems_text = NULL;
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *src = g_build_filename (dir, files[i], NULL);
      g_autofree char *dst = g_build_filename (tmp, files[i], NULL);
      gsize len;
      g_autofree char *text = slurp (src, &len);
      g_assert_true (g_file_set_contents (dst, text, len, &error));
      if (g_str_has_suffix (files[i], ".xml"))
        lems_text = g_steal_pointer (&text);
    }
  g_autofree char *good = g_build_filename (tmp, files[G_N_ELEMENTS (files) - 1], NULL);
  g_autofree char *bad = g_build_filename (tmp, "LEMS_bad.xml", NULL);
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr (GRegex) re = g_regex_new (" fileName=\"[^\"]*\"", 0, 0, NULL);
  g_autofree char *bad_text = g_regex_replace_literal (re, lems_text, -1, 0, "", 0, NULL);
  g_assert_cmpstr (bad_text, !=, lems_text);
  g_assert_true (g_file_set_contents (bad, bad_text, -1, &error));

  g_assert_cmpint (cli_run (&out, NULL, "validate", good, NULL), ==, 0);
  g_assert_true (strstr (out, ": valid (LEMS checks") != NULL);
  g_assert_cmpint (cli_run (NULL, &err, "validate", bad, NULL), ==, 2);
  g_autofree char *want = g_strdup_printf ("%s:24: <OutputFile> has no fileName\n", bad);
  g_assert_cmpstr (err, ==, want);

}

/* info lists ChannelBuilder channels (kind, ion, conductance, gates, schemes) and point
 * channels with only the parameters they have. */
static void
test_info_channels (Fixture *f, gconstpointer data)
{
  g_autoptr (NrtModel) model = nrt_model_new_default ();
  g_autoptr (NrtChannel) khh = nrt_channel_new_hh_k ();
  g_autoptr (NrtChannel) pk = nrt_channel_new ("pk");
  g_autoptr (GError) error = NULL;
  NrtKsScheme *ks;

  if (cli_path () == NULL)
    return;
  g_free (khh->name);
  khh->name = g_strdup ("khh");
  khh->gmax = 0.036;
  g_assert_true (nrt_model_add_channel (model, khh, &error));
  g_assert_true (nrt_model_insert_mechanism (model, "soma", "khh", &error));
  pk->kind = NRT_CHANNEL_POINT;
  pk->ion = NRT_ION_K;
  pk->gmax = 0.002;
  pk->single = TRUE;
  ks = nrt_channel_add_scheme (pk, 1);
  nrt_ks_scheme_add_state (ks, "C", 0, 0, 0);
  nrt_ks_scheme_add_state (ks, "O", 1, 50, 0);
  nrt_ks_scheme_add_transition (ks, 0, 1, NRT_GATE_ALPHA_BETA,
                                &(NrtRate) { NRT_RATE_EXP, 0.2, 0.05, -40 },
                                &(NrtRate) { NRT_RATE_EXP, 0.1, -0.05, -40 }, NRT_ION_NA, 1);
  g_assert_true (nrt_model_add_channel (model, pk, &error));
  g_assert_no_error (error);
  int pp = nrt_model_add_point_process (model, "pk", "soma", 0.5, &error);
  g_assert_no_error (error);
  g_assert_cmpint (pp, ==, 0);
  g_assert_true (nrt_model_set_point_process_param (model, pp, "Nsingle", 3, &error));

  const char *tmp = f->tmp;
  g_autofree char *nml = g_build_filename (tmp, "channels.nml", NULL);
  g_assert_true (nrt_neuroml_write_file (model, nml, &error));
  g_assert_no_error (error);

  g_autofree char *out = NULL;
  g_assert_cmpint (cli_run (&out, NULL, "info", nml, NULL), ==, 0);
  g_test_message ("%s", out);
  g_assert_true (strstr (out, "nseg=1 Ra=35.4 cm=1 mechanisms: khh\n") != NULL);
  g_assert_true (strstr (out, "pk[0] at soma(0.5): gmax=0.002 uS Nsingle=3 (channel pk)\n")
                 != NULL);
  g_assert_true (strstr (out, "channel khh: density, ion k, ohmic, gmax=0.036 S/cm2\n"
                              "  gate n^4 alpha/beta linoid,exp\n") != NULL);
  g_assert_true (strstr (out, "channel pk: point, ion k, ohmic, gmax=0.002 uS single channels "
                              "allowed\n"
                              "  scheme 0: power 1, states C O(1)\n"
                              "    C <-> O alpha/beta exp,exp\n") != NULL);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/cli/plot/png", Fixture, NULL, fixture_set_up, test_plot_png,
              fixture_tear_down);
  g_test_add ("/cli/plot/svg-pdf", Fixture, NULL, fixture_set_up, test_plot_svg_pdf,
              fixture_tear_down);
  g_test_add ("/cli/plot/range", Fixture, NULL, fixture_set_up, test_plot_range,
              fixture_tear_down);
  g_test_add ("/cli/plot/errors", Fixture, NULL, fixture_set_up, test_plot_errors,
              fixture_tear_down);
  g_test_add ("/cli/sweep/jobs", Fixture, NULL, fixture_set_up, test_sweep,
              fixture_tear_down);
  g_test_add ("/cli/sweep/grid", Fixture, NULL, fixture_set_up, test_sweep_grid,
              fixture_tear_down);
  g_test_add ("/cli/validate/lems", Fixture, NULL, fixture_set_up, test_validate_lems,
              fixture_tear_down);
  g_test_add ("/cli/info/channels", Fixture, NULL, fixture_set_up, test_info_channels,
              fixture_tear_down);
  return g_test_run ();
}
