/* nrt-cli.c: neurite-cli, the headless front end: run, plot, sweep, validate, info and
 * convert on a model file (NeuroML, or an SWC morphology read with NEURON Import3d's rules).
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * This is a contract that scripts and tests rely on: bad input exits with status 2 and one
 * line "FILE:LINE: what is wrong" on stderr; a run prints the spike times of every recorded
 * voltage and can write every step to CSV; plot draws with the Graph window's renderer
 * (nrt-plot-render.c); sweep runs one simulation per thread and writes results in the order
 * of the parameter grid, so its files do not depend on --jobs.
 */
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "nrt-lems.h"
#include "nrt-model.h"
#include "nrt-neuroml.h"
#include "nrt-sim.h"
#include "nrt-swc.h"
#ifdef NRT_CLI_HAVE_PLOT
#include "nrt-plot-render.h"
#endif

#define EXIT_BAD_INPUT 2

static const char *usage_text =
  "Usage:\n"
  "  neurite-cli run MODEL [RUN OPTIONS] [--record EXPR]... [--csv FILE]\n"
  "  neurite-cli plot MODEL [RUN OPTIONS] [--record EXPR]... --png|--svg|--pdf FILE\n"
  "                [--width W] [--height H] [--title TEXT] [--ylabel TEXT]\n"
  "                [--xrange A:B] [--yrange A:B]\n"
  "  neurite-cli sweep MODEL --param NAME=VALUES [--param ...] [--jobs N] [RUN OPTIONS]\n"
  "                [--record EXPR]... [--threshold MV|model] [--csv OUT] [--summary OUT]\n"
  "  neurite-cli validate MODEL\n"
  "  neurite-cli info MODEL\n"
  "  neurite-cli convert MODEL OUT.nml\n"
  "\n"
  "RUN OPTIONS: [--tstop MS] [--dt MS] [--method implicit|cn] [--celsius C] [--v-init MV]\n"
  "             [--no-hh-table]\n"
  "\n"
  "MODEL is a NeuroML file (.nml, or a LEMS .xml) or an SWC morphology (.swc), which is\n"
  "read as NEURON's Import3d reads it: soma[0], dend[i]..., nseg by d_lambda 0.1.\n"
  "\n"
  "EXPR is SECTION(X).VAR, e.g. soma(0.5).v, axon(0.5).m_hh, soma(0.5).ina, or\n"
  "POINTPROCESS[i].VAR, e.g. IClamp[0].i, ExpSyn[0].g.  Without --record: the middle of\n"
  "the root section's v.\n"
  "\n"
  "plot draws the records against t with the Graph window's renderer (axes, ticks, units,\n"
  "legend, colours; the light style of its exports), the view fitted as View = plot does\n"
  "unless --xrange (ms) or --yrange (the records' units) set it.\n"
  "W x H are pixels for PNG (drawn at twice that resolution) and points for SVG and PDF,\n"
  "default 800 x 500.  PDF files are byte-reproducible when SOURCE_DATE_EPOCH is set.\n"
#ifndef NRT_CLI_HAVE_PLOT
  "(This neurite-cli was built without cairo/pangocairo: plot is not available.)\n"
#endif
  "\n"
  "sweep runs the model once per value (a grid when --param is given several times; the\n"
  "first --param varies slowest), one simulation per thread, --jobs of them at once\n"
  "(default: the number of processors).  NAME is\n"
  "  POINTPROCESS[i].PARAM   e.g. IClamp[0].amp, ExpSyn[0].tau, myK[0].gmax\n"
  "  TARGET.PARAM            a section or subset and a mechanism parameter in NEURON's\n"
  "                          name, e.g. soma.gnabar_hh, all.e_pas, dend.gmax_kdr; or cm\n"
  "  tstop, dt, celsius, v_init   the run settings\n"
  "VALUES is START:STOP:COUNT (COUNT values evenly spaced, both ends included), or a comma\n"
  "list, or one value.  --csv OUT is in long format: the header is\n"
  "  job,NAME...,t,EXPR...\n"
  "and every job writes one row per time step (t = 0 included), jobs in grid order.\n"
  "--summary OUT (stdout when absent) has one row per job and recorded voltage:\n"
  "  job,NAME...,record,spikes,first_spike_ms\n"
  "spikes counts upward crossings of the threshold (--threshold, default 0 mV; \"model\"\n"
  "for the cell's output threshold), first_spike_ms is empty when there is none.\n";

/* Prints one line and returns the bad-input status. */
static int
fail (const char *fmt, ...) G_GNUC_PRINTF (1, 2);

static int
fail (const char *fmt, ...)
{
  va_list args;
  g_autofree char *msg = NULL;

  va_start (args, fmt);
  msg = g_strdup_vprintf (fmt, args);
  va_end (args);
  /* One line, always: a message with newlines would break the contract. */
  g_strdelimit (msg, "\r\n", ' ');
  fprintf (stderr, "%s\n", msg);
  return EXIT_BAD_INPUT;
}

/* A NeuroML file, or an SWC morphology by its extension. */
static NrtModel *
read_model (const char *path, GError **error)
{
  if (nrt_swc_is_swc_path (path))
    return nrt_swc_read_file (path, error);
  return nrt_neuroml_read_file (path, error);
}

/* Reads a model and compiles it; a compile error is prefixed with the file's name. */
static gboolean
load_and_compile (const char *path, NrtModel **model, NrtNetwork **net, GError **error)
{
  *model = read_model (path, error);
  if (*model == NULL)
    return FALSE;
  *net = nrt_network_compile (*model, error);
  if (*net == NULL)
    {
      g_prefix_error (error, "%s: ", path);
      return FALSE;
    }
  return TRUE;
}

/* Upward crossings of thr, linearly interpolated between samples, as nrnref.py does. */
static void
collect_spikes (GArray *spikes, double t0, double v0, double t1, double v1, double thr)
{
  if (v0 < thr && v1 >= thr)
    {
      double f = (thr - v0) / (v1 - v0);
      double ts = t0 + f * (t1 - t0);
      g_array_append_val (spikes, ts);
    }
}

static gboolean
is_voltage_record (const char *expr)
{
  return g_str_has_suffix (expr, ").v");
}

/* %.15g with '.', as NEURON's references are written. */
static void
put_number (FILE *out, double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  fputs (g_ascii_formatd (buf, sizeof buf, "%.15g", value), out);
}

/* One CSV row: t and every record. */
static void
write_row (FILE *csv, const NrtSim *sim, guint nrec)
{
  if (csv == NULL)
    return;
  put_number (csv, nrt_sim_get_t (sim));
  for (guint i = 0; i < nrec; i++)
    {
      fputc (',', csv);
      put_number (csv, nrt_sim_record_value (sim, i));
    }
  fputc ('\n', csv);
}

