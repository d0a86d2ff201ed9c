/* test-swc.c: SWC import (core/io/nrt-swc.c) against NEURON 8.2.2's Import3d.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * References: tests/reference/generate_swc.py (swc_c91662_*.csv for ../shared's CA1 cell,
 * swc_cases.csv for the small files of tests/reference/swc/).  The CA1 tests skip when
 * NRT_SHARED_DIR/morphology/c91662.swc is absent.  models/ca1-pyramidal.nml is checked against
 * what this file builds from the SWC; NRT_UPDATE_MODELS=1 rewrites it.
 */
#include <math.h>
#include <string.h>
#include <sys/wait.h>
#include <glib/gstdio.h>

#include "nrt-neuroml.h"
#include "nrt-sim.h"
#include "nrt-swc.h"
#include "../validation/nrt-csv.h"

/* ---------------------------------------------------------------- helpers */

static const char *
shared_dir (void)
{
  const char *d = g_getenv ("NRT_SHARED_DIR");
  return d ? d : NRT_SOURCE_ROOT "/../shared";
}

/* The CA1 cell's SWC, or NULL (test skipped) when ../shared/morphology is absent. */
static char *
ca1_swc (void)
{
  char *p = g_build_filename (shared_dir (), "morphology", "c91662.swc", NULL);
  if (g_file_test (p, G_FILE_TEST_EXISTS))
    return p;
  g_test_skip ("../shared/morphology/c91662.swc is absent");
  g_free (p);
  return NULL;
}

static char *
ref_path (const char *file)
{
  return g_build_filename (NRT_SOURCE_ROOT, "tests", "reference", file, NULL);
}

/* Rows of a CSV with text fields: a GPtrArray of GStrv, header dropped. */
static GPtrArray *
read_rows (const char *file)
{
  g_autofree char *path = ref_path (file);
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 1; lines[i]; i++)
    if (lines[i][0] != '\0')
      g_ptr_array_add (rows, g_strsplit (lines[i], ",", -1));
  return rows;
}

static double
num (const char *s)
{
  char *end = NULL;
  double v = g_ascii_strtod (s, &end);
  g_assert_true (end != s && *end == '\0');
  return v;
}

/* The value of key in swc_c91662_summary.csv. */
static char *
summary (const char *key)
{
  g_autoptr (GPtrArray) rows = read_rows ("swc_c91662_summary.csv");
  for (guint i = 0; i < rows->len; i++)
    {
      char **r = rows->pdata[i];
      if (strcmp (r[0], key) == 0)
        return g_strdup (r[1]);
    }
  g_error ("no %s in swc_c91662_summary.csv", key);
  return NULL;
}

static double
rel_diff (double a, double b)
{
  return fabs (a - b) / MAX (fabs (b), 1e-300);
}

/* Compares a model's sections with a reference table: name, parent (reference index), parent_x,
 * n3d, nseg, and (pts != NULL) the points, which must be identical floats. */
static void
check_section (NrtModel *m, guint i, char **row, const char *where)
{
  const NrtModelData *d = nrt_model_get_data (m);
  const NrtSection *sec = d->sections->pdata[i];
  int parent = atoi (row[2]);

  if (strcmp (sec->name, row[1]) != 0 || sec->parent != parent
      || sec->parent_x != num (row[3]) || (int) sec->pt3d->len != atoi (row[4])
      || sec->nseg != atoi (row[5]))
    g_error ("%s: section %u is %s (parent %d at %g, n3d %u, nseg %d); NEURON has %s (parent %s "
             "at %s, n3d %s, nseg %s)", where, i, sec->name, sec->parent, sec->parent_x,
             sec->pt3d->len, sec->nseg, row[1], row[2], row[3], row[4], row[5]);
}

static gboolean
same_pt (const NrtPt3d *p, float x, float y, float z, float dd)
{
  return p->x == x && p->y == y && p->z == z && p->d == dd;
}

/* ---------------------------------------------------------------- the CA1 cell */

static void
test_ca1_sections (void)
{
  g_autofree char *swc = ca1_swc ();
  g_autoptr (GError) error = NULL;
  if (swc == NULL)
    return;
  gint64 t0 = g_get_monotonic_time ();
  g_autoptr (NrtModel) m = nrt_swc_read_file (swc, &error);
  g_test_message ("c91662.swc read in %.2f ms", (g_get_monotonic_time () - t0) / 1000.0);
  g_assert_no_error (error);
  const NrtModelData *d = nrt_model_get_data (m);
  g_autoptr (GPtrArray) rows = read_rows ("swc_c91662_sections.csv");
  g_autofree char *n_secs = summary ("sections");
  g_autofree char *n_pts = summary ("points");

  g_assert_cmpuint (d->sections->len, ==, 194);
  g_assert_cmpuint (d->sections->len, ==, (guint) atoi (n_secs));
  g_assert_cmpuint (rows->len, ==, d->sections->len);
  guint points = 0, segs = 0;
  double max_rel_L = 0;
  for (guint i = 0; i < rows->len; i++)
    {
      char **r = rows->pdata[i];
      const NrtSection *sec = d->sections->pdata[i];
      check_section (m, i, r, "c91662");
      points += sec->pt3d->len;
      segs += sec->nseg;
      max_rel_L = MAX (max_rel_L, rel_diff (sec->L, num (r[6])));
    }
  g_assert_cmpuint (points, ==, 1698);
  g_assert_cmpuint (points, ==, (guint) atoi (n_pts));
  g_assert_cmpuint (segs, ==, 740);
  g_assert_cmpstr (d->name, ==, "c91662");
  /* L is the same sum of the same float differences as NEURON's arc3d. */
  g_assert_cmpfloat (max_rel_L, ==, 0.0);
  g_assert_nonnull (strstr (d->notes, "c91662.swc"));
  g_assert_nonnull (strstr (d->notes, "StdSwc"));  /* the file's header comments */
}

