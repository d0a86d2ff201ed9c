/* nrt-cli.c: neurite-cli, the headless front end: run, validate, info and convert on a model
 * file (NeuroML, or an SWC morphology read with NEURON Import3d's rules).
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * This is a contract that scripts and tests rely on: bad input exits with status 2 and one
 * line "FILE:LINE: what is wrong" on stderr; a run prints the spike times of every recorded
 * voltage and can write every step to CSV.
 */
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "nrt-model.h"
#include "nrt-neuroml.h"
#include "nrt-sim.h"
#include "nrt-swc.h"

#define EXIT_BAD_INPUT 2

static const char *usage_text =
  "Usage:\n"
  "  neurite-cli run MODEL [--tstop MS] [--dt MS] [--method implicit|cn] [--celsius C]\n"
  "                [--v-init MV] [--no-hh-table] [--record EXPR]... [--csv FILE]\n"
  "  neurite-cli validate MODEL\n"
  "  neurite-cli info MODEL\n"
  "  neurite-cli convert MODEL OUT.nml\n"
  "\n"
  "MODEL is a NeuroML file (.nml, or a LEMS .xml) or an SWC morphology (.swc), which is\n"
  "read as NEURON's Import3d reads it: soma[0], dend[i]..., nseg by d_lambda 0.1.\n"
  "\n"
  "EXPR is SECTION(X).VAR, e.g. soma(0.5).v, axon(0.5).m_hh, soma(0.5).ina, or\n"
  "POINTPROCESS[i].VAR, e.g. IClamp[0].i, ExpSyn[0].g.\n";

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

/* One CSV row: t and every record, %.15g as NEURON's references are written. */
static void
write_row (FILE *csv, const NrtSim *sim, guint nrec)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (csv == NULL)
    return;
  fputs (g_ascii_formatd (buf, sizeof buf, "%.15g", nrt_sim_get_t (sim)), csv);
  for (guint i = 0; i < nrec; i++)
    {
      fputc (',', csv);
      fputs (g_ascii_formatd (buf, sizeof buf, "%.15g", nrt_sim_record_value (sim, i)), csv);
    }
  fputc ('\n', csv);
}

static gboolean
parse_double_option (const char *name, const char *value, double *out, GError **error)
{
  char *end = NULL;
  double d;

  if (value == NULL)
    return TRUE;
  errno = 0;
  d = g_ascii_strtod (value, &end);
  if (end == value || *end != '\0' || errno != 0 || !isfinite (d))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "neurite-cli: --%s: “%s” is not a number", name, value);
      return FALSE;
    }
  *out = d;
  return TRUE;
}