static gboolean
parse_double (const char *what, const char *value, double *out, GError **error)
{
  char *end = NULL;
  double d;

  errno = 0;
  d = g_ascii_strtod (value, &end);
  if (end == value || *end != '\0' || errno != 0 || !isfinite (d))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "neurite-cli: %s: “%s” is not a number", what, value);
      return FALSE;
    }
  *out = d;
  return TRUE;
}

static gboolean
parse_double_option (const char *name, const char *value, double *out, GError **error)
{
  g_autofree char *what = g_strdup_printf ("--%s", name);

  if (value == NULL)
    return TRUE;
  return parse_double (what, value, out, error);
}

/* ---- the options run, plot and sweep share ------------------------------------------- */

typedef struct {
  char    *tstop_s, *dt_s, *method_s, *celsius_s, *vinit_s;
  gboolean no_table;
  char   **records;
} RunOptions;

static void
run_options_clear (RunOptions *o)
{
  g_free (o->tstop_s);
  g_free (o->dt_s);
  g_free (o->method_s);
  g_free (o->celsius_s);
  g_free (o->vinit_s);
  g_strfreev (o->records);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RunOptions, run_options_clear)

static void
run_options_add (GOptionContext *ctx, RunOptions *o)
{
  GOptionEntry entries[] = {
    { "tstop", 0, 0, G_OPTION_ARG_STRING, &o->tstop_s, "Stop time", "MS" },
    { "dt", 0, 0, G_OPTION_ARG_STRING, &o->dt_s, "Time step", "MS" },
    { "method", 0, 0, G_OPTION_ARG_STRING, &o->method_s, "implicit or cn", "METHOD" },
    { "celsius", 0, 0, G_OPTION_ARG_STRING, &o->celsius_s, "Temperature", "C" },
    { "v-init", 0, 0, G_OPTION_ARG_STRING, &o->vinit_s, "Initial voltage", "MV" },
    { "no-hh-table", 0, 0, G_OPTION_ARG_NONE, &o->no_table, "Evaluate hh rates directly", NULL },
    { "record", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o->records, "What to record", "EXPR" },
    { NULL }
  };

  /* Entries are copied; the storage they point to is o's. */
  g_option_context_add_main_entries (ctx, entries, NULL);
}

/* Applies the run options to model's settings. */
static gboolean
run_options_apply (const RunOptions *o, NrtModel *model, GError **error)
{
  NrtRunSettings s = nrt_model_get_data (model)->settings;

  if (!parse_double_option ("tstop", o->tstop_s, &s.tstop, error)
      || !parse_double_option ("dt", o->dt_s, &s.dt, error)
      || !parse_double_option ("celsius", o->celsius_s, &s.celsius, error)
      || !parse_double_option ("v-init", o->vinit_s, &s.v_init, error))
    return FALSE;
  if (o->method_s != NULL)
    {
      if (strcmp (o->method_s, "implicit") == 0)
        s.method = NRT_METHOD_IMPLICIT;
      else if (strcmp (o->method_s, "cn") == 0)
        s.method = NRT_METHOD_CN;
      else
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "neurite-cli: --method must be implicit or cn, not “%s”", o->method_s);
          return FALSE;
        }
    }
  if (o->no_table)
    s.hh_use_table = FALSE;
  if (!nrt_model_set_settings (model, &s, error))
    {
      g_prefix_error (error, "neurite-cli: ");
      return FALSE;
    }
  return TRUE;
}

/* The --record expressions, or NEURON's habit: the middle of the root section. */
static GPtrArray *
record_list (const RunOptions *o, NrtModel *model)
{
  GPtrArray *exprs = g_ptr_array_new_with_free_func (g_free);

  if (o->records != NULL)
    for (char **r = o->records; *r; r++)
      g_ptr_array_add (exprs, g_strdup (*r));
  if (exprs->len == 0)
    {
      const NrtModelData *d = nrt_model_get_data (model);
      for (guint i = 0; i < d->sections->len; i++)
        {
          const NrtSection *sec = d->sections->pdata[i];
          if (sec->parent < 0)
            {
              g_ptr_array_add (exprs, g_strdup_printf ("%s(0.5).v", sec->name));
              break;
            }
        }
    }
  return exprs;
}

/* ---- one simulation ------------------------------------------------------------------- */

typedef struct {
  GArray    *t;       /* of double: every sample when kept, else NULL */
  GPtrArray *y;       /* of GArray of double, one per record (kept runs only) */
  GPtrArray *spikes;  /* of GArray of double, one per record (empty for non-voltages) */
} SimResult;

static void
sim_result_clear (SimResult *r)
{
  g_clear_pointer (&r->t, g_array_unref);
  g_clear_pointer (&r->y, g_ptr_array_unref);
  g_clear_pointer (&r->spikes, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SimResult, sim_result_clear)

static void
keep_sample (SimResult *r, const NrtSim *sim, guint nrec)
{
  double t = nrt_sim_get_t (sim);

  if (r->t == NULL)
    return;
  g_array_append_val (r->t, t);
  for (guint i = 0; i < nrec; i++)
    {
      double v = nrt_sim_record_value (sim, i);
      g_array_append_val ((GArray *) r->y->pdata[i], v);
    }
}

/* Compiles model and runs it to its tstop with NEURON stdrun's loop, recording exprs: rows
 * streamed to csv (may be NULL), samples kept in result when keep, spikes (upward crossings
 * of threshold, mV) of the voltage records always.  Errors are one line, prefixed with path
 * for compile and solver failures.  Safe to call from several threads on distinct models. */
static gboolean
simulate (NrtModel   *model,
          const char *path,
          GPtrArray  *exprs,
          double      threshold,
          FILE       *csv,
          gboolean    keep,
          SimResult  *result,
          GError    **error)
{
  guint nrec = exprs->len;
  const NrtRunSettings *s = &nrt_model_get_data (model)->settings;

  g_autoptr(NrtNetwork) net = nrt_network_compile (model, error);
  if (net == NULL)
    {
      g_prefix_error (error, "%s: ", path);
      return FALSE;
    }
  g_autoptr(NrtSim) sim = nrt_sim_new (net);
  for (guint i = 0; i < nrec; i++)
    if (nrt_sim_add_record (sim, exprs->pdata[i], error) < 0)
      {
        g_prefix_error (error, "neurite-cli: --record %s: ", (char *) exprs->pdata[i]);
        return FALSE;
      }

  result->spikes = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  result->y = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  if (keep)
    result->t = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint i = 0; i < nrec; i++)
    {
      g_ptr_array_add (result->spikes, g_array_new (FALSE, FALSE, sizeof (double)));
      if (keep)
        g_ptr_array_add (result->y, g_array_new (FALSE, FALSE, sizeof (double)));
    }

  g_autofree double *prev = g_new0 (double, nrec);
  double t_prev;

  nrt_sim_init (sim);
  t_prev = nrt_sim_get_t (sim);
  for (guint i = 0; i < nrec; i++)
    prev[i] = nrt_sim_record_value (sim, i);
  keep_sample (result, sim, nrec);
  write_row (csv, sim, nrec);

  /* stdrun's loop: step while t < tstop - dt/2. */
  while (nrt_sim_get_t (sim) < s->tstop - 0.5 * s->dt)
    {
      if (!nrt_sim_step (sim, error))
        {
          g_prefix_error (error, "%s: ", path);
          return FALSE;
        }
      double t = nrt_sim_get_t (sim);
      for (guint i = 0; i < nrec; i++)
        {
          double v = nrt_sim_record_value (sim, i);
          if (is_voltage_record (exprs->pdata[i]))
            collect_spikes (result->spikes->pdata[i], t_prev, prev[i], t, v, threshold);
          prev[i] = v;
        }
      t_prev = t;
      keep_sample (result, sim, nrec);
      write_row (csv, sim, nrec);
    }
  return TRUE;
}