static void
test_ca1_points (void)
{
  g_autofree char *swc = ca1_swc ();
  g_autoptr (GError) error = NULL;
  if (swc == NULL)
    return;
  g_autoptr (NrtModel) m = nrt_swc_read_file (swc, &error);
  g_assert_no_error (error);
  const NrtModelData *d = nrt_model_get_data (m);
  g_autoptr (GPtrArray) rows = read_rows ("swc_c91662_pt3d.csv");

  g_assert_cmpuint (rows->len, ==, 1698);
  for (guint k = 0; k < rows->len; k++)
    {
      char **r = rows->pdata[k];
      const NrtSection *sec = d->sections->pdata[atoi (r[0])];
      guint i = atoi (r[1]);
      g_assert_cmpuint (i, <, sec->pt3d->len);
      const NrtPt3d *p = &g_array_index (sec->pt3d, NrtPt3d, i);
      if (!same_pt (p, num (r[2]), num (r[3]), num (r[4]), num (r[5])))
        g_error ("%s point %u: %.9g %.9g %.9g %.9g, NEURON %s %s %s %s", sec->name, i, p->x,
                 p->y, p->z, p->d, r[2], r[3], r[4], r[5]);
    }
}

static void
test_ca1_segments (void)
{
  g_autofree char *swc = ca1_swc ();
  g_autoptr (GError) error = NULL;
  if (swc == NULL)
    return;
  g_autoptr (NrtModel) m = nrt_swc_read_file (swc, &error);
  g_assert_no_error (error);
  g_autoptr (NrtNetwork) net = nrt_network_compile (m, &error);
  g_assert_no_error (error);
  g_autoptr (GPtrArray) rows = read_rows ("swc_c91662_segments.csv");
  g_autofree char *total_s = summary ("total_area");
  double total = 0, max_area = 0, max_ri = 0;

  g_assert_cmpuint (nrt_network_get_n_segments (net), ==, 740);
  g_assert_cmpuint (rows->len, ==, 740);
  for (guint k = 0; k < rows->len; k++)
    {
      char **r = rows->pdata[k];
      double area = 0, ri = 0;
      g_assert_true (nrt_network_segment_geometry (net, atoi (r[0]), atoi (r[1]), &area, &ri));
      total += area;
      max_area = MAX (max_area, rel_diff (area, num (r[3])));
      max_ri = MAX (max_ri, rel_diff (ri, num (r[4])));
    }
  g_test_message ("c91662: total area %.17g um2 (NEURON %s), max rel. diff area %.3g, ri %.3g",
                  total, total_s, max_area, max_ri);
  g_assert_cmpfloat (max_area, <=, 1e-9);
  g_assert_cmpfloat (max_ri, <=, 1e-9);
  g_assert_cmpfloat (rel_diff (total, num (total_s)), <=, 1e-12);
}

static void
test_ca1_subsets (void)
{
  g_autofree char *swc = ca1_swc ();
  g_autoptr (GError) error = NULL;
  static const struct { const char *name; guint n; } expect[] = {
    { "all", 194 }, { "somatic", 1 }, { "axonal", 1 }, { "basal", 58 }, { "apical", 134 },
  };
  if (swc == NULL)
    return;
  g_autoptr (NrtModel) m = nrt_swc_read_file (swc, &error);
  g_assert_no_error (error);
  const NrtModelData *d = nrt_model_get_data (m);

  g_assert_cmpuint (d->subsets->len, ==, G_N_ELEMENTS (expect));
  for (guint i = 0; i < G_N_ELEMENTS (expect); i++)
    {
      const NrtSubset *s = d->subsets->pdata[i];
      g_assert_cmpstr (s->name, ==, expect[i].name);
      if (i == 0)
        continue;  /* "all" is every section whatever its member list holds */
      g_assert_cmpuint (s->members->len, ==, expect[i].n);
      for (guint k = 0; k < s->members->len; k++)
        {
          const NrtSection *sec = d->sections->pdata[g_array_index (s->members, int, k)];
          static const char *prefix[] = { NULL, "soma[", "axon[", "dend[", "apic[" };
          g_assert_true (g_str_has_prefix (sec->name, prefix[i]));
        }
    }
  /* The CellBuilder's geometry: d_lambda 0.1 on all, and nothing else managed. */
  g_assert_cmpuint (d->geometry_specs->len, ==, 1);
  const NrtGeometrySpec *g = d->geometry_specs->pdata[0];
  g_assert_cmpstr (g->target, ==, "all");
  g_assert_cmpuint (g->kinds, ==, NRT_GEO_D_LAMBDA);
  g_assert_cmpfloat (g->d_lambda, ==, 0.1);
  for (guint i = 0; i < d->sections->len; i++)
    {
      const NrtSection *sec = d->sections->pdata[i];
      g_assert_cmpint (sec->nseg_strategy, ==, NRT_NSEG_D_LAMBDA);
      g_assert_cmpfloat (sec->Ra, ==, 35.4);
      g_assert_cmpfloat (sec->cm, ==, 1.0);
      g_assert_false (sec->mech[NRT_MECH_HH].inserted || sec->mech[NRT_MECH_PAS].inserted);
    }
  g_assert_false (nrt_model_can_undo (m));
  g_assert_false (nrt_model_is_modified (m));
}

