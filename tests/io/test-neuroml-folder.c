/* test-neuroml-folder.c: NeuroML folders (NAME.cell.nml, CHANNEL.channel.nml, NAME.net.nml,
 * LEMS_NAME.xml), includes, LEMS plots and settings, path/subTree segment groups.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>
#include <glib/gstdio.h>
#include "nrt-neuroml.h"
#include "nrt-neuroml-folder.h"
#include "nrt-lems.h"
#include "nrt-sim.h"
#include "nrt-io-models.h"
#include "../validation/nrt-cases.h"
#include "../validation/nrt-csv.h"

static const char *
shared_dir (void)
{
  const char *d = g_getenv ("NRT_SHARED_DIR");
  return d ? d : NRT_SOURCE_ROOT "/../shared";
}

static char *
shared_file (const char *rel)
{
  return g_build_filename (shared_dir (), "neuroml", rel, NULL);
}

static gboolean
have_shared (void)
{
  g_autofree char *p = shared_file ("NeuroML_v2.3.1.xsd");
  if (g_file_test (p, G_FILE_TEST_EXISTS))
    return TRUE;
  g_test_skip ("../shared/neuroml is absent: the XSD and the official examples are needed");
  return FALSE;
}

static void
remove_dir (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  for (const char *n; d && (n = g_dir_read_name (d)) != NULL;)
    {
      g_autofree char *p = g_build_filename (dir, n, NULL);
      g_unlink (p);
    }
  g_rmdir (dir);
}

static char *
write_tmp (const char *dir, const char *name, const char *text)
{
  char *path = g_build_filename (dir, name, NULL);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return path;
}

/* ---------------------------------------------------------------- simulation */

/* v of each record at every step, run for the model's own tstop and dt (capped at cap ms). */
static GArray *
run_trace (NrtModel *m, const char *record, double cap)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NrtNetwork) net = NULL;
  g_autoptr (NrtSim) sim = NULL;
  GArray *out = g_array_new (FALSE, FALSE, sizeof (double));
  const NrtRunSettings *st = &nrt_model_get_data (m)->settings;
  double tstop = MIN (st->tstop, cap);
  int rec;

  net = nrt_network_compile (m, &error);
  g_assert_no_error (error);
  sim = nrt_sim_new (net);
  rec = nrt_sim_add_record (sim, record, &error);
  g_assert_no_error (error);
  nrt_sim_init (sim);
  while (!nrt_sim_reached (sim, tstop))
    {
      double v;
      g_assert_true (nrt_sim_step (sim, &error));
      v = nrt_sim_record_value (sim, rec);
      g_assert_true (isfinite (v));
      g_array_append_val (out, v);
    }
  return out;
}



/* Runs m with its own settings (a LEMS file's length and step), recording every expression of
 * its graphs in order, and compares them with the columns 1.. of a NEURON CSV sampled every
 * `every` steps (generate_lems.py).  Returns the largest difference (mV for voltages; gate
 * states are within it too). */
static double
compare_graphs_with_neuron (NrtModel *m, const char *csv_name, guint every)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NrtNetwork) net = NULL;
  g_autoptr (NrtSim) sim = NULL;
  g_autoptr (GPtrArray) graphs = nrt_lems_graphs_from_view_state (nrt_model_get_data (m)->view_state);
  g_autofree char *path = nrt_reference_path (csv_name);
  g_autoptr (NrtCsv) csv = nrt_csv_read (path);
  g_autoptr (GArray) recs = g_array_new (FALSE, FALSE, sizeof (int));
  const NrtRunSettings *st = &nrt_model_get_data (m)->settings;
  double worst = 0;
  guint step = 0, row = 0;

  net = nrt_network_compile (m, &error);
  g_assert_no_error (error);
  sim = nrt_sim_new (net);
  for (guint i = 0; i < graphs->len; i++)
    {
      NrtLemsGraph *g = graphs->pdata[i];
      for (guint k = 0; k < g->exprs->len; k++)
        {
          int r = nrt_sim_add_record (sim, g->exprs->pdata[k], &error);
          g_assert_no_error (error);
          g_array_append_val (recs, r);
        }
    }
  g_assert_cmpuint (recs->len + 1, ==, csv->n_cols);
  nrt_sim_init (sim);
  for (;;)
    {
      if (step % every == 0)
        {
          g_assert_cmpuint (row, <, csv->n_rows);
          g_assert_cmpfloat_with_epsilon (nrt_sim_get_t (sim), nrt_csv_get (csv, row, 0), 1e-9);
          for (guint c = 0; c < recs->len; c++)
            {
              double dv = fabs (nrt_sim_record_value (sim, g_array_index (recs, int, c))
                                - nrt_csv_get (csv, row, c + 1));
              worst = MAX (worst, dv);
            }
          row++;
        }
      if (nrt_sim_reached (sim, st->tstop))
        break;
      g_assert_true (nrt_sim_step (sim, &error));
      step++;
    }
  g_assert_cmpuint (row, ==, csv->n_rows);
  g_assert_cmpfloat (worst, <=, 1e-6);
  return worst;
}

/* ---------------------------------------------------------------- round trips */

static const char *
root_section (NrtModel *m)
{
  const NrtModelData *d = nrt_model_get_data (m);
  for (guint i = 0; i < d->sections->len; i++)
    if (((NrtSection *) d->sections->pdata[i])->parent < 0)
      return ((NrtSection *) d->sections->pdata[i])->name;
  g_assert_not_reached ();
}