/* Prints "EXPR spikes: t1 t2 ..." for every voltage record. */
static void
print_spikes (GPtrArray *exprs, const SimResult *r)
{
  for (guint i = 0; i < exprs->len; i++)
    {
      if (!is_voltage_record (exprs->pdata[i]))
        continue;
      GArray *sp = r->spikes->pdata[i];
      printf ("%s spikes:", (char *) exprs->pdata[i]);
      if (sp->len == 0)
        printf (" none");
      for (guint k = 0; k < sp->len; k++)
        printf (" %.6f", g_array_index (sp, double, k));
      printf ("\n");
    }
}

/* Parses the options of run, plot or sweep (extra: the command's own, may be NULL) and
 * reads MODEL with the run options applied.  Returns NULL after printing the error. */
static NrtModel *
parse_and_read (int *argc, char ***argv, const char *command, RunOptions *o,
                const GOptionEntry *extra, int *status)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) ctx = g_option_context_new ("MODEL");

  run_options_add (ctx, o);
  if (extra != NULL)
    g_option_context_add_main_entries (ctx, extra, NULL);
  g_option_context_set_help_enabled (ctx, TRUE);
  *status = EXIT_BAD_INPUT;
  if (!g_option_context_parse (ctx, argc, argv, &error))
    {
      fail ("neurite-cli: %s", error->message);
      return NULL;
    }
  if (*argc != 2)
    {
      fail ("neurite-cli: %s needs exactly one MODEL file (see neurite-cli --help)", command);
      return NULL;
    }
  g_autoptr(NrtModel) model = read_model ((*argv)[1], &error);
  if (model == NULL)
    {
      fail ("%s", error->message);
      return NULL;
    }
  if (!run_options_apply (o, model, &error))
    {
      fail ("%s", error->message);
      return NULL;
    }
  *status = 0;
  return g_steal_pointer (&model);
}

static int
command_run (int argc, char **argv)
{
  g_auto(RunOptions) o = { 0 };
  g_autofree char *csv_path = NULL;
  g_autoptr(GError) error = NULL;
  GOptionEntry entries[] = {
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv_path, "Write every step to FILE", "FILE" },
    { NULL }
  };
  int status;

  g_autoptr(NrtModel) model = parse_and_read (&argc, &argv, "run", &o, entries, &status);
  if (model == NULL)
    return status;
  const char *path = argv[1];
  g_autoptr(GPtrArray) exprs = record_list (&o, model);

  FILE *csv = NULL;
  if (csv_path != NULL)
    {
      csv = fopen (csv_path, "w");
      if (csv == NULL)
        return fail ("neurite-cli: cannot write %s: %s", csv_path, g_strerror (errno));
      fputs ("t", csv);
      for (guint i = 0; i < exprs->len; i++)
        fprintf (csv, ",%s", (char *) exprs->pdata[i]);
      fputc ('\n', csv);
    }

  g_auto(SimResult) result = { 0 };
  gboolean ok = simulate (model, path, exprs, 0.0, csv, FALSE, &result, &error);
  if (!ok)
    status = fail ("%s", error->message);
  if (csv != NULL && fclose (csv) != 0 && status == 0)
    status = fail ("neurite-cli: cannot write %s: %s", csv_path, g_strerror (errno));
  if (ok)
    print_spikes (exprs, &result);
  return status;
}

#ifdef NRT_CLI_HAVE_PLOT
/* The Graph window's y titles, by what every record is; NULL when they are of mixed kinds. */
static const char *
y_title_for (GPtrArray *exprs)
{
  guint nv = 0, ni = 0, ns = 0;

  for (guint i = 0; i < exprs->len; i++)
    {
      const char *dot = strrchr (exprs->pdata[i], '.');
      const char *var = dot != NULL ? dot + 1 : exprs->pdata[i];
      if (strcmp (var, "v") == 0)
        nv++;
      else if (var[0] == 'i')
        ni++;
      else if (g_str_has_suffix (var, "_hh") || strchr ("mhn", var[0]) != NULL)
        ns++;
    }
  if (nv == exprs->len)
    return "v (mV)";
  if (ni == exprs->len)
    return "i (mA/cm² or nA)";
  if (ns == exprs->len)
    return "state (1)";
  return NULL;
}

/* "A:B" with A < B, into lo and hi; NULL leaves them. */
static gboolean
parse_range (const char *what, const char *value, double *lo, double *hi, GError **error)
{
  const char *colon = value != NULL ? strchr (value, ':') : NULL;
  g_autofree char *a = NULL;
  double x0, x1;

  if (value == NULL)
    return TRUE;
  if (colon == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "neurite-cli: %s: expected A:B, not “%s”", what, value);
      return FALSE;
    }
  a = g_strndup (value, colon - value);
  if (!parse_double (what, a, &x0, error) || !parse_double (what, colon + 1, &x1, error))
    return FALSE;
  if (!(x0 < x1))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "neurite-cli: %s: %s must be less than %s", what, a, colon + 1);
      return FALSE;
    }
  *lo = x0;
  *hi = x1;
  return TRUE;
}