#define OK(call) G_STMT_START { g_autoptr (GError) e_ = NULL; gboolean ok_ = (call); \
  if (!ok_) g_error ("%s: %s", #call, e_ ? e_->message : "failed"); } G_STMT_END

static const char ca1_notes[] =
  "Rat hippocampal CA1 pyramidal cell c91662 (194 sections, 740 segments), converted by "
  "Neurite's SWC import, which follows NEURON's Import3d: a one-cylinder soma of L = diam = "
  "17.7354 um, the axon and dendrites attached at soma(0.5), nseg by d_lambda 0.1 at 100 Hz.\n"
  "\n"
  "Morphology: c91662.swc from NeuroMorpho.Org (Ascoli GA, Donohue DE, Halavi M (2007) "
  "NeuroMorpho.Org: a central resource for neuronal morphologies. J Neurosci 27:9247-9251), "
  "Amaral archive (reconstructions from the laboratory of David G. Amaral; cite the archive's "
  "original publication as NeuroMorpho.Org asks), standardised with StdSwc 1.31; the file as "
  "distributed with the NEURON simulator (8.2.2, share/lib/python/neuron/rxdtests/tests/"
  "c91662.swc, BSD-3-Clause).\n"
  "\n"
  "Biophysics (chosen for Neurite's validation against NEURON, not fitted to data): hh with "
  "NEURON's default parameters in soma and axon; pas with g 5e-5 S/cm2 (Rm 20 kohm cm2) and e "
  "-65 mV in the basal and apical dendrites; Ra 35.4 ohm cm, cm 1 uF/cm2.  Stimulus: IClamp at "
  "soma[0](0.5), del 1 ms, dur 15 ms, amp 0.5 nA.  Run: 20 ms, dt 0.025 ms, v_init -65 mV, "
  "6.3 degC.  tests/reference/generate_swc.py runs the same cell in NEURON 8.2.2; "
  "tests/io/test-swc.c compares soma, basal tip (dend[35](1)) and axon end (axon[0](1)).";

/* models/ca1-pyramidal.nml: the imported cell with the CellBuilder biophysics of
 * generate_swc.py. */
static NrtModel *
build_ca1 (const char *swc)
{
  g_autoptr (GError) error = NULL;
  NrtModel *m = nrt_swc_read_file (swc, &error);
  g_assert_no_error (error);
  g_autoptr (GPtrArray) bio =
    g_ptr_array_new_with_free_func ((GDestroyNotify) nrt_biophysics_spec_free);
  static const char *targets[] = { "all", "somatic", "axonal", "basal", "apical" };

  OK (nrt_model_set_name (m, "ca1_pyramidal", &e_));
  OK (nrt_model_set_notes (m, ca1_notes, &e_));
  for (guint i = 0; i < G_N_ELEMENTS (targets); i++)
    {
      NrtBiophysicsSpec *b = nrt_biophysics_spec_new (targets[i]);
      if (i == 0)
        {
          b->has_Ra = b->has_cm = TRUE;
          b->Ra = 35.4;
          b->cm = 1.0;
        }
      else if (i <= 2)
        b->mech[NRT_MECH_HH].inserted = TRUE;
      else
        {
          b->mech[NRT_MECH_PAS].inserted = TRUE;
          b->mech[NRT_MECH_PAS].p[0] = 5e-5;   /* g_pas, S/cm² */
          b->mech[NRT_MECH_PAS].p[1] = -65.0;  /* e_pas, mV */
        }
      g_ptr_array_add (bio, b);
    }
  OK (nrt_model_set_biophysics_specs (m, (NrtBiophysicsSpec **) bio->pdata, bio->len, &e_));
  int pp = nrt_model_add_point_process (m, "IClamp", "soma[0]", 0.5, &error);
  g_assert_no_error (error);
  OK (nrt_model_set_point_process_param (m, pp, "del", 1.0, &e_));
  OK (nrt_model_set_point_process_param (m, pp, "dur", 15.0, &e_));
  OK (nrt_model_set_point_process_param (m, pp, "amp", 0.5, &e_));
  NrtRunSettings st = nrt_model_get_data (m)->settings;
  st.tstop = 20;
  st.dt = 0.025;
  st.v_init = -65;
  st.celsius = 6.3;
  st.points_per_ms = 40;
  st.method = NRT_METHOD_IMPLICIT;
  st.hh_use_table = TRUE;
  OK (nrt_model_set_settings (m, &st, &e_));
  nrt_model_clear_history (m);
  nrt_model_mark_saved (m);
  return m;
}

/* Runs m and returns max |Δv| (mV) against swc_c91662_trace.csv at the three records. */
static double
ca1_max_dv (NrtModel *m, double per_record[3])
{
  g_autoptr (GError) error = NULL;
  g_autofree char *csv_path = ref_path ("swc_c91662_trace.csv");
  g_autoptr (NrtCsv) ref = nrt_csv_read (csv_path);
  g_autofree char *r0 = summary ("record_soma");
  g_autofree char *r1 = summary ("record_dend_tip");
  g_autofree char *r2 = summary ("record_axon_end");
  const char *locs[3] = { r0, r1, r2 };
  g_autoptr (NrtNetwork) net = nrt_network_compile (m, &error);
  g_assert_no_error (error);
  g_autoptr (NrtSim) sim = nrt_sim_new (net);
  double worst = 0;

  for (int k = 0; k < 3; k++)
    {
      g_autofree char *expr = g_strdup_printf ("%s.v", locs[k]);
      g_assert_cmpint (nrt_sim_add_record (sim, expr, &error), ==, k);
      g_assert_no_error (error);
      per_record[k] = 0;
    }
  nrt_sim_init (sim);
  for (guint row = 0; row < ref->n_rows; row++)
    {
      if (row > 0)
        {
          g_assert_false (nrt_sim_reached (sim, nrt_network_get_settings (net)->tstop));
          g_assert_true (nrt_sim_step (sim, &error));
        }
      g_assert_cmpfloat (fabs (nrt_sim_get_t (sim) - nrt_csv_get (ref, row, 0)), <, 1e-9);
      for (int k = 0; k < 3; k++)
        {
          double dv = fabs (nrt_sim_record_value (sim, k) - nrt_csv_get (ref, row, k + 1));
          per_record[k] = MAX (per_record[k], dv);
          worst = MAX (worst, dv);
        }
    }
  g_assert_true (nrt_sim_reached (sim, nrt_network_get_settings (net)->tstop));
  return worst;
}

static void
test_ca1_trace (void)
{
  g_autofree char *swc = ca1_swc ();
  double each[3];
  if (swc == NULL)
    return;
  g_autoptr (NrtModel) m = build_ca1 (swc);
  double worst = ca1_max_dv (m, each);
  g_test_message ("c91662 vs NEURON: max |dv| soma %.3g mV, basal tip %.3g mV, axon end %.3g mV",
                  each[0], each[1], each[2]);
  g_assert_cmpfloat (worst, <=, 1e-3);
}

static char *
ca1_model_path (void)
{
  return g_build_filename (NRT_SOURCE_ROOT, "models", "ca1-pyramidal.nml", NULL);
}

/* models/ca1-pyramidal.nml is what Neurite's writer makes of the imported cell. */
static void
test_ca1_model_up_to_date (void)
{
  g_autofree char *swc = ca1_swc ();
  g_autoptr (GError) error = NULL;
  g_autofree char *path = ca1_model_path ();
  g_autofree char *text = NULL;
  if (swc == NULL)
    return;
  g_autoptr (NrtModel) m = build_ca1 (swc);
  g_autofree char *xml = nrt_neuroml_write_string (m, &error);
  g_assert_no_error (error);
  if (g_getenv ("NRT_UPDATE_MODELS") != NULL)
    {
      g_assert_true (nrt_neuroml_write_file (m, path, &error));
      g_assert_no_error (error);
    }
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  if (strcmp (text, xml) != 0)
    g_error ("%s is out of date: run NRT_UPDATE_MODELS=1 test-swc -p /swc/ca1/model-up-to-date",
             path);
}

/* The shipped model: valid NeuroML, and it runs to NEURON's trace (needs no ../shared). */
static void
test_ca1_model_file (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = ca1_model_path ();
  gboolean skipped = FALSE;
  double each[3];

  g_assert_true (nrt_neuroml_validate_file_full (path, &skipped, &error));
  g_assert_no_error (error);
  if (skipped)
    g_test_message ("the NeuroML XSD is absent: only Neurite's checks ran");
  g_autoptr (NrtModel) m = nrt_neuroml_read_file (path, &error);
  g_assert_no_error (error);
  const NrtModelData *d = nrt_model_get_data (m);
  guint segs = 0;
  for (guint i = 0; i < d->sections->len; i++)
    segs += ((NrtSection *) d->sections->pdata[i])->nseg;
  g_assert_cmpuint (d->sections->len, ==, 194);
  g_assert_cmpuint (segs, ==, 740);
  g_assert_nonnull (strstr (d->notes, "NeuroMorpho.Org"));
  g_assert_nonnull (strstr (d->notes, "Amaral"));
  g_assert_nonnull (strstr (d->notes, "NEURON"));
  double worst = ca1_max_dv (m, each);
  g_test_message ("models/ca1-pyramidal.nml vs NEURON: max |dv| soma %.3g, tip %.3g, axon %.3g mV",
                  each[0], each[1], each[2]);
  g_assert_cmpfloat (worst, <=, 1e-3);
}

/* `neurite-cli info` and `run` on the SWC file and on the shipped model. */
static void
test_ca1_cli (void)
{
  const char *cli = g_getenv ("NEURITE_CLI");
  g_autofree char *swc = NULL;
  g_autofree char *model = ca1_model_path ();
  g_autoptr (GError) error = NULL;

  if (cli == NULL)
    {
      g_test_skip ("NEURITE_CLI is not set");
      return;
    }
  swc = ca1_swc ();
  if (swc == NULL)
    return;
  {
    const char *argv[] = { cli, "info", swc, NULL };
    g_autofree char *out = NULL;
    int status;
    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                                 NULL, &out, NULL, &status, &error));
    g_assert_true (g_spawn_check_wait_status (status, NULL));
    g_assert_true (g_str_has_prefix (out, "model c91662: 194 sections, 740 segments,"));
  }
  {
    g_autofree char *tmp = g_dir_make_tmp ("nrt-swc-XXXXXX", &error);
    g_assert_no_error (error);
    g_autofree char *csv = g_build_filename (tmp, "v.csv", NULL);
    g_autofree char *r0 = summary ("record_soma");
    g_autofree char *r1 = summary ("record_dend_tip");
    g_autofree char *r2 = summary ("record_axon_end");
    g_autofree char *e0 = g_strdup_printf ("%s.v", r0);
    g_autofree char *e1 = g_strdup_printf ("%s.v", r1);
    g_autofree char *e2 = g_strdup_printf ("%s.v", r2);
    const char *argv[] = { cli, "run", model, "--record", e0, "--record", e1, "--record", e2,
                           "--csv", csv, NULL };
    g_autofree char *out = NULL;
    int status;
    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                                 NULL, &out, NULL, &status, &error));
    g_assert_true (g_spawn_check_wait_status (status, NULL));
    g_autofree char *ref_file = ref_path ("swc_c91662_trace.csv");
    g_autoptr (NrtCsv) ref = nrt_csv_read (ref_file);
    g_autoptr (NrtCsv) got = nrt_csv_read (csv);
    double worst = 0;
    g_assert_cmpuint (got->n_rows, ==, ref->n_rows);
    for (guint r = 0; r < ref->n_rows; r++)
      for (guint c = 1; c < 4; c++)
        worst = MAX (worst, fabs (nrt_csv_get (got, r, c) - nrt_csv_get (ref, r, c)));
    g_test_message ("neurite-cli run models/ca1-pyramidal.nml: max |dv| %.3g mV", worst);
    g_assert_cmpfloat (worst, <=, 1e-3);
    g_remove (csv);
    g_rmdir (tmp);
  }
  {
    /* run on the SWC itself: no stimulus, so it sits at rest, recorded at soma[0](0.5) */
    const char *argv[] = { cli, "run", swc, NULL };
    g_autofree char *out = NULL;
    int status;
    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                                 NULL, &out, NULL, &status, &error));
    g_assert_true (g_spawn_check_wait_status (status, NULL));
    g_assert_cmpstr (out, ==, "soma[0](0.5).v spikes: none\n");
  }
}