static double max_dv_seen;

/* Writes the folder, checks every file, reads it back through the LEMS file and through the
 * net file, and compares models and traces.  Returns the LEMS text. */
static char *
folder_round_trip (NrtModel *m, const char *name)
{
  g_autofree char *dir = g_dir_make_tmp ("nrt-folder-XXXXXX", NULL);
  g_autofree char *lems = nrt_neuroml_folder_lems_path (dir, name);
  g_autofree char *net = NULL;
  g_autofree char *cell = NULL;
  g_autofree char *lems_text = NULL;
  g_autofree char *single = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GDir) d = NULL;
  const NrtModelData *md = nrt_model_get_data (m);
  guint n_channel_files = 0, n_files = 0;
  gboolean have_schema = have_shared ();

  g_assert_true (nrt_neuroml_write_folder (m, dir, name, &error));
  g_assert_no_error (error);
  net = g_strdup_printf ("%s/%s.net.nml", dir, name);
  cell = g_strdup_printf ("%s/%s.cell.nml", dir, name);
  g_assert_true (g_file_test (net, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (cell, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (lems, G_FILE_TEST_IS_REGULAR));

  /* every NeuroML file validates on its own (with what it includes), XSD and jnml's tests */
  d = g_dir_open (dir, 0, NULL);
  for (const char *n; (n = g_dir_read_name (d)) != NULL;)
    {
      g_autofree char *p = g_build_filename (dir, n, NULL);
      n_files++;
      if (g_str_has_suffix (n, ".channel.nml"))
        {
          g_autoptr (GPtrArray) chans = NULL;
          n_channel_files++;
          /* a channel file reads as one ChannelBuilder channel ("pas" is a reserved name) */
          if (strcmp (n, "pas.channel.nml") != 0)
            {
              chans = nrt_neuroml_read_channels (p, &error);
              g_assert_no_error (error);
              g_assert_cmpuint (chans->len, ==, 1);
            }
        }
      if (g_str_has_suffix (n, ".nml") && !g_str_has_suffix (n, ".channel.nml"))
        {
          gboolean skipped = TRUE;
          if (!nrt_neuroml_validate_file_full (p, &skipped, &error))
            g_error ("%s: %s", n, error->message);
          if (have_schema)
            g_assert_false (skipped);
        }
      else if (g_str_has_suffix (n, ".channel.nml"))
        {
          /* a channel file alone has no cell: XSD only */
          g_autofree char *text = NULL;
          gboolean skipped = TRUE;
          g_assert_true (g_file_get_contents (p, &text, NULL, NULL));
          if (!nrt_neuroml_validate_string (text, &skipped, &error))
            g_error ("%s: %s", n, error->message);
        }
      else
        {
          g_assert_true (g_str_has_prefix (n, "LEMS_") && g_str_has_suffix (n, ".xml"));
          g_assert_true (nrt_lems_check_file (p, &error));
          g_assert_no_error (error);
        }
    }
  g_assert_cmpuint (n_files, ==, n_channel_files + 3);
  g_assert_true (g_file_get_contents (lems, &lems_text, NULL, NULL));

  single = nrt_neuroml_write_string (m, &error);
  g_assert_no_error (error);
  for (guint k = 0; k < 2; k++)
    {
      const char *path = k == 0 ? lems : net;
      g_autoptr (NrtModel) back = nrt_neuroml_read_file (path, &error);
      g_autofree char *again = NULL;
      g_autoptr (GArray) a = NULL;
      g_autoptr (GArray) b = NULL;
      g_autofree char *rec = NULL;

      g_assert_no_error (error);
      again = nrt_neuroml_write_string (back, &error);
      if (g_strcmp0 (single, again) != 0)
        g_error ("%s read through %s is not written back the same", name, path);
      if (!nrt_model_data_equal (md, nrt_model_get_data (back)))
        g_error ("%s read through %s differs from the model written", name, path);
      /* the same model runs the same: every step of v at the root section's middle */
      rec = g_strdup_printf ("%s(0.5).v", root_section (m));
      a = run_trace (m, rec, 50);
      b = run_trace (back, rec, 50);
      g_assert_cmpuint (a->len, ==, b->len);
      g_assert_cmpuint (a->len, >, 0);
      for (guint i = 0; i < a->len; i++)
        {
          double dv = fabs (g_array_index (a, double, i) - g_array_index (b, double, i));
          max_dv_seen = MAX (max_dv_seen, dv);
          g_assert_cmpfloat (dv, <=, 1e-12);
        }
    }
  remove_dir (dir);
  return g_steal_pointer (&lems_text);
}

static void
test_round_trip_example (gconstpointer data)
{
  const NrtIoExample *ex = data;
  g_autoptr (NrtModel) m = ex->build ();
  g_autofree char *stem = g_strndup (ex->file, strlen (ex->file) - 4);
  g_autofree char *lems = folder_round_trip (m, stem);
  g_autofree char *len = g_strdup_printf ("length=\"%gms\"", nrt_model_get_data (m)->settings.tstop);

  g_assert_nonnull (strstr (lems, len));
  g_assert_nonnull (strstr (lems, "<Display id=\"d1\""));
  g_assert_nonnull (strstr (lems, "<OutputColumn id=\"c0\""));
  g_test_message ("max |dv| so far %g mV", max_dv_seen);
}

static void
test_round_trip_kitchen_sink (void)
{
  g_autoptr (NrtModel) m = nrt_io_build_kitchen_sink ();
  g_autofree char *lems = folder_round_trip (m, "kitchen");
  (void) lems;
}

/* The shipped CA1 cell (SWC import, 194 sections): pt3d geometry over hundreds of segment
 * groups survives the folder exactly. */
static void
test_round_trip_ca1 (void)
{
  g_autofree char *path = g_build_filename (NRT_SOURCE_ROOT, "models", "ca1-pyramidal.nml", NULL);
  g_autoptr (GError) e = NULL;
  g_autoptr (NrtModel) m = NULL;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("models/ca1-pyramidal.nml is absent");
      return;
    }
  m = nrt_neuroml_read_file (path, &e);
  g_assert_no_error (e);
  g_free (folder_round_trip (m, "ca1"));
}