static int
command_plot (int argc, char **argv)
{
  g_auto(RunOptions) o = { 0 };
  g_autofree char *png = NULL, *svg = NULL, *pdf = NULL, *title = NULL, *ylabel = NULL;
  g_autofree char *xrange = NULL, *yrange = NULL;
  g_autoptr(GError) error = NULL;
  int width = 800, height = 500;
  GOptionEntry entries[] = {
    { "png", 0, 0, G_OPTION_ARG_FILENAME, &png, "Write a PNG image", "FILE" },
    { "svg", 0, 0, G_OPTION_ARG_FILENAME, &svg, "Write an SVG image", "FILE" },
    { "pdf", 0, 0, G_OPTION_ARG_FILENAME, &pdf, "Write a PDF image", "FILE" },
    { "width", 0, 0, G_OPTION_ARG_INT, &width, "Width (px, or pt for SVG/PDF), default 800", "W" },
    { "height", 0, 0, G_OPTION_ARG_INT, &height, "Height, default 500", "H" },
    { "title", 0, 0, G_OPTION_ARG_STRING, &title, "Title above the plot", "TEXT" },
    { "ylabel", 0, 0, G_OPTION_ARG_STRING, &ylabel, "y axis title with units", "TEXT" },
    { "xrange", 0, 0, G_OPTION_ARG_STRING, &xrange, "x view (default: View = plot)", "A:B" },
    { "yrange", 0, 0, G_OPTION_ARG_STRING, &yrange, "y view (default: View = plot)", "A:B" },
    { NULL }
  };
  int status;

  g_autoptr(NrtModel) model = parse_and_read (&argc, &argv, "plot", &o, entries, &status);
  if (model == NULL)
    return status;
  if ((png != NULL) + (svg != NULL) + (pdf != NULL) != 1)
    return fail ("neurite-cli: plot needs one of --png FILE, --svg FILE or --pdf FILE");
  /* Beyond 10000 the PNG's doubled surface passes cairo's 32767-pixel limit. */
  if (width < 100 || height < 100 || width > 10000 || height > 10000)
    return fail ("neurite-cli: --width and --height must be 100 to 10000");

  const char *path = argv[1];
  g_autoptr(GPtrArray) exprs = record_list (&o, model);
  g_auto(SimResult) r = { 0 };
  if (!simulate (model, path, exprs, 0.0, NULL, TRUE, &r, &error))
    return fail ("%s", error->message);

  g_autofree NrtPlotTrace *traces = g_new0 (NrtPlotTrace, exprs->len);
  double ylo = INFINITY, yhi = -INFINITY;
  const double *t = (const double *) (gpointer) r.t->data;
  for (guint i = 0; i < exprs->len; i++)
    {
      GArray *y = r.y->pdata[i];
      traces[i].label = exprs->pdata[i];
      nrt_plot_palette_color (i, FALSE, &traces[i].color);
      traces[i].x = t;
      traces[i].y = (const double *) (gpointer) y->data;
      traces[i].n = y->len;
      for (guint k = 0; k < y->len; k++)
        if (isfinite (g_array_index (y, double, k)))
          {
            ylo = MIN (ylo, g_array_index (y, double, k));
            yhi = MAX (yhi, g_array_index (y, double, k));
          }
    }
  if (!(ylo <= yhi))
    ylo = yhi = 0;

  /* As the Graph window's image export: the light style, Sans 10, View = plot. */
  NrtPlotData data = { 0 };
  nrt_plot_fit_range (t[0], t[r.t->len - 1], &data.x0, &data.x1);
  nrt_plot_fit_range (ylo, yhi, &data.y0, &data.y1);
  if (!parse_range ("--xrange", xrange, &data.x0, &data.x1, &error)
      || !parse_range ("--yrange", yrange, &data.y0, &data.y1, &error))
    return fail ("%s", error->message);
  data.x_title = "t (ms)";
  data.y_title = ylabel != NULL ? ylabel : y_title_for (exprs);
  data.title = title;
  data.font = "Sans 10";
  data.fg = (NrtPlotRGBA) { 0x24 / 255., 0x1f / 255., 0x31 / 255., 1 };  /* #241f31 */
  data.bg = (NrtPlotRGBA) { 1, 1, 1, 1 };
  data.traces = traces;
  data.n_traces = exprs->len;

  NrtPlotFormat format = png != NULL ? NRT_PLOT_FORMAT_PNG
                         : svg != NULL ? NRT_PLOT_FORMAT_SVG : NRT_PLOT_FORMAT_PDF;
  const char *out = png != NULL ? png : svg != NULL ? svg : pdf;
  if (!nrt_plot_write_image (&data, format, width, height, out, &error))
    return fail ("neurite-cli: %s", error->message);
  return 0;
}
#endif

/* ---- sweep ------------------------------------------------------------------------------ */

typedef enum {
  SWEEP_SETTING,
  SWEEP_POINT_PROCESS,
  SWEEP_CM,
  SWEEP_MECHANISM,
} SweepKind;

typedef struct {
  char     *name;    /* as given: "IClamp[0].amp" */
  SweepKind kind;
  char     *target;  /* section/subset, or point process name */
  char     *param;
  GArray   *values;  /* of double */
} SweepParam;

static void
sweep_param_free (SweepParam *p)
{
  g_free (p->name);
  g_free (p->target);
  g_free (p->param);
  if (p->values != NULL)
    g_array_unref (p->values);
  g_free (p);
}

/* "NAME=START:STOP:COUNT", "NAME=a,b,c" or "NAME=a". */
static SweepParam *
sweep_param_parse (const char *spec, GError **error)
{
  const char *eq = strchr (spec, '=');
  g_autofree char *what = g_strdup_printf ("--param %s", spec);

  if (eq == NULL || eq == spec || eq[1] == '\0')
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "neurite-cli: --param “%s”: expected NAME=START:STOP:COUNT or NAME=A,B,...",
                   spec);
      return NULL;
    }
  SweepParam *p = g_new0 (SweepParam, 1);
  p->name = g_strndup (spec, eq - spec);
  p->values = g_array_new (FALSE, FALSE, sizeof (double));
  g_auto(GStrv) range = g_strsplit (eq + 1, ":", -1);
  if (g_strv_length (range) == 3)
    {
      double a, b, n;
      if (!parse_double (what, range[0], &a, error) || !parse_double (what, range[1], &b, error)
          || !parse_double (what, range[2], &n, error))
        goto bad;
      if (n < 1 || n != floor (n) || n > 1e6)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "neurite-cli: --param %s: the count must be a whole number ≥ 1", spec);
          goto bad;
        }
      for (guint i = 0; i < (guint) n; i++)
        {
          /* a + i·(b − a)/(n − 1), with the last value exactly b. */
          double v = n == 1 ? a : i + 1 == (guint) n ? b : a + i * (b - a) / (n - 1);
          g_array_append_val (p->values, v);
        }
    }
  else if (g_strv_length (range) == 1)
    {
      g_auto(GStrv) list = g_strsplit (eq + 1, ",", -1);
      for (char **s = list; *s; s++)
        {
          double v;
          if (!parse_double (what, g_strstrip (*s), &v, error))
            goto bad;
          g_array_append_val (p->values, v);
        }
    }
  else
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "neurite-cli: --param “%s”: expected NAME=START:STOP:COUNT or NAME=A,B,...",
                   spec);
      goto bad;
    }

  const char *dot = strrchr (p->name, '.');
  if (dot == NULL)
    {
      static const char *settings[] = { "tstop", "dt", "celsius", "v_init" };
      p->kind = SWEEP_SETTING;
      for (guint i = 0; i < G_N_ELEMENTS (settings); i++)
        if (strcmp (p->name, settings[i]) == 0)
          return p;
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "neurite-cli: --param %s: a name without a dot must be tstop, dt, celsius or "
                   "v_init", p->name);
      goto bad;
    }
  p->target = g_strndup (p->name, dot - p->name);
  p->param = g_strdup (dot + 1);
  /* A point process when the model has one of that name (checked per model); else a
   * section or subset. */
  p->kind = strcmp (p->param, "cm") == 0 ? SWEEP_CM : SWEEP_MECHANISM;
  return p;