static int
command_run (int argc, char **argv)
{
  g_autofree char *tstop_s = NULL, *dt_s = NULL, *method_s = NULL, *celsius_s = NULL;
  g_autofree char *vinit_s = NULL, *csv_path = NULL;
  g_auto(GStrv) records = NULL;
  gboolean no_table = FALSE;
  g_autoptr(GError) error = NULL;
  GOptionEntry entries[] = {
    { "tstop", 0, 0, G_OPTION_ARG_STRING, &tstop_s, "Stop time", "MS" },
    { "dt", 0, 0, G_OPTION_ARG_STRING, &dt_s, "Time step", "MS" },
    { "method", 0, 0, G_OPTION_ARG_STRING, &method_s, "implicit or cn", "METHOD" },
    { "celsius", 0, 0, G_OPTION_ARG_STRING, &celsius_s, "Temperature", "C" },
    { "v-init", 0, 0, G_OPTION_ARG_STRING, &vinit_s, "Initial voltage", "MV" },
    { "no-hh-table", 0, 0, G_OPTION_ARG_NONE, &no_table, "Evaluate hh rates directly", NULL },
    { "record", 0, 0, G_OPTION_ARG_STRING_ARRAY, &records, "What to record", "EXPR" },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv_path, "Write every step to FILE", "FILE" },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("MODEL");

  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_set_help_enabled (ctx, TRUE);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return fail ("neurite-cli: %s", error->message);
  if (argc != 2)
    return fail ("neurite-cli: run needs exactly one MODEL file (see neurite-cli --help)");

  const char *path = argv[1];
  g_autoptr(NrtModel) model = read_model (path, &error);
  if (model == NULL)
    return fail ("%s", error->message);

  NrtRunSettings s = nrt_model_get_data (model)->settings;
  if (!parse_double_option ("tstop", tstop_s, &s.tstop, &error)
      || !parse_double_option ("dt", dt_s, &s.dt, &error)
      || !parse_double_option ("celsius", celsius_s, &s.celsius, &error)
      || !parse_double_option ("v-init", vinit_s, &s.v_init, &error))
    return fail ("%s", error->message);
  if (method_s != NULL)
    {
      if (strcmp (method_s, "implicit") == 0)
        s.method = NRT_METHOD_IMPLICIT;
      else if (strcmp (method_s, "cn") == 0)
        s.method = NRT_METHOD_CN;
      else
        return fail ("neurite-cli: --method must be implicit or cn, not “%s”", method_s);
    }
  if (no_table)
    s.hh_use_table = FALSE;
  if (!nrt_model_set_settings (model, &s, &error))
    return fail ("neurite-cli: %s", error->message);

  g_autoptr(NrtNetwork) net = nrt_network_compile (model, &error);
  if (net == NULL)
    return fail ("%s: %s", path, error->message);
  g_autoptr(NrtSim) sim = nrt_sim_new (net);

  g_autoptr(GPtrArray) exprs = g_ptr_array_new_with_free_func (g_free);
  if (records != NULL)
    for (char **r = records; *r; r++)
      g_ptr_array_add (exprs, g_strdup (*r));
  if (exprs->len == 0)
    {
      /* NEURON's habit: the middle of the root section. */
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
  for (guint i = 0; i < exprs->len; i++)
    if (nrt_sim_add_record (sim, exprs->pdata[i], &error) < 0)
      return fail ("neurite-cli: --record %s: %s", (char *) exprs->pdata[i], error->message);

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

  guint nrec = exprs->len;
  g_autofree double *prev = g_new0 (double, nrec);
  g_autoptr(GPtrArray) spikes = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  for (guint i = 0; i < nrec; i++)
    g_ptr_array_add (spikes, g_array_new (FALSE, FALSE, sizeof (double)));

  nrt_sim_init (sim);
  double t_prev = nrt_sim_get_t (sim);
  for (guint i = 0; i < nrec; i++)
    prev[i] = nrt_sim_record_value (sim, i);

  write_row (csv, sim, nrec);

  int status = 0;
  /* stdrun's loop: step while t < tstop - dt/2. */
  while (nrt_sim_get_t (sim) < s.tstop - 0.5 * s.dt)
    {
      if (!nrt_sim_step (sim, &error))
        {
          status = fail ("%s: %s", path, error->message);
          break;
        }
      double t = nrt_sim_get_t (sim);
      for (guint i = 0; i < nrec; i++)
        {
          double v = nrt_sim_record_value (sim, i);
          if (is_voltage_record (exprs->pdata[i]))
            collect_spikes (spikes->pdata[i], t_prev, prev[i], t, v, 0.0);
          prev[i] = v;
        }
      t_prev = t;
      write_row (csv, sim, nrec);
    }

  if (csv != NULL && fclose (csv) != 0 && status == 0)
    status = fail ("neurite-cli: cannot write %s: %s", csv_path, g_strerror (errno));

  for (guint i = 0; i < nrec; i++)
    {
      if (!is_voltage_record (exprs->pdata[i]))
        continue;
      GArray *sp = spikes->pdata[i];
      printf ("%s spikes:", (char *) exprs->pdata[i]);
      if (sp->len == 0)
        printf (" none");
      for (guint k = 0; k < sp->len; k++)
        printf (" %.6f", g_array_index (sp, double, k));
      printf ("\n");
    }
  return status;
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
  if (!nrt_neuroml_validate_file_full (argv[1], &schema_skipped, &error))
    return fail ("%s", error->message);
  g_autoptr(NrtModel) model = NULL;
  g_autoptr(NrtNetwork) net = NULL;
  if (!load_and_compile (argv[1], &model, &net, &error))
    return fail ("%s", error->message);
  if (schema_skipped)
    printf ("%s: valid (Neurite's checks only: the NeuroML schema was not found; set "
            "NEURITE_NEUROML_XSD to its path)\n", argv[1]);
  else
    printf ("%s: valid (NeuroML v2.3.1 schema and Neurite's checks)\n", argv[1]);
  return 0;
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
      for (guint p = 0; p < info->n_params; p++)
        printf (" %s=%g %s", info->params[p].name, pp->p[p], info->params[p].units);
      printf ("\n");
    }
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
  if (strcmp (cmd, "validate") == 0)
    return command_validate (argc - 1, argv + 1);
  if (strcmp (cmd, "info") == 0)
    return command_info (argc - 1, argv + 1);
  if (strcmp (cmd, "convert") == 0)
    return command_convert (argc - 1, argv + 1);
  return fail ("neurite-cli: unknown command “%s” (run, validate, info or convert)", cmd);
}