/* `neurite-cli convert cell.swc out.nml` writes the imported model; it reads back the same. */
static void
test_convert (void)
{
  const char *cli = g_getenv ("NEURITE_CLI");
  g_autoptr (GError) error = NULL;
  g_autofree char *swc = g_build_filename (NRT_SOURCE_ROOT, "tests", "reference", "swc",
                                           "soma-contour.swc", NULL);
  if (cli == NULL)
    {
      g_test_skip ("NEURITE_CLI is not set");
      return;
    }
  g_autofree char *tmp = g_dir_make_tmp ("nrt-swc-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *out = g_build_filename (tmp, "soma-contour.nml", NULL);
  const char *argv[] = { cli, "convert", swc, out, NULL };
  int status;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL,
                               NULL, &status, &error));
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_autoptr (NrtModel) a = nrt_swc_read_file (swc, &error);
  g_assert_no_error (error);
  g_autoptr (NrtModel) b = nrt_neuroml_read_file (out, &error);
  g_assert_no_error (error);
  g_assert_true (nrt_model_data_equal (nrt_model_get_data (a), nrt_model_get_data (b)));
  g_assert_true (nrt_neuroml_validate_file (out, &error));
  g_assert_no_error (error);
  g_remove (out);
  g_rmdir (tmp);
}