bad:
  sweep_param_free (p);
  return NULL;
}

static gboolean
sweep_param_apply (const SweepParam *p, NrtModel *model, double value, GError **error)
{
  gboolean ok;
  int pp;

  if (p->kind == SWEEP_SETTING)
    {
      NrtRunSettings s = nrt_model_get_data (model)->settings;
      if (strcmp (p->name, "tstop") == 0)
        s.tstop = value;
      else if (strcmp (p->name, "dt") == 0)
        s.dt = value;
      else if (strcmp (p->name, "celsius") == 0)
        s.celsius = value;
      else
        s.v_init = value;
      ok = nrt_model_set_settings (model, &s, error);
    }
  else if ((pp = nrt_model_find_point_process (model, p->target)) >= 0)
    ok = nrt_model_set_point_process_param (model, pp, p->param, value, error);
  else if (nrt_model_find_section (model, p->target) < 0
           && nrt_model_find_subset (model, p->target) < 0)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "the model has no point process, section or subset “%s”", p->target);
      ok = FALSE;
    }
  else if (p->kind == SWEEP_CM)
    ok = nrt_model_set_cm (model, p->target, value, error);
  else
    ok = nrt_model_set_mechanism_param (model, p->target, p->param, value, error);
  if (!ok)
    g_prefix_error (error, "neurite-cli: --param %s=%.15g: ", p->name, value);
  return ok;
}

typedef struct {
  guint      index;
  double    *values;   /* one per --param */
  SimResult  result;
  GError    *error;
  gboolean   done;     /* under SweepShared.lock */
} SweepJob;

typedef struct {
  const char       *path;
  const RunOptions *options;
  GPtrArray        *params;   /* of SweepParam* */
  GPtrArray        *exprs;
  double            threshold;
  gboolean          keep;
  NrtModel         *spare;    /* the main thread's read, for the first worker; under lock */
  GMutex            lock;
  GCond       done;    /* a job finished */
} SweepShared;

static void
sweep_job_free (SweepJob *job)
{
  g_free (job->values);
  sim_result_clear (&job->result);
  g_clear_error (&job->error);
  g_free (job);
}

/* Each worker thread's own model, read on its first job and kept for the next ones: reading a
 * big cell costs more than a short run (CA1: 0.3 s, mostly allocation), and every job sets
 * every swept value, so a reused model is the same as a fresh read with those values
 * (test-cli checks this: --jobs 1 reuses one model for all jobs, and its rows equal `run`
 * on files written with each value). */
static GPrivate worker_model = G_PRIVATE_INIT (g_object_unref);

/* A worker thread: sets the job's values on the thread's model and runs one simulation on
 * a network compiled from it. */
static void
sweep_job_run (gpointer data, gpointer user_data)
{
  SweepJob *job = data;
  SweepShared *sh = user_data;
  NrtModel *model = g_private_get (&worker_model);

  if (model == NULL)
    {
      g_mutex_lock (&sh->lock);
      model = g_steal_pointer (&sh->spare);
      g_mutex_unlock (&sh->lock);
      if (model != NULL)
        g_private_set (&worker_model, model);
    }
  if (model == NULL)
    {
      model = read_model (sh->path, &job->error);
      if (model != NULL && !run_options_apply (sh->options, model, &job->error))
        g_clear_object (&model);
      g_private_set (&worker_model, model);
    }
  if (model != NULL)
    {
      guint k;
      for (k = 0; k < sh->params->len; k++)
        if (!sweep_param_apply (sh->params->pdata[k], model, job->values[k], &job->error))
          break;
      if (k == sh->params->len)
        simulate (model, sh->path, sh->exprs, sh->threshold, NULL, sh->keep, &job->result,
                  &job->error);
    }
  g_mutex_lock (&sh->lock);
  job->done = TRUE;
  g_cond_broadcast (&sh->done);
  g_mutex_unlock (&sh->lock);
}

static void
sweep_wait (SweepShared *sh, SweepJob *job)
{
  g_mutex_lock (&sh->lock);
  while (!job->done)
    g_cond_wait (&sh->done, &sh->lock);
  g_mutex_unlock (&sh->lock);
}

static void
sweep_write_prefix (FILE *out, const SweepJob *job, guint nparams)
{
  fprintf (out, "%u", job->index);
  for (guint k = 0; k < nparams; k++)
    {
      fputc (',', out);
      put_number (out, job->values[k]);
    }
}

/* Writes a finished job's samples to the long-format CSV and frees them. */
static void
sweep_write_csv (FILE *csv, SweepJob *job, guint nparams, guint nrec)
{
  GArray *t = job->result.t;

  for (guint s = 0; t != NULL && s < t->len; s++)
    {
      sweep_write_prefix (csv, job, nparams);
      fputc (',', csv);
      put_number (csv, g_array_index (t, double, s));
      for (guint i = 0; i < nrec; i++)
        {
          fputc (',', csv);
          put_number (csv, g_array_index ((GArray *) job->result.y->pdata[i], double, s));
        }
      fputc ('\n', csv);
    }
  /* Written: the samples are not needed again. */
  g_clear_pointer (&job->result.t, g_array_unref);
  g_clear_pointer (&job->result.y, g_ptr_array_unref);
}