/* Names: NULL is the model's name; a name that is not a file stem is refused. */
static void
test_folder_names (void)
{
  g_autoptr (NrtModel) m = nrt_case_soma_hh ();
  g_autofree char *dir = g_dir_make_tmp ("nrt-folder-XXXXXX", NULL);
  g_autofree char *lems = nrt_neuroml_folder_lems_path (dir, nrt_model_get_data (m)->name);
  g_autoptr (GError) e = NULL;

  g_assert_true (nrt_neuroml_write_folder (m, dir, NULL, &e));
  g_assert_no_error (e);
  g_assert_true (g_file_test (lems, G_FILE_TEST_IS_REGULAR));
  g_assert_false (nrt_neuroml_write_folder (m, dir, "a/b", &e));
  g_assert_error (e, NRT_IO_ERROR, NRT_IO_ERROR_WRITE);
  g_clear_error (&e);
  g_assert_false (nrt_neuroml_write_folder (m, dir, "", &e));
  g_assert_error (e, NRT_IO_ERROR, NRT_IO_ERROR_WRITE);
  remove_dir (dir);
}

/* ChannelBuilder channels (HH-style and a kinetic scheme): one file each, exact on reading. */
static void
test_round_trip_channels (void)
{
  g_autoptr (NrtModel) m = nrt_case_soma_hh ();
  g_autoptr (GError) e = NULL;
  g_autoptr (NrtChannel) kca = nrt_case_channel_kca ();
  g_autoptr (NrtChannel) cat = nrt_channel_new ("cat");
  g_autoptr (NrtChannel) na = nrt_channel_new_hh_na ();
  g_autofree char *dir = g_dir_make_tmp ("nrt-folder-XXXXXX", NULL);
  g_autofree char *kfile = g_build_filename (dir, "kca.channel.nml", NULL);
  g_autofree char *cfile = g_build_filename (dir, "cat.channel.nml", NULL);
  g_autofree char *hfile = g_build_filename (dir, "hh_na.channel.nml", NULL);
  const char *soma = root_section (m);

  cat->ion = NRT_ION_CA;
  cat->gmax = 1e-4;
  cat->q10 = 2.5;
  cat->q10_temperature = 22;
  nrt_channel_add_gate (cat, "s", 2, NRT_GATE_INF_TAU,
                        &(NrtRate) { NRT_RATE_SIGMOID, 1, -1.0 / 6.2, -27.1 },
                        &(NrtRate) { NRT_RATE_EXP, 3.7, 0.0123456789, -40.3 });
  na->gmax = 0.05;
  g_free (na->name);
  na->name = g_strdup ("nacb");
  g_assert_true (nrt_model_add_channel (m, kca, &e));
  g_assert_true (nrt_model_add_channel (m, cat, &e));
  g_assert_true (nrt_model_add_channel (m, na, &e));
  g_assert_true (nrt_model_insert_mechanism (m, soma, "kca", &e));
  g_assert_true (nrt_model_insert_mechanism (m, soma, "cat", &e));
  g_assert_true (nrt_model_insert_mechanism (m, soma, "nacb", &e));
  g_assert_no_error (e);

  g_assert_true (nrt_neuroml_write_folder (m, dir, "chans", &e));
  g_assert_no_error (e);
  g_assert_true (g_file_test (kfile, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (cfile, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (hfile, G_FILE_TEST_IS_REGULAR));
  {
    g_autofree char *t = NULL;
    g_assert_true (g_file_get_contents (kfile, &t, NULL, NULL));
    g_assert_nonnull (strstr (t, "<ionChannelKS id=\"kca\""));
  }
  remove_dir (dir);
  g_free (folder_round_trip (m, "chans"));
}

/* The graphs of the model (its view_state) become the LEMS Displays; v at a segment of a
 * multi-segment section is written as pop0/0/CELL/SEG/v. */
static void
test_lems_displays (void)
{
  g_autoptr (NrtModel) m = nrt_case_stylized_cell (1, 1, 0.5);
  g_autoptr (GPtrArray) graphs = g_ptr_array_new_with_free_func ((GDestroyNotify) nrt_lems_graph_free);
  NrtLemsGraph *g = nrt_lems_graph_new (NULL, 0);
  const NrtModelData *d = nrt_model_get_data (m);
  g_autofree char *vs = NULL;
  g_autofree char *lems = NULL;
  g_autoptr (GPtrArray) again = NULL;
  const char *last = ((NrtSection *) d->sections->pdata[d->sections->len - 1])->name;
  NrtRunSettings st = d->settings;
  g_autoptr (GError) e = NULL;

  st.tstop = 12.5;
  st.dt = 0.0125;
  g_assert_true (nrt_model_set_settings (m, &st, &e));
  g_ptr_array_add (g->exprs, g_strdup_printf ("%s(0.5).v", root_section (m)));
  g_ptr_array_add (g->exprs, g_strdup_printf ("%s(1).v", last));
  g_ptr_array_add (g->exprs, g_strdup ("IClamp[0].i"));  /* not a LEMS voltage: left out */
  g_ptr_array_add (g->exprs, g_strdup_printf ("%s(0.5).m_hh", root_section (m)));
  g_ptr_array_add (g->exprs, g_strdup_printf ("%s(0.5).n_hh", root_section (m)));
  g->has_view = TRUE;
  g->x0 = 0, g->x1 = 12.5, g->y0 = -90, g->y1 = 45;
  g_ptr_array_add (graphs, g);
  vs = nrt_lems_graphs_to_view_state (graphs);
  nrt_model_set_view_state (m, vs);
  again = nrt_lems_graphs_from_view_state (vs);
  g_assert_cmpuint (again->len, ==, 1);
  g_assert_cmpuint (((NrtLemsGraph *) again->pdata[0])->exprs->len, ==, 5);

  lems = folder_round_trip (m, "stylized");
  g_assert_nonnull (strstr (lems, "length=\"12.5ms\" step=\"0.0125ms\""));
  g_assert_nonnull (strstr (lems, "xmin=\"0\" xmax=\"12.5\" ymin=\"-90\" ymax=\"45\""));
  g_assert_nonnull (strstr (lems, "quantity=\"pop0[0]/v\""));
  g_assert_nonnull (strstr (lems, "/v\" scale=\"1mV\""));
  g_assert_nonnull (strstr (lems, "<OutputFile id=\"of0\" fileName=\"stylized.dat\">"));
  g_assert_nonnull (strstr (lems, "<OutputColumn id=\"c1\" quantity=\"pop0/0/"));
  /* the gate states of hh, in a Display of their own */
  g_assert_nonnull (strstr (lems, "title=\"Gate states\""));
  g_assert_nonnull (strstr (lems, "quantity=\"pop0[0]/biophys/membraneProperties/hh_na_soma/hh_na/m/q\" scale=\"1\""));
  g_assert_nonnull (strstr (lems, "/membraneProperties/hh_k_soma/hh_k/n/q\""));
  g_assert_null (strstr (lems, "IClamp"));
  g_assert_nonnull (strstr (lems, "<Include file=\"stylized.net.nml\"/>"));

  /* Without its Neurite annotation (as another tool would leave it), the folder's LEMS file
   * reads back as the same plots: the Displays are the inverse of what was written. */
  {
    g_autofree char *dir = g_dir_make_tmp ("nrt-folder-XXXXXX", NULL);
    g_autofree char *cell = g_build_filename (dir, "st.cell.nml", NULL);
    g_autofree char *lpath = nrt_neuroml_folder_lems_path (dir, "st");
    g_autofree char *text = NULL;
    g_autoptr (GRegex) re = g_regex_new ("<annotation>.*</annotation>", G_REGEX_DOTALL, 0, NULL);
    g_autofree char *bare = NULL;
    g_autoptr (NrtModel) back = NULL;
    g_autoptr (GPtrArray) got = NULL;
    g_autofree char *soma_v = g_strdup_printf ("%s(0.5).v", root_section (m));
    g_autofree char *soma_m = g_strdup_printf ("%s(0.5).m_hh", root_section (m));
    g_autofree char *soma_n = g_strdup_printf ("%s(0.5).n_hh", root_section (m));
    NrtLemsGraph *g0, *g1;

    g_assert_true (nrt_neuroml_write_folder (m, dir, "st", &e));
    g_assert_no_error (e);
    g_assert_true (g_file_get_contents (cell, &text, NULL, NULL));
    bare = g_regex_replace_literal (re, text, -1, 0, "", 0, NULL);
    g_assert_null (strstr (bare, "neurite:"));
    g_assert_true (g_file_set_contents (cell, bare, -1, NULL));
    back = nrt_neuroml_read_file (lpath, &e);
    g_assert_no_error (e);
    got = nrt_lems_graphs_from_view_state (nrt_model_get_data (back)->view_state);
    g_assert_cmpuint (got->len, ==, 2);
    g0 = got->pdata[0];
    g1 = got->pdata[1];
    g_assert_cmpint (g0->kind, ==, 0);
    g_assert_cmpuint (g0->exprs->len, ==, 2);
    g_assert_cmpstr (g0->exprs->pdata[0], ==, soma_v);
    g_assert_true (g0->has_view);
    g_assert_cmpfloat (g0->y0, ==, -90);
    g_assert_cmpfloat (g0->x1, ==, 12.5);
    g_assert_cmpint (g1->kind, ==, 2);
    g_assert_cmpuint (g1->exprs->len, ==, 2);
    g_assert_cmpstr (g1->exprs->pdata[0], ==, soma_m);
    g_assert_cmpstr (g1->exprs->pdata[1], ==, soma_n);
    g_assert_cmpfloat (nrt_model_get_data (back)->settings.tstop, ==, 12.5);
    g_assert_cmpfloat (nrt_model_get_data (back)->settings.dt, ==, 0.0125);
    remove_dir (dir);
  }
}

/* ---------------------------------------------------------------- official LEMS files */

typedef struct {
  const char *file;
  const char *ref;
  double tstop, dt;
  const char *graph0;  /* the first graph's plot list */
  const char *csv;     /* generate_lems.py's trace, or NULL */
  guint every;
} OfficialLems;

static const OfficialLems official_lems[] = {
  { "NeuroML2/LEMSexamples/LEMS_NML2_Ex5_DetCell.xml", "LEMS_NML2_Ex5_DetCell", 300, 0.01,
    "soma(0.5).v;", "lems_ex5.csv", 10 },
  { "Documentation/NML2_examples/LEMS_HH_single_compartment_example_sim.xml",
    "LEMS_HH_single_compartment_example_sim", 300, 0.01, "soma(0.5).v;", NULL, 0 },
};

static void
test_official_lems (gconstpointer data)
{
  const OfficialLems *o = data;
  g_autofree char *path = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (NrtModel) m = NULL;
  g_autoptr (GArray) spikes = NULL;
  g_autoptr (GArray) ref = NULL;
  g_autoptr (GPtrArray) graphs = NULL;
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autofree char *plot = NULL;
  const NrtModelData *d;
  double worst = 0;

  if (!have_shared ())
    return;
  path = shared_file (o->file);
  g_assert_true (nrt_lems_check_file (path, &error));
  g_assert_no_error (error);
  m = nrt_neuroml_read_file (path, &error);
  g_assert_no_error (error);
  d = nrt_model_get_data (m);
  g_assert_cmpfloat (d->settings.tstop, ==, o->tstop);
  g_assert_cmpfloat (d->settings.dt, ==, o->dt);
  /* Display/Line or OutputFile/OutputColumn: a Voltage graph of soma v */
  g_assert_nonnull (d->view_state);
  g_assert_true (g_key_file_load_from_data (kf, d->view_state, -1, G_KEY_FILE_NONE, NULL));
  plot = g_key_file_get_string (kf, "tool0", "plot", NULL);
  g_assert_cmpstr (plot, ==, o->graph0);
  graphs = nrt_lems_graphs_from_view_state (d->view_state);
  if (strstr (o->file, "Ex5"))
    {
      /* d1: v (its "spiking" line is not a Neurite variable); d2: the gate states as a
       * State graph; d3, d4 (current and conductance densities) and the OutputFiles (the
       * same v and states) add nothing */
      NrtLemsGraph *g = graphs->pdata[0];
      g_autofree char *states = g_key_file_get_string (kf, "tool1", "plot", NULL);
      g_assert_cmpuint (graphs->len, ==, 2);
      g_assert_cmpint (g->kind, ==, 0);
      g_assert_true (g->has_view);
      g_assert_cmpfloat (g->x1, ==, 300);
      g_assert_cmpfloat (g->y0, ==, -90);
      g_assert_cmpfloat (g->y1, ==, 50);
      g = graphs->pdata[1];
      g_assert_cmpint (g->kind, ==, 2);
      g_assert_cmpstr (states, ==, "soma(0.5).m_hh;soma(0.5).h_hh;soma(0.5).n_hh;");
      g_assert_true (g->has_view);
      g_assert_cmpfloat (g->y0, ==, -0.1);
      g_assert_cmpfloat (g->y1, ==, 1.1);
    }
  else
    g_assert_cmpuint (graphs->len, ==, 1);
  /* run with the LEMS settings, as read: NEURON's spike times */
  spikes = nrt_io_spike_times (m, "soma(0.5).v");
  ref = nrt_io_reference_spikes (o->ref);
  g_assert_cmpuint (spikes->len, ==, ref->len);
  for (guint i = 0; i < ref->len; i++)
    {
      double dt = fabs (g_array_index (spikes, double, i) - g_array_index (ref, double, i));
      worst = MAX (worst, dt);
      g_assert_cmpfloat (dt, <=, 1e-4);
    }
  g_test_message ("%s: %u spikes, max |dt| vs NEURON %.3g ms", o->ref, ref->len, worst);
  if (o->csv)
    g_test_message ("%s: the LEMS plot vs NEURON's trace: max |dv| %.3g mV", o->ref,
                    compare_graphs_with_neuron (m, o->csv, o->every));
  /* and exported as a folder, it reads back the same */
  g_free (folder_round_trip (m, "official"));
}

/* A LEMS file of our own around the official multi-compartment network: the population list's
 * instance 0, segment-addressed quantities, and the run settings. */
static void
test_lems_multicomp (void)
{
  g_autofree char *net = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *lems = NULL;
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (NrtModel) m = NULL;
  g_autoptr (GPtrArray) graphs = NULL;
  g_autoptr (GArray) spikes = NULL;
  g_autoptr (GArray) ref = NULL;
  NrtLemsGraph *g;
  double worst = 0;

  if (!have_shared ())
    return;
  net = shared_file ("NeuroML2/examples/NML2_MultiCompCellNetwork.nml");
  dir = g_dir_make_tmp ("nrt-lems-XXXXXX", NULL);
  text = g_strdup_printf (
    "<Lems>\n"
    "  <Target component=\"sim\"/>\n"
    "  <Include file=\"Cells.xml\"/>\n"
    "  <Include file=\"%s\"/>\n"
    "  <Simulation id=\"sim\" length=\"0.15s\" step=\"0.025ms\" target=\"MultiCompCellNetwork\">\n"
    "    <Display id=\"d\" title=\"v\" timeScale=\"1ms\" xmin=\"-10\" xmax=\"160\" ymin=\"-0.09\" ymax=\"0.05\">\n"
    "      <Line id=\"a\" quantity=\"pop0/0/MultiCompCell/0/v\" scale=\"1V\" color=\"#000000\"/>\n"
    "      <Line id=\"b\" quantity=\"pop0/0/MultiCompCell/2/v\" scale=\"1V\" color=\"#ff0000\"/>\n"
    "      <Line id=\"c\" quantity=\"pop0[1]/v\" scale=\"1V\" color=\"#0000ff\"/>\n"
    "      <Line id=\"d\" quantity=\"pop0[0]/v\" scale=\"1V\" color=\"#0000ff\"/>\n"
    "    </Display>\n"
    "    <OutputFile id=\"of\" fileName=\"x.dat\">\n"
    "      <OutputColumn id=\"a\" quantity=\"pop0/0/MultiCompCell/0/v\"/>\n"
    "      <OutputColumn id=\"e\" quantity=\"pop0/0/MultiCompCell/3/v\"/>\n"
    "      <OutputColumn id=\"f\" quantity=\"pop0/0/MultiCompCell/biophys/membraneProperties/x/iDensity\"/>\n"
    "    </OutputFile>\n"
    "  </Simulation>\n"
    "</Lems>\n", net);
  lems = write_tmp (dir, "LEMS_multi.xml", text);
  g_assert_true (nrt_lems_check_file (lems, &error));
  g_assert_no_error (error);
  m = nrt_neuroml_read_file (lems, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (nrt_model_get_data (m)->settings.tstop, ==, 150);
  g_assert_cmpfloat (nrt_model_get_data (m)->settings.dt, ==, 0.025);
  graphs = nrt_lems_graphs_from_view_state (nrt_model_get_data (m)->view_state);
  g_assert_cmpuint (graphs->len, ==, 2);
  g = graphs->pdata[0];
  /* segment 0 = soma; segments 2 and 3 are dendSec2's (10 and 20 µm long): their middles
   * are at x = 5/30 and 20/30 */
  g_assert_cmpuint (g->exprs->len, ==, 2);
  g_assert_cmpstr (g->exprs->pdata[0], ==, "soma(0.5).v");
  {
    g_autofree char *sec = NULL;
    g_autofree char *var = NULL;
    double x;
    g_assert_true (nrt_lems_split_expr (g->exprs->pdata[1], &sec, &x, &var));
    g_assert_cmpstr (sec, ==, "dendSec2");
    g_assert_cmpstr (var, ==, "v");
    g_assert_cmpfloat_with_epsilon (x, 5.0 / 30.0, 1e-15);
  }
  g_assert_false (g->has_view);  /* the axis is in volts: Neurite's default mV range */
  g = graphs->pdata[1];  /* the OutputFile's column that no Display shows */
  g_assert_cmpuint (g->exprs->len, ==, 1);
  {
    g_autofree char *sec = NULL;
    g_autofree char *var = NULL;
    double x;
    g_assert_true (nrt_lems_split_expr (g->exprs->pdata[0], &sec, &x, &var));
    g_assert_cmpstr (sec, ==, "dendSec2");
    g_assert_cmpfloat_with_epsilon (x, 20.0 / 30.0, 1e-15);
  }

  spikes = nrt_io_spike_times (m, "soma(0.5).v");
  ref = nrt_io_reference_spikes ("NML2_MultiCompCellNetwork");
  g_assert_cmpuint (spikes->len, ==, ref->len);
  for (guint i = 0; i < ref->len; i++)
    {
      double dt = fabs (g_array_index (spikes, double, i) - g_array_index (ref, double, i));
      worst = MAX (worst, dt);
      g_assert_cmpfloat (dt, <=, 1e-4);
    }
  g_test_message ("MultiCompCellNetwork via LEMS: %u spikes, max |dt| vs NEURON %.3g ms",
                  ref->len, worst);
  g_test_message ("MultiCompCellNetwork via LEMS: the 3 plotted voltages vs NEURON: max |dv| %.3g mV",
                  compare_graphs_with_neuron (m, "lems_multicomp.csv", 4));
  g_free (folder_round_trip (m, "multi"));
  remove_dir (dir);
}

/* ---------------------------------------------------------------- includes */

#define NML_HEAD "<neuroml xmlns=\"http://www.neuroml.org/schema/neuroml2\" id=\"doc\">\n"

static void
expect_error (const char *path, const char *file, int line, const char *what)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NrtModel) m = nrt_neuroml_read_file (path, &error);
  g_autofree char *prefix = g_strdup_printf ("%s:%d: ", file, line);
  g_assert_null (m);
  g_assert_nonnull (error);
  if (!strstr (error->message, prefix) || !strstr (error->message, what))
    g_error ("expected \"%s...%s\", got \"%s\"", prefix, what, error->message);
}

static void
test_include_errors (void)
{
  g_autofree char *dir = g_dir_make_tmp ("nrt-inc-XXXXXX", NULL);
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;
  g_autofree char *s = NULL;
  g_autofree char *l = NULL;
  g_autofree char *cell = NULL;
  g_autofree char *diamond = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (NrtModel) m = nrt_case_soma_hh ();
  g_autoptr (NrtModel) back = NULL;

  /* a cycle through two files, and a file including itself */
  a = write_tmp (dir, "a.nml", NML_HEAD "  <include href=\"b.nml\"/>\n</neuroml>\n");
  b = write_tmp (dir, "b.nml", NML_HEAD "\n\n  <include href=\"./a.nml\"/>\n</neuroml>\n");
  expect_error (a, b, 4, "include cycle: a.nml -> b.nml -> a.nml");
  s = write_tmp (dir, "self.nml", NML_HEAD "  <include href=\"self.nml\"/>\n</neuroml>\n");
  expect_error (s, s, 2, "include cycle: self.nml -> self.nml");
  /* a missing file: where it is named */
  c = write_tmp (dir, "c.nml", NML_HEAD "  <notes>x</notes>\n  <include href=\"sub/none.nml\"/>\n</neuroml>\n");
  expect_error (c, c, 3, "not found");
  l = write_tmp (dir, "LEMS_x.xml", "<Lems>\n  <Target component=\"s\"/>\n  <Include file=\"Cells.xml\"/>\n"
                                    "  <Include file=\"gone.net.nml\"/>\n</Lems>\n");
  expect_error (l, l, 4, "not found");
  g_assert_false (nrt_lems_check_file (l, &error));
  g_assert_nonnull (strstr (error->message, ":4: included file \"gone.net.nml\" not found"));
  g_clear_error (&error);

  /* the same file included twice (a diamond, no cycle) is read once */
  g_assert_true (nrt_neuroml_write_folder (m, dir, "d", &error));
  g_assert_no_error (error);
  cell = g_build_filename (dir, "d.cell.nml", NULL);
  {
    g_autofree char *t = g_strdup_printf (
      "<Lems>\n  <Target component=\"s\"/>\n"
      "  <Include file=\"d.net.nml\"/>\n  <Include file=\"d.cell.nml\"/>\n"
      "  <Include file=\"d.net.nml\"/>\n"
      "  <Simulation id=\"s\" length=\"5ms\" step=\"0.05ms\" target=\"%s_network\"/>\n"
      "</Lems>\n", nrt_model_get_data (m)->name);
    diamond = write_tmp (dir, "LEMS_diamond.xml", t);
  }
  back = nrt_neuroml_read_file (diamond, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (nrt_model_get_data (back)->settings.tstop, ==, 5);
  g_assert_cmpfloat (nrt_model_get_data (back)->settings.dt, ==, 0.05);
  /* a Neurite folder keeps its own layout: no graphs invented from the Display */
  g_assert_null (nrt_model_get_data (back)->view_state);
  remove_dir (dir);
}

/* ---------------------------------------------------------------- path and subTree */

/* soma 0; dendrite chain 1-2-3 from the soma's end; a branch 4-5 from segment 2. */
static const char morph_segments[] =
  "      <segment id=\"0\" name=\"s0\"><proximal x=\"0\" y=\"0\" z=\"0\" diameter=\"10\"/><distal x=\"0\" y=\"10\" z=\"0\" diameter=\"10\"/></segment>\n"
  "      <segment id=\"1\" name=\"d1\"><parent segment=\"0\"/><proximal x=\"0\" y=\"10\" z=\"0\" diameter=\"2\"/><distal x=\"0\" y=\"60\" z=\"0\" diameter=\"2\"/></segment>\n"
  "      <segment id=\"2\" name=\"d2\"><parent segment=\"1\"/><distal x=\"0\" y=\"110\" z=\"0\" diameter=\"2\"/></segment>\n"
  "      <segment id=\"3\" name=\"d3\"><parent segment=\"2\"/><distal x=\"0\" y=\"160\" z=\"0\" diameter=\"2\"/></segment>\n"
  "      <segment id=\"4\" name=\"b4\"><parent segment=\"2\"/><proximal x=\"0\" y=\"110\" z=\"0\" diameter=\"1\"/><distal x=\"40\" y=\"110\" z=\"0\" diameter=\"1\"/></segment>\n"
  "      <segment id=\"5\" name=\"b5\"><parent segment=\"4\"/><distal x=\"80\" y=\"110\" z=\"0\" diameter=\"1\"/></segment>\n";

static char *
path_cell (const char *groups)
{
  return g_strdup_printf (
    "<neuroml xmlns=\"http://www.neuroml.org/schema/neuroml2\" id=\"doc\">\n"
    "  <ionChannelHH id=\"leak\" conductance=\"10pS\"/>\n"
    "  <cell id=\"pathcell\">\n"
    "    <morphology id=\"m\">\n%s%s"
    "    </morphology>\n"
    "    <biophysicalProperties id=\"b\">\n"
    "      <membraneProperties>\n"
    "        <channelDensity id=\"leak_d\" ionChannel=\"leak\" condDensity=\"0.3 mS_per_cm2\" erev=\"-70mV\" segmentGroup=\"distal\" ion=\"non_specific\"/>\n"
    "        <spikeThresh value=\"0mV\"/>\n"
    "        <specificCapacitance value=\"1 uF_per_cm2\"/>\n"
    "        <initMembPotential value=\"-65mV\"/>\n"
    "      </membraneProperties>\n"
    "      <intracellularProperties><resistivity value=\"100 ohm_cm\"/></intracellularProperties>\n"
    "    </biophysicalProperties>\n"
    "  </cell>\n"
    "</neuroml>\n", morph_segments, groups);
}

static void
test_path_subtree (void)
{
  g_autofree char *dir = g_dir_make_tmp ("nrt-path-XXXXXX", NULL);
  g_autofree char *good = NULL;
  g_autofree char *bad = NULL;
  g_autofree char *text = NULL;
  g_autofree char *bad_text = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (NrtModel) m = NULL;
  const NrtModelData *d;
  const NrtSection *soma = NULL, *dend = NULL, *branch = NULL;
  gboolean skipped;

  text = path_cell (
    "      <segmentGroup id=\"soma\" neuroLexId=\"sao864921383\"><member segment=\"0\"/></segmentGroup>\n"
    /* a section given as a path, from its distal end (the reader orders it) */
    "      <segmentGroup id=\"dend\" neuroLexId=\"sao864921383\"><property tag=\"numberInternalDivisions\" value=\"3\"/>"
    "<path><from segment=\"3\"/><to segment=\"1\"/></path></segmentGroup>\n"
    "      <segmentGroup id=\"branch\" neuroLexId=\"sao864921383\"><subTree><from segment=\"4\"/></subTree></segmentGroup>\n"
    /* dend and branch: the subtree from segment 1; 'upto' the root: subTree to */
    "      <segmentGroup id=\"distal\"><subTree><from segment=\"1\"/></subTree></segmentGroup>\n"
    "      <segmentGroup id=\"upto\"><member segment=\"5\"/><subTree><to segment=\"4\"/></subTree></segmentGroup>\n");
  good = write_tmp (dir, "path.nml", text);
  g_assert_true (nrt_neuroml_validate_file_full (good, &skipped, &error));
  g_assert_no_error (error);
  m = nrt_neuroml_read_file (good, &error);
  g_assert_no_error (error);
  d = nrt_model_get_data (m);
  g_assert_cmpuint (d->sections->len, ==, 3);
  for (guint i = 0; i < d->sections->len; i++)
    {
      const NrtSection *s = d->sections->pdata[i];
      if (strcmp (s->name, "soma") == 0)
        soma = s;
      else if (strcmp (s->name, "dend") == 0)
        dend = s;
      else if (strcmp (s->name, "branch") == 0)
        branch = s;
    }
  g_assert_nonnull (soma);
  g_assert_nonnull (dend);
  g_assert_nonnull (branch);
  /* dend = segments 1, 2, 3 (150 µm), branch = 4, 5 (80 µm) attached at 2/3 of dend */
  g_assert_cmpfloat_with_epsilon (dend->L, 150, 1e-9);
  g_assert_cmpint (dend->nseg, ==, 3);
  g_assert_cmpfloat_with_epsilon (branch->L, 80, 1e-9);
  g_assert_cmpfloat_with_epsilon (branch->parent_x, 2.0 / 3.0, 1e-12);
  /* "distal" (subTree from 1) holds the leak (pas): dend and branch, not the soma */
  g_assert_true (dend->mech[NRT_MECH_PAS].inserted);
  g_assert_true (branch->mech[NRT_MECH_PAS].inserted);
  g_assert_false (soma->mech[NRT_MECH_PAS].inserted);
  {
    int k = nrt_model_find_subset (m, "distal");
    const NrtSubset *sub;
    g_assert_cmpint (k, >, 0);
    sub = d->subsets->pdata[k];
    g_assert_cmpuint (sub->members->len, ==, 2);
  }
  {
    /* written back as members only */
    g_autofree char *out = nrt_neuroml_write_string (m, &error);
    g_assert_no_error (error);
    g_assert_null (strstr (out, "<path"));
    g_assert_null (strstr (out, "<subTree"));
  }

  /* a path between segments on different branches, with its line */
  bad_text = path_cell (
    "      <segmentGroup id=\"soma\" neuroLexId=\"sao864921383\"><member segment=\"0\"/></segmentGroup>\n"
    "      <segmentGroup id=\"distal\">\n        <path><from segment=\"3\"/><to segment=\"5\"/></path></segmentGroup>\n");
  bad = write_tmp (dir, "bad.nml", bad_text);
  expect_error (bad, bad, 13, "no path from segment 3 to segment 5");
  g_free (bad_text);
  bad_text = path_cell (
    "      <segmentGroup id=\"distal\"><subTree>\n<from segment=\"9\"/></subTree></segmentGroup>\n");
  g_assert_true (g_file_set_contents (bad, bad_text, -1, NULL));
  expect_error (bad, bad, 12, "<from> segment \"9\" does not exist");
  remove_dir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  for (const NrtIoExample *ex = nrt_io_examples; ex->file; ex++)
    {
      g_autofree char *p = g_strdup_printf ("/folder/round-trip/%s", ex->file);
      g_test_add_data_func (p, ex, test_round_trip_example);
    }
  g_test_add_func ("/folder/round-trip/kitchen-sink", test_round_trip_kitchen_sink);
  g_test_add_func ("/folder/round-trip/channels", test_round_trip_channels);
  g_test_add_func ("/folder/round-trip/ca1", test_round_trip_ca1);
  g_test_add_func ("/folder/names", test_folder_names);
  g_test_add_func ("/folder/lems/displays", test_lems_displays);
  for (guint i = 0; i < G_N_ELEMENTS (official_lems); i++)
    {
      g_autofree char *p = g_strdup_printf ("/folder/official/%s", strrchr (official_lems[i].file, '/') + 1);
      g_test_add_data_func (p, &official_lems[i], test_official_lems);
    }
  g_test_add_func ("/folder/official/multicomp-lems", test_lems_multicomp);
  g_test_add_func ("/folder/includes/errors", test_include_errors);
  g_test_add_func ("/folder/path-subtree", test_path_subtree);
  return g_test_run ();
}