/* ---------------------------------------------------------------- small files vs Import3d */

static void
test_cases (void)
{
  g_autoptr (GPtrArray) rows = read_rows ("swc_cases.csv");
  g_autoptr (NrtModel) m = NULL;
  g_autofree char *current = NULL;
  guint index = 0, n_cases = 0;

  for (guint k = 0; k <= rows->len; k++)
    {
      char **r = k < rows->len ? rows->pdata[k] : NULL;
      if (r == NULL || g_strcmp0 (r[0], current) != 0)
        {
          if (m != NULL)
            g_assert_cmpuint (nrt_model_get_n_sections (m), ==, index);  /* none extra */
          g_clear_object (&m);
          if (r == NULL)
            break;
          g_autoptr (GError) error = NULL;
          g_autofree char *path = g_build_filename (NRT_SOURCE_ROOT, "tests", "reference",
                                                    "swc", r[0], NULL);
          g_free (current);
          current = g_strdup (r[0]);
          m = nrt_swc_read_file (path, &error);
          g_assert_no_error (error);
          index = 0;
          n_cases++;
        }
      g_assert_cmpuint (atoi (r[1]), ==, index);
      g_assert_cmpuint (index, <, nrt_model_get_n_sections (m));
      check_section (m, index, r + 1, r[0]);
      const NrtSection *sec = nrt_model_get_section (m, index);
      g_auto (GStrv) pts = g_strsplit (r[7], "|", -1);
      g_assert_cmpuint (g_strv_length (pts), ==, sec->pt3d->len);
      for (guint i = 0; pts[i]; i++)
        {
          float x, y, z, dd;
          g_assert_cmpint (sscanf (pts[i], "%g %g %g %g", &x, &y, &z, &dd), ==, 4);
          if (!same_pt (&g_array_index (sec->pt3d, NrtPt3d, i), x, y, z, dd))
            g_error ("%s: %s point %u differs from NEURON's %s", r[0], sec->name, i, pts[i]);
        }
      index++;
    }
  g_assert_cmpuint (n_cases, ==, 7);
}