static int
command_sweep (int argc, char **argv)
{
  g_auto(RunOptions) o = { 0 };
  g_auto(GStrv) param_specs = NULL;
  g_autofree char *csv_path = NULL, *summary_path = NULL, *threshold_s = NULL;
  g_autoptr(GError) error = NULL;
  int jobs = 0;
  GOptionEntry entries[] = {
    { "param", 0, 0, G_OPTION_ARG_STRING_ARRAY, &param_specs, "What to vary", "NAME=VALUES" },
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &jobs, "Simulations at once (default: CPUs)", "N" },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv_path, "Every step of every job", "OUT" },
    { "summary", 0, 0, G_OPTION_ARG_FILENAME, &summary_path, "Spikes per job", "OUT" },
    { "threshold", 0, 0, G_OPTION_ARG_STRING, &threshold_s, "Spike threshold", "MV|model" },
    { NULL }
  };
  int status;

  g_autoptr(NrtModel) base = parse_and_read (&argc, &argv, "sweep", &o, entries, &status);
  if (base == NULL)
    return status;
  const char *path = argv[1];
  if (param_specs == NULL)
    return fail ("neurite-cli: sweep needs at least one --param NAME=VALUES");
  if (jobs < 0)
    return fail ("neurite-cli: --jobs must be ≥ 1");
  if (jobs == 0)
    jobs = g_get_num_processors ();

  double threshold = 0;
  if (threshold_s != NULL)
    {
      if (strcmp (threshold_s, "model") == 0)
        threshold = nrt_model_get_data (base)->threshold;
      else if (!parse_double ("--threshold", threshold_s, &threshold, &error))
        return fail ("%s", error->message);
    }

  g_autoptr(GPtrArray) params = g_ptr_array_new_with_free_func ((GDestroyNotify) sweep_param_free);
  guint njobs = 1;
  for (char **s = param_specs; *s; s++)
    {
      SweepParam *p = sweep_param_parse (*s, &error);
      if (p == NULL)
        return fail ("%s", error->message);
      g_ptr_array_add (params, p);
      if (njobs > 1000000 / p->values->len)
        return fail ("neurite-cli: the sweep has more than a million runs");
      njobs *= p->values->len;
    }
  g_autoptr(GPtrArray) exprs = record_list (&o, base);

  /* Opened first, so that an unwritable path fails before any simulation. */
  FILE *csv = NULL;
  if (csv_path != NULL)
    {
      csv = fopen (csv_path, "w");
      if (csv == NULL)
        return fail ("neurite-cli: cannot write %s: %s", csv_path, g_strerror (errno));
      fputs ("job", csv);
      for (guint k = 0; k < params->len; k++)
        fprintf (csv, ",%s", ((SweepParam *) params->pdata[k])->name);
      fputs (",t", csv);
      for (guint i = 0; i < exprs->len; i++)
        fprintf (csv, ",%s", (char *) exprs->pdata[i]);
      fputc ('\n', csv);
    }

  /* Every value is tried on the model read above first, so that a bad one is refused
   * before any simulation. */
  for (guint k = 0; k < params->len; k++)
    {
      const SweepParam *p = params->pdata[k];
      for (guint i = 0; i < p->values->len; i++)
        if (!sweep_param_apply (p, base, g_array_index (p->values, double, i), &error))
          {
            if (csv != NULL)
              fclose (csv);
            return fail ("%s", error->message);
          }
    }

  /* Every worker thread reads the file once (the model API has no copy; the first takes the
   * model read above) and runs its jobs on that model, each with all its values set.  The
   * CSV is written in grid order as jobs finish, so at most the finished-but-not-yet-written
   * jobs hold their samples. */
  SweepShared shared = { path, &o, params, exprs, threshold, csv != NULL,
                         g_object_ref (base) };
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func ((GDestroyNotify) sweep_job_free);
  g_mutex_init (&shared.lock);
  g_cond_init (&shared.done);
  GThreadPool *pool = g_thread_pool_new (sweep_job_run, &shared, jobs, FALSE, NULL);
  for (guint j = 0; j < njobs; j++)
    {
      SweepJob *job = g_new0 (SweepJob, 1);
      guint stride = njobs;

      job->index = j;
      job->values = g_new0 (double, params->len);
      for (guint k = 0; k < params->len; k++)
        {
          const SweepParam *p = params->pdata[k];
          stride /= p->values->len;
          job->values[k] = g_array_index (p->values, double, (j / stride) % p->values->len);
        }
      g_ptr_array_add (all, job);
      g_thread_pool_push (pool, job, NULL);
    }
  status = 0;
  for (guint j = 0; j < all->len && status == 0; j++)
    {
      SweepJob *job = all->pdata[j];
      sweep_wait (&shared, job);
      if (job->error != NULL)
        status = fail ("%s (job %u)", job->error->message, j);
      else if (csv != NULL)
        sweep_write_csv (csv, job, params->len, exprs->len);
    }
  /* Waits for the jobs still running after a failure. */
  g_thread_pool_free (pool, FALSE, TRUE);
  g_clear_object (&shared.spare);
  g_mutex_clear (&shared.lock);
  g_cond_clear (&shared.done);
  if (csv != NULL && fclose (csv) != 0 && status == 0)
    status = fail ("neurite-cli: cannot write %s: %s", csv_path, g_strerror (errno));
  if (status != 0)
    return status;

  FILE *sum = summary_path != NULL ? fopen (summary_path, "w") : stdout;
  if (sum == NULL)
    return fail ("neurite-cli: cannot write %s: %s", summary_path, g_strerror (errno));
  fputs ("job", sum);
  for (guint k = 0; k < params->len; k++)
    fprintf (sum, ",%s", ((SweepParam *) params->pdata[k])->name);
  fputs (",record,spikes,first_spike_ms\n", sum);
  for (guint j = 0; j < all->len; j++)
    {
      SweepJob *job = all->pdata[j];
      for (guint i = 0; i < exprs->len; i++)
        {
          GArray *sp = job->result.spikes->pdata[i];
          if (!is_voltage_record (exprs->pdata[i]))
            continue;
          sweep_write_prefix (sum, job, params->len);
          fprintf (sum, ",%s,%u,", (char *) exprs->pdata[i], sp->len);
          if (sp->len > 0)
            put_number (sum, g_array_index (sp, double, 0));
          fputc ('\n', sum);
        }
    }
  if (summary_path != NULL && fclose (sum) != 0)
    return fail ("neurite-cli: cannot write %s: %s", summary_path, g_strerror (errno));
  return 0;
}

/* A LEMS document: its root element is <Lems> (looked for in the first 4 KiB, after the
 * XML declaration and comments; NeuroML roots are <neuroml>). */
static gboolean
is_lems_file (const char *path)
{
  char buf[4096];
  FILE *f = fopen (path, "rb");
  size_t n;

  if (f == NULL)
    return FALSE;
  n = fread (buf, 1, sizeof buf - 1, f);
  fclose (f);
  buf[n] = '\0';
  for (const char *p = buf; (p = strchr (p, '<')) != NULL; p++)
    {
      if (p[1] == '?' || p[1] == '!')
        continue;
      return strncmp (p + 1, "Lems", 4) == 0 && strchr (" \t\r\n>/", p[5]) != NULL;
    }
  return FALSE;
}