/* Subsets and names for other types: Import3d's dend_N / minus_N arrays, the CellBuilder's
 * dendritic_N / minus_Nset subsets, all in type order. */
static void
test_other_types (void)
{
  static const char text[] =
    "# custom types\n"
    "1 1 0 0 0 5 -1\n"
    "2 3 5 0 0 1 1\n3 3 20 0 0 1 2\n"
    "4 12 -5 0 0 1 1\n5 12 -20 0 0 1 4\n"
    "6 -2 0 5 0 1 1\n7 -2 0 20 0 1 6\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (NrtModel) m = nrt_swc_read_string (text, -1, "/tmp/2 odd-name.v1.swc", &error);
  g_assert_no_error (error);
  const NrtModelData *d = nrt_model_get_data (m);
  static const char *names[] = { "minus_2[0]", "soma[0]", "dend[0]", "dend_12[0]" };
  static const char *subsets[] = { "all", "minus_2set", "somatic", "basal", "dendritic_12" };

  g_assert_cmpuint (d->sections->len, ==, G_N_ELEMENTS (names));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_assert_cmpstr (((NrtSection *) d->sections->pdata[i])->name, ==, names[i]);
  g_assert_cmpuint (d->subsets->len, ==, G_N_ELEMENTS (subsets));
  for (guint i = 0; i < G_N_ELEMENTS (subsets); i++)
    g_assert_cmpstr (((NrtSubset *) d->subsets->pdata[i])->name, ==, subsets[i]);
  g_assert_cmpstr (d->name, ==, "cell_2_odd_name_v1");
  g_assert_cmpstr (d->notes, ==, "Imported from 2 odd-name.v1.swc (SWC) with NEURON Import3d's "
                   "rules.\n\ncustom types");
}

/* Reading is deterministic and unsorted ids are sorted as Import3d sorts them. */
static void
test_unsorted_ids (void)
{
  static const char sorted[] =
    "1 1 0 0 0 5 -1\n2 3 6 0 0 1 1\n3 3 20 0 0 1 2\n4 3 30 5 0 1 3\n5 3 30 -5 0 1 3\n";
  static const char shuffled[] =
    "\xEF\xBB\xBF\r\n  # comment after blanks\r\n4 3 30 5 0 1 3\r\n"
    "1 1 0 0 0 5 -1 trailing words\r\n"
    "5 3 30 -5 0 1 3\r\n2\t3\t6\t0\t0\t1\t1\r\n3 3 20 0 0 1 2";
  g_autoptr (GError) error = NULL;
  g_autoptr (NrtModel) a = nrt_swc_read_string (sorted, -1, "x.swc", &error);
  g_assert_no_error (error);
  g_autoptr (NrtModel) b = nrt_swc_read_string (shuffled, -1, "x.swc", &error);
  g_assert_no_error (error);
  /* the notes differ (comments); the rest is equal */
  OK (nrt_model_set_notes (b, nrt_model_get_data (a)->notes, &e_));
  g_assert_true (nrt_model_data_equal (nrt_model_get_data (a), nrt_model_get_data (b)));
  g_assert_cmpuint (nrt_model_get_n_sections (a), ==, 4);
}

/* Into an existing model: one undo step, names must be new, a refusal changes nothing. */
static void
test_into_model (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (NRT_SOURCE_ROOT, "tests", "reference", "swc",
                                            "one-point-soma.swc", NULL);
  g_autofree char *text = NULL;
  g_autoptr (NrtModel) m = nrt_model_new_default ();
  g_autoptr (NrtModel) alone = nrt_swc_read_file (path, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  NrtModelData *before = nrt_model_data_copy (nrt_model_get_data (m));

  g_assert_true (nrt_swc_read_into_model (m, text, -1, path, &error));
  g_assert_no_error (error);
  const NrtModelData *d = nrt_model_get_data (m);
  g_assert_cmpuint (d->sections->len, ==, 1 + nrt_model_get_n_sections (alone));
  for (guint i = 0; i < nrt_model_get_n_sections (alone); i++)
    {
      const NrtSection *a = nrt_model_get_section (alone, i);
      const NrtSection *b = d->sections->pdata[i + 1];
      g_assert_cmpstr (a->name, ==, b->name);
      g_assert_cmpint (a->nseg, ==, b->nseg);
      g_assert_cmpint (b->nseg_strategy, ==, NRT_NSEG_D_LAMBDA);
      g_assert_cmpint (b->parent, ==, a->parent < 0 ? -1 : a->parent + 1);  /* after "soma" */
    }
  g_assert_cmpint (nrt_model_find_subset (m, "somatic"), >, 0);
  g_assert_cmpint (nrt_model_find_subset (m, "apical"), >, 0);
  g_assert_true (nrt_model_is_modified (m));

  /* again: every name is taken, so nothing happens */
  NrtModelData *after = nrt_model_data_copy (nrt_model_get_data (m));
  g_assert_false (nrt_swc_read_into_model (m, text, -1, path, &error));
  g_assert_error (error, NRT_IO_ERROR, NRT_IO_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "the model already has a section soma[0]"));
  g_clear_error (&error);
  g_assert_true (nrt_model_data_equal (after, nrt_model_get_data (m)));
  /* a bad file changes nothing either */
  g_assert_false (nrt_swc_read_into_model (m, "1 1 0 0 0 1 -1\n2 3 1 1 1 1 7\n", -1, NULL,
                                           &error));
  g_assert_error (error, NRT_IO_ERROR, NRT_IO_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (nrt_model_data_equal (after, nrt_model_get_data (m)));

  /* one undo step takes the whole import back */
  g_assert_true (nrt_model_undo (m, &error));
  g_assert_no_error (error);
  g_assert_true (nrt_model_data_equal (before, nrt_model_get_data (m)));
  nrt_model_data_free (before);
  nrt_model_data_free (after);
}

/* ---------------------------------------------------------------- errors */

static void
test_string_errors (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NrtModel) m = nrt_swc_read_string ("1 1 0 0 0 5 -1\n\n2 3 x 0 0 1 1\n", -1, NULL,
                                                &error);
  g_assert_null (m);
  g_assert_error (error, NRT_IO_ERROR, NRT_IO_ERROR_PARSE);
  g_assert_cmpstr (error->message, ==, "<string>:3: field 3 (x) “x” is not a number");
  g_clear_error (&error);
  g_assert_null (nrt_swc_read_file ("/nonexistent/cell.swc", &error));
  g_assert_error (error, NRT_IO_ERROR, NRT_IO_ERROR_NOT_FOUND);
  g_assert_true (g_str_has_prefix (error->message, "/nonexistent/cell.swc:1: "));
  g_assert_true (nrt_swc_is_swc_path ("a/B.SWC"));
  g_assert_false (nrt_swc_is_swc_path ("a/b.nml"));
  g_assert_false (nrt_swc_is_swc_path (".swc"));
}

static void
test_malformed_corpus (void)
{
  const char *cli = g_getenv ("NEURITE_CLI");
  g_autofree char *dir = g_build_filename (NRT_SOURCE_ROOT, "tests", "malformed", "swc", NULL);
  g_autofree char *table = g_build_filename (dir, "EXPECTED.txt", NULL);
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (GRegex) form = g_regex_new ("^[^\\n]+:[0-9]+: [^\\n]+\\n$", 0, 0, NULL);
  guint n = 0, n_files = 0;

  g_assert_true (g_file_get_contents (table, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      g_auto (GStrv) f = NULL;
      g_autofree char *file = NULL;
      g_autoptr (GError) error = NULL;
      if (lines[i][0] == '#' || lines[i][0] == '\0')
        continue;
      f = g_strsplit (lines[i], "\t", 2);
      g_assert_nonnull (f[1]);
      file = g_build_filename (dir, f[0], NULL);
      g_assert_null (nrt_swc_read_file (file, &error));
      g_assert_nonnull (error);
      if (!g_str_has_prefix (error->message, file) || strstr (error->message, f[1]) == NULL)
        g_error ("%s: \"%s\", expected \"%s\"", f[0], error->message, f[1]);
      g_clear_error (&error);
      for (int c = 0; c < 2 && cli != NULL; c++)
        {
          const char *argv[] = { cli, c == 0 ? "info" : "run", file, NULL };
          g_autofree char *out = NULL;
          g_autofree char *err = NULL;
          int status;
          g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                                       &out, &err, &status, &error));
          g_assert_no_error (error);
          if (WIFEXITED (status) && WEXITSTATUS (status) == 2 && g_regex_match (form, err, 0, NULL)
              && g_str_has_prefix (err, file) && strstr (err, f[1]) != NULL)
            continue;
          g_error ("%s %s: status %d, stderr \"%s\", expected \"%s\"", argv[1], f[0], status, err,
                   f[1]);
        }
      n++;
    }
  /* every file of the folder is in the table */
  {
    g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;
    while ((name = g_dir_read_name (d)) != NULL)
      n_files += g_str_has_suffix (name, ".swc");
  }
  g_assert_cmpuint (n, ==, n_files);
  g_assert_cmpuint (n, >=, 15);
  if (cli == NULL)
    g_test_message ("NEURITE_CLI is not set: the CLI half was not run");
}

/* ---------------------------------------------------------------- the GTask read */

/* A big synthetic cell: a NeuroMorpho soma and n samples in unbranched runs that branch
 * off earlier samples now and then (about one section per 12 samples, as in real cells). */
static char *
write_big_swc (const char *dir, guint n)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (6);
  GString *s = g_string_new ("# synthetic test cell\n1 1 0 0 0 6 -1\n2 1 0 -6 0 6 1\n"
                             "3 1 0 6 0 6 1\n");
  g_autofree double *xyz = g_new0 (double, 3 * (n + 1));
  char *path = g_build_filename (dir, "big.swc", NULL);

  for (guint id = 4; id <= n; id++)
    {
      guint parent = id - 1;
      if (id == 4 || g_rand_double (rand) < 0.04)
        parent = id == 4 ? 1 : (guint) g_rand_int_range (rand, 4, id);
      for (int c = 0; c < 3; c++)
        xyz[3 * id + c] = xyz[3 * parent + c] + g_rand_double_range (rand, -5, 5);
      g_string_append_printf (s, "%u 3 %.3f %.3f %.3f %.3f %u\n", id, xyz[3 * id],
                              xyz[3 * id + 1], xyz[3 * id + 2], g_rand_double_range (rand, 0.2, 2),
                              parent);
    }
  g_assert_true (g_file_set_contents (path, s->str, s->len, NULL));
  g_string_free (s, TRUE);
  return path;
}