static int
command_validate (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;

  if (argc != 2)
    return fail ("neurite-cli: validate needs exactly one MODEL file");
  if (nrt_swc_is_swc_path (argv[1]))
    {
      g_autoptr(NrtModel) model = NULL;
      g_autoptr(NrtNetwork) net = NULL;
      if (!load_and_compile (argv[1], &model, &net, &error))
        return fail ("%s", error->message);
      printf ("%s: valid (SWC, read with NEURON Import3d's rules)\n", argv[1]);
      return 0;
    }
  gboolean schema_skipped = FALSE;
  gboolean lems = is_lems_file (argv[1]);
  /* A LEMS file is checked as jNeuroML loads one (Target, Simulation, Displays, Lines,
   * OutputFiles) before the NeuroML it includes. */
  if (lems && !nrt_lems_check_file (argv[1], &error))
    return fail ("%s", error->message);
  if (!nrt_neuroml_validate_file_full (argv[1], &schema_skipped, &error))
    return fail ("%s", error->message);
  g_autoptr(NrtModel) model = NULL;
  g_autoptr(NrtNetwork) net = NULL;
  if (!load_and_compile (argv[1], &model, &net, &error))
    return fail ("%s", error->message);
  if (schema_skipped)
    printf ("%s: valid (%sNeurite's checks only: the NeuroML schema was not found; set "
            "NEURITE_NEUROML_XSD to its path)\n", argv[1], lems ? "LEMS checks and " : "");
  else
    printf ("%s: valid (%sNeuroML v2.3.1 schema and Neurite's checks)\n", argv[1],
            lems ? "LEMS checks, " : "");
  return 0;
}

static const char *
rate_form_name (const NrtRate *rate)
{
  switch (rate->form)
    {
    case NRT_RATE_CONSTANT:   return "constant";
    case NRT_RATE_EXP:        return "exp";
    case NRT_RATE_LINOID:     return "linoid";
    case NRT_RATE_SIGMOID:    return "sigmoid";
    case NRT_RATE_LEMS:       return "LEMS";
    case NRT_RATE_EXPRESSION: return "expression";
    case NRT_RATE_BG_INF:     return "Borg-Graham inf";
    case NRT_RATE_BG_TAU:     return "Borg-Graham tau";
    case NRT_RATE_TABLE:      return "table";
    default:                  return "?";
    }
}

static const char *
gate_type_name (NrtGateType type)
{
  switch (type)
    {
    case NRT_GATE_ALPHA_BETA:       return "alpha/beta";
    case NRT_GATE_INF_TAU:          return "inf/tau";
    case NRT_TRANS_LIGAND_OUTSIDE:  return "ligand outside";
    case NRT_TRANS_LIGAND_INSIDE:   return "ligand inside";
    default:                        return "?";
    }
}

/* One ChannelBuilder channel: kind, ion, conductance form and defaults, q10, then its HH
 * gates ("m^3 alpha/beta linoid,exp") and kinetic schemes (power, states with their
 * conducting fractions, transitions). */
static void
print_channel (const NrtChannel *ch)
{
  gboolean point = ch->kind == NRT_CHANNEL_POINT;
  gboolean ghk = ch->conductance == NRT_CONDUCTANCE_GHK;
  const char *units = ghk ? (point ? "cm3/s" : "cm/s") : (point ? "uS" : "S/cm2");

  printf ("channel %s: %s, ion %s, %s, %s=%g %s", ch->name, point ? "point" : "density",
          nrt_ion_name (ch->ion), ghk ? "GHK" : "ohmic", ghk ? "pmax" : "gmax", ch->gmax, units);
  if (ch->ion == NRT_ION_NONSPECIFIC)
    printf (" e=%g mV", ch->erev);
  if (ch->q10 != 1)
    printf (" q10=%g at %g degC", ch->q10, ch->q10_temperature);
  if (ch->single)
    printf (" single channels allowed");
  printf ("\n");
  for (guint g = 0; g < ch->gates->len; g++)
    {
      const NrtGate *gate = ch->gates->pdata[g];
      printf ("  gate %s^%d %s %s,%s\n", gate->name, gate->power, gate_type_name (gate->type),
              rate_form_name (&gate->rate[0]), rate_form_name (&gate->rate[1]));
    }
  for (guint k = 0; k < ch->schemes->len; k++)
    {
      const NrtKsScheme *sc = ch->schemes->pdata[k];
      printf ("  scheme %u: power %d, states", k, sc->power);
      for (guint i = 0; i < sc->states->len; i++)
        {
          const NrtKsState *st = sc->states->pdata[i];
          printf (" %s", st->name);
          if (st->fraction != 0)
            printf ("(%g)", st->fraction);
        }
      printf ("\n");
      for (guint i = 0; i < sc->transitions->len; i++)
        {
          const NrtKsTransition *tr = &g_array_index (sc->transitions, NrtKsTransition, i);
          const NrtKsState *from = sc->states->pdata[tr->from];
          const NrtKsState *to = sc->states->pdata[tr->to];
          printf ("    %s <-> %s %s", from->name, to->name, gate_type_name (tr->type));
          if (tr->type == NRT_TRANS_LIGAND_OUTSIDE || tr->type == NRT_TRANS_LIGAND_INSIDE)
            printf (" [%s]^%d\n", nrt_ks_transition_ligand_name (tr), tr->stoichiometry);
          else
            printf (" %s,%s\n", rate_form_name (&tr->rate[0]), rate_form_name (&tr->rate[1]));
        }
    }
}

/* children[i]: the indices of section i's children, in section order (built once, so that
 * printing a cell of many thousand sections stays linear). */
static void
print_subtree (const NrtModelData *d, const NrtNetwork *net, GPtrArray *children, int isec,
               int depth)
{
  const NrtSection *sec = d->sections->pdata[isec];
  GString *mechs = g_string_new (NULL);

  for (int m = 0; m < NRT_N_MECH; m++)
    if (sec->mech[m].inserted)
      g_string_append_printf (mechs, "%s%s", mechs->len ? " " : "", nrt_mechanism_info (m)->name);
  for (guint c = 0; sec->channels != NULL && c < sec->channels->len; c++)
    {
      const NrtChannelInstance *inst = &g_array_index (sec->channels, NrtChannelInstance, c);
      const NrtChannel *ch = d->channels->pdata[inst->channel];
      g_string_append_printf (mechs, "%s%s", mechs->len ? " " : "", ch->name);
    }
  printf ("%*s%s%s", depth * 3, "", depth ? "`-" : "", sec->name);
  if (sec->parent >= 0)
    printf ("(0) -> %s(%g)", ((NrtSection *) d->sections->pdata[sec->parent])->name,
            sec->parent_x);
  printf ("  L=%g um diam=%g um nseg=%d Ra=%g cm=%g%s%s%s\n", sec->L, sec->diam, sec->nseg,
          sec->Ra, sec->cm, sec->pt3d && sec->pt3d->len ? " pt3d" : "",
          mechs->len ? " mechanisms: " : "", mechs->str);
  for (int k = 0; k < sec->nseg; k++)
    {
      double area = 0, ri = 0;
      if (nrt_network_segment_geometry (net, isec, k, &area, &ri))
        printf ("%*s  %s(%.6g) area=%.10g um2 ri=%.10g MOhm\n", depth * 3, "", sec->name,
                (k + 0.5) / sec->nseg, area, ri);
    }
  g_string_free (mechs, TRUE);
  GArray *kids = children->pdata[isec];
  for (guint j = 0; j < kids->len; j++)
    print_subtree (d, net, children, g_array_index (kids, int, j), depth + 1);
}

static int
command_info (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;

  if (argc != 2)
    return fail ("neurite-cli: info needs exactly one MODEL file");
  g_autoptr(NrtModel) model = NULL;
  g_autoptr(NrtNetwork) net = NULL;
  if (!load_and_compile (argv[1], &model, &net, &error))
    return fail ("%s", error->message);

  const NrtModelData *d = nrt_model_get_data (model);
  guint total = 0;
  for (guint i = 0; i < d->sections->len; i++)
    total += ((NrtSection *) d->sections->pdata[i])->nseg;
  printf ("model %s: %u sections, %u segments, %u point process(es)\n", d->name,
          d->sections->len, total, d->point_processes->len);
  g_autoptr(GPtrArray) children = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  for (guint i = 0; i < d->sections->len; i++)
    g_ptr_array_add (children, g_array_new (FALSE, FALSE, sizeof (int)));
  for (guint i = 0; i < d->sections->len; i++)
    {
      int parent = ((NrtSection *) d->sections->pdata[i])->parent;
      int child = i;
      if (parent >= 0)
        g_array_append_val ((GArray *) children->pdata[parent], child);
    }
  for (guint i = 0; i < d->sections->len; i++)
    if (((NrtSection *) d->sections->pdata[i])->parent < 0)
      print_subtree (d, net, children, i, 0);
  for (guint i = 0; i < d->point_processes->len; i++)
    {
      const NrtPointProcess *pp = d->point_processes->pdata[i];
      const NrtMechanismInfo *info = nrt_point_process_info (pp->type);
      g_autofree char *name = nrt_model_point_process_name (model, i);
      printf ("%s at %s(%g):", name, ((NrtSection *) d->sections->pdata[pp->section])->name,
              pp->x);
      if (pp->type == NRT_PP_CHANNEL)
        {
          /* A point channel: gmax (pmax for GHK), e only for NonSpecific channels, Nsingle
           * only where single channels are allowed, as nrt_model_set_point_process_param
           * accepts them. */
          const NrtChannel *ch = d->channels->pdata[pp->channel];
          gboolean ghk = ch->conductance == NRT_CONDUCTANCE_GHK;
          printf (" %s=%g %s", ghk ? "pmax" : "gmax", pp->p[NRT_PCHAN_GMAX], ghk ? "cm3/s" : "uS");
          if (ch->ion == NRT_ION_NONSPECIFIC)
            printf (" e=%g mV", pp->p[NRT_PCHAN_E]);
          if (ch->single)
            printf (" Nsingle=%g", pp->p[NRT_PCHAN_NSINGLE]);
          printf (" (channel %s)\n", ch->name);
          continue;
        }
      for (guint p = 0; p < info->n_params; p++)
        printf (" %s=%g %s", info->params[p].name, pp->p[p], info->params[p].units);
      printf ("\n");
    }
  for (guint i = 0; i < d->channels->len; i++)
    print_channel (d->channels->pdata[i]);
  printf ("settings: tstop=%g ms dt=%g ms v_init=%g mV celsius=%g degC method=%s hh_table=%s\n",
          d->settings.tstop, d->settings.dt, d->settings.v_init, d->settings.celsius,
          d->settings.method == NRT_METHOD_CN ? "cn" : "implicit",
          d->settings.hh_use_table ? "on" : "off");
  return 0;
}

/* convert MODEL OUT.nml: writes what Neurite read (an SWC morphology with its subsets and
 * d_lambda rule, or a NeuroML model) with Neurite's NeuroML writer. */
static int
command_convert (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;

  if (argc != 3)
    return fail ("neurite-cli: convert needs a MODEL file and an OUT.nml file");
  g_autoptr(NrtModel) model = NULL;
  g_autoptr(NrtNetwork) net = NULL;
  if (!load_and_compile (argv[1], &model, &net, &error))
    return fail ("%s", error->message);
  if (!nrt_neuroml_write_file (model, argv[2], &error))
    return fail ("neurite-cli: %s", error->message);
  /* A file Neurite cannot read back is no conversion: say so (e.g. an SWC section with two
   * samples at one place gives a zero-length NeuroML segment, which the reader refuses). */
  g_autoptr(NrtModel) back = nrt_neuroml_read_file (argv[2], &error);
  if (back == NULL)
    return fail ("%s (written from %s, but it does not read back)", error->message, argv[1]);
  return 0;
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");

  if (argc < 2)
    {
      fputs (usage_text, stderr);
      return EXIT_BAD_INPUT;
    }
  const char *cmd = argv[1];
  if (strcmp (cmd, "--help") == 0 || strcmp (cmd, "-h") == 0 || strcmp (cmd, "help") == 0)
    {
      fputs (usage_text, stdout);
      return 0;
    }
  /* Hand the subcommand its own argv: argv[0] is the command. */
  if (strcmp (cmd, "run") == 0)
    return command_run (argc - 1, argv + 1);
  if (strcmp (cmd, "plot") == 0)
#ifdef NRT_CLI_HAVE_PLOT
    return command_plot (argc - 1, argv + 1);
#else
    return fail ("neurite-cli: plot is not available: this build has no cairo/pangocairo");
#endif
  if (strcmp (cmd, "sweep") == 0)
    return command_sweep (argc - 1, argv + 1);
  if (strcmp (cmd, "validate") == 0)
    return command_validate (argc - 1, argv + 1);
  if (strcmp (cmd, "info") == 0)
    return command_info (argc - 1, argv + 1);
  if (strcmp (cmd, "convert") == 0)
    return command_convert (argc - 1, argv + 1);
  return fail ("neurite-cli: unknown command “%s” (run, plot, sweep, validate, info or convert)",
               cmd);
}