typedef struct {
  GMainLoop *loop;
  GArray    *fractions;
  NrtModel  *model;
  GError    *error;
  gboolean   done;
  gboolean   progress_after_done;
} AsyncState;

static void
on_progress (double fraction, gpointer user_data)
{
  AsyncState *st = user_data;
  if (st->done)
    st->progress_after_done = TRUE;
  g_array_append_val (st->fractions, fraction);
}

static void
on_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AsyncState *st = user_data;
  st->model = nrt_swc_read_file_finish (result, &st->error);
  st->done = TRUE;
  g_main_loop_quit (st->loop);
}

static void
read_async (const char *path, GCancellable *cancellable, AsyncState *st)
{
  st->loop = g_main_loop_new (NULL, FALSE);
  st->fractions = g_array_new (FALSE, FALSE, sizeof (double));
  nrt_swc_read_file_async (path, cancellable, on_progress, st, on_read, st);
  g_main_loop_run (st->loop);
  /* anything still queued would run now */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_main_loop_unref (st->loop);
}

static void
test_async (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("nrt-swc-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *path = write_big_swc (dir, 40000);
  AsyncState st = { 0 };
  gint64 t0 = g_get_monotonic_time ();

  read_async (path, NULL, &st);
  g_test_message ("40000 samples: %u sections in %.0f ms, %u progress calls",
                  st.model ? nrt_model_get_n_sections (st.model) : 0,
                  (g_get_monotonic_time () - t0) / 1000.0, st.fractions->len);
  g_assert_no_error (st.error);
  g_assert_nonnull (st.model);
  g_assert_false (st.progress_after_done);
  g_assert_cmpuint (st.fractions->len, >=, 10);
  g_assert_cmpuint (st.fractions->len, <=, 110);
  for (guint i = 1; i < st.fractions->len; i++)
    g_assert_cmpfloat (g_array_index (st.fractions, double, i), >,
                       g_array_index (st.fractions, double, i - 1));
  g_assert_cmpfloat (g_array_index (st.fractions, double, st.fractions->len - 1), ==, 1.0);
  g_assert_cmpuint (nrt_model_get_n_sections (st.model), >, 2000);

  /* the same model as the synchronous read */
  g_autoptr (NrtModel) sync = nrt_swc_read_file (path, &error);
  g_assert_no_error (error);
  g_assert_true (nrt_model_data_equal (nrt_model_get_data (sync), nrt_model_get_data (st.model)));
  g_clear_object (&st.model);
  g_array_unref (st.fractions);

  /* cancelled: G_IO_ERROR_CANCELLED and no model */
  {
    AsyncState c = { 0 };
    g_autoptr (GCancellable) cancel = g_cancellable_new ();
    g_cancellable_cancel (cancel);
    read_async (path, cancel, &c);
    g_assert_null (c.model);
    g_assert_error (c.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&c.error);
    g_array_unref (c.fractions);
  }
  /* a bad file: the same error as the synchronous read, and no progress needed */
  {
    AsyncState b = { 0 };
    g_autofree char *bad = g_build_filename (NRT_SOURCE_ROOT, "tests", "malformed", "swc",
                                             "05-cycle.swc", NULL);
    read_async (bad, NULL, &b);
    g_assert_null (b.model);
    g_assert_error (b.error, NRT_IO_ERROR, NRT_IO_ERROR_INVALID);
    g_assert_nonnull (strstr (b.error->message, ":4: samples form a cycle"));
    g_clear_error (&b.error);
    g_array_unref (b.fractions);
  }
  g_remove (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/swc/ca1/sections", test_ca1_sections);
  g_test_add_func ("/swc/ca1/points", test_ca1_points);
  g_test_add_func ("/swc/ca1/segments", test_ca1_segments);
  g_test_add_func ("/swc/ca1/subsets", test_ca1_subsets);
  g_test_add_func ("/swc/ca1/trace", test_ca1_trace);
  g_test_add_func ("/swc/ca1/model-up-to-date", test_ca1_model_up_to_date);
  g_test_add_func ("/swc/ca1/model-file", test_ca1_model_file);
  g_test_add_func ("/swc/ca1/cli", test_ca1_cli);
  g_test_add_func ("/swc/import3d-cases", test_cases);
  g_test_add_func ("/swc/convert", test_convert);
  g_test_add_func ("/swc/other-types", test_other_types);
  g_test_add_func ("/swc/unsorted-ids", test_unsorted_ids);
  g_test_add_func ("/swc/into-model", test_into_model);
  g_test_add_func ("/swc/errors/string", test_string_errors);
  g_test_add_func ("/swc/errors/malformed-corpus", test_malformed_corpus);
  g_test_add_func ("/swc/async", test_async);
  return g_test_run ();
}
