/* test-validation.c: Neurite's fixed-step solver against NEURON 8.2.2 reference traces.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every case of ../shared/validation is built (through the model API, and from the models/ NeuroML
 * files when those load), run with the reference's settings and compared at every recorded step
 * with tests/reference/NAME.csv, written by tests/reference/generate.py in NEURON.  The
 * expectations are NEURON's numbers; nothing here was produced by Neurite.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nrt-sim.h"
#include "nrt-neuroml.h"
#include "nrt-cases.h"
#include "nrt-csv.h"

/* NEURON's algorithm reproduced operation by operation agrees to ~1e-10 mV (README); the
 * acceptance bar is 1e-3 mV.  We hold ourselves to 1e-6 mV. */
#define V_TOL      1e-6
/* Gating states and synaptic conductances follow v; 1e-8 absolute is far below what a
 * different formula (e.g. table vs direct rates, ~1e-4) would give. */
#define STATE_TOL  1e-8
/* Currents (nA, mA/cm²), relative to the magnitude. */
#define CUR_TOL    1e-6
/* Spike times, ms (acceptance). */
#define SPIKE_TOL  1e-4

typedef NrtModel *(*BuildFunc) (void);
typedef void (*AdaptFunc) (NrtModel *model);

typedef struct {
  const char *name;        /* reference CSV */
  BuildFunc   build;
  double      tstop;
  NrtMethod   method;
  gboolean    table;
  guint       decimate;    /* steps per CSV row */
  const char *space;       /* *_space.csv, or NULL */
  const char *nml;         /* the base model in models/ */
  AdaptFunc   adapt;       /* the case's changes to it, through the model API */
} Case;

/* Every case sets its stimulus explicitly, so only the base model comes from the file. */
static void
adapt_soma_hh (NrtModel *m)
{
  nrt_case_set_iclamp (m, 0, "soma", 0.5, 2, 0.1, 1);
}

static void
adapt_squid_150 (NrtModel *m)
{
  nrt_case_set_iclamp (m, 0, "axon", 0.5, 1, 1, 150);
}

static void
adapt_squid_300 (NrtModel *m)
{
  nrt_case_set_iclamp (m, 0, "axon", 0.5, 1, 1, 300);
}

static void
adapt_squid_2clamps (NrtModel *m)
{
  nrt_case_set_iclamp (m, 0, "axon", 0.1, 1, 1, 150);
  nrt_case_add_iclamp (m, "axon", 0.9, 1, 1, 150);
}

static void
adapt_stylized (NrtModel *m)
{
  nrt_case_set_iclamp (m, 0, "soma", 0.5, 1, 0.1, 10);
}

static void
adapt_stylized_tutorial (NrtModel *m)
{
  nrt_case_set_iclamp (m, 0, "soma", 0.5, 5, 1, 0.6);
}

static void
adapt_cable (NrtModel *m)
{
  nrt_case_set_iclamp (m, 0, "cable", 0, 0, 1000, 0.1);
}

static void
to_synapse (NrtModel *m, NrtPointProcessType type)
{
  g_autoptr (GError) error = NULL;
  g_assert_true (nrt_model_remove_point_process (m, 0, &error));
  g_assert_no_error (error);
  nrt_case_add_synapse (m, type);
}

static void
adapt_expsyn (NrtModel *m)
{
  to_synapse (m, NRT_PP_EXPSYN);
}

static void
adapt_exp2syn (NrtModel *m)
{
  to_synapse (m, NRT_PP_EXP2SYN);
}

static void
adapt_alpha (NrtModel *m)
{
  to_synapse (m, NRT_PP_ALPHA_SYNAPSE);
}

static NrtModel *
squid_150 (void)
{
  static const double xs[] = { 0.5 };
  return nrt_case_squid_axon (150, xs, 1);
}

static NrtModel *
squid_300 (void)
{
  static const double xs[] = { 0.5 };
  return nrt_case_squid_axon (300, xs, 1);
}

static NrtModel *
squid_2clamps (void)
{
  static const double xs[] = { 0.1, 0.9 };
  return nrt_case_squid_axon (150, xs, 2);
}

static NrtModel *
stylized (void)
{
  return nrt_case_stylized_cell (1, 0.1, 10);
}

static NrtModel *
stylized_tutorial (void)
{
  return nrt_case_stylized_cell (5, 1, 0.6);
}

static NrtModel *
expsyn (void)
{
  return nrt_case_synapse (NRT_PP_EXPSYN);
}

static NrtModel *
exp2syn (void)
{
  return nrt_case_synapse (NRT_PP_EXP2SYN);
}

static NrtModel *
alpha (void)
{
  return nrt_case_synapse (NRT_PP_ALPHA_SYNAPSE);
}

/* ---- Clamps and APCount (tests/reference/generate.py case_clamps) ---- */

static int
add_point_process (NrtModel *m, const char *type, const char *sec, double x,
                   const char *const *names, const double *values, guint n)
{
  g_autoptr (GError) error = NULL;
  int pp = nrt_model_add_point_process (m, type, sec, x, &error);
  g_assert_no_error (error);
  g_assert_cmpint (pp, >=, 0);
  for (guint i = 0; i < n; i++)
    {
      g_assert_true (nrt_model_set_point_process_param (m, (guint) pp, names[i], values[i],
                                                        &error));
      g_assert_no_error (error);
    }
  return pp;
}

static void
remove_stimulus (NrtModel *m)
{
  g_autoptr (GError) error = NULL;
  g_assert_true (nrt_model_remove_point_process (m, 0, &error));
  g_assert_no_error (error);
}

static const char *const seclamp_names[] = { "rs", "dur1", "amp1", "dur2", "amp2", "dur3",
                                             "amp3" };

static void
adapt_seclamp (NrtModel *m)
{
  static const double values[] = { 0.01, 1, -65, 5, 10, 4, -65 };
  remove_stimulus (m);
  add_point_process (m, "SEClamp", "soma", 0.5, seclamp_names, values, G_N_ELEMENTS (values));
}

static void
adapt_seclamp_rs1 (NrtModel *m)
{
  static const double values[] = { 1, 1, -65, 5, -40, 4, -65 };
  remove_stimulus (m);
  add_point_process (m, "SEClamp", "soma", 0.5, seclamp_names, values, G_N_ELEMENTS (values));
}

static void
adapt_vclamp (NrtModel *m)
{
  static const char *const names[] = { "dur0", "amp0", "dur1", "amp1", "dur2", "amp2" };
  static const double values[] = { 1, -65, 5, 10, 4, -65 };
  remove_stimulus (m);
  add_point_process (m, "VClamp", "axon", 0.5, names, values, G_N_ELEMENTS (values));
}

static void
adapt_apcount (NrtModel *m)
{
  nrt_case_set_iclamp (m, 0, "soma", 0.5, 1, 30, 0.1);
  add_point_process (m, "APCount", "soma", 0.5, NULL, NULL, 0);
}

static NrtModel *
seclamp (void)
{
  NrtModel *m = nrt_case_soma_hh ();
  adapt_seclamp (m);
  return m;
}

static NrtModel *
seclamp_rs1 (void)
{
  NrtModel *m = nrt_case_soma_hh ();
  adapt_seclamp_rs1 (m);
  return m;
}

static NrtModel *
vclamp (void)
{
  static const double xs[] = { 0.5 };
  NrtModel *m = nrt_case_squid_axon (150, xs, 1);
  adapt_vclamp (m);
  return m;
}

static NrtModel *
apcount (void)
{
  NrtModel *m = nrt_case_soma_hh ();
  adapt_apcount (m);
  return m;
}

static const Case cases[] = {
  { "soma_hh", nrt_case_soma_hh, 10, NRT_METHOD_IMPLICIT, TRUE, 1, NULL,
    "soma-hh.nml", adapt_soma_hh },
  { "soma_hh_notable", nrt_case_soma_hh, 10, NRT_METHOD_IMPLICIT, FALSE, 1, NULL,
    "soma-hh.nml", adapt_soma_hh },
  { "squid_axon", squid_150, 50, NRT_METHOD_IMPLICIT, TRUE, 1, "squid_axon_space",
    "squid-axon.nml", adapt_squid_150 },
  { "squid_axon_300nA", squid_300, 50, NRT_METHOD_IMPLICIT, TRUE, 1, "squid_axon_300nA_space",
    "squid-axon.nml", adapt_squid_300 },
  { "squid_axon_300nA_notable", squid_300, 50, NRT_METHOD_IMPLICIT, FALSE, 1, NULL,
    "squid-axon.nml", adapt_squid_300 },
  { "squid_axon_2clamps", squid_2clamps, 50, NRT_METHOD_IMPLICIT, TRUE, 1,
    "squid_axon_2clamps_space",
    "squid-axon.nml", adapt_squid_2clamps },
  { "stylized_cell", stylized, 10, NRT_METHOD_IMPLICIT, TRUE, 1, NULL,
    "stylized-cell.nml", adapt_stylized },
  { "stylized_cell_notable", stylized, 10, NRT_METHOD_IMPLICIT, FALSE, 1, NULL,
    "stylized-cell.nml", adapt_stylized },
  { "stylized_cell_50ms", stylized, 50, NRT_METHOD_IMPLICIT, TRUE, 1, NULL,
    "stylized-cell.nml", adapt_stylized },
  { "stylized_cell_tutorial", stylized_tutorial, 20, NRT_METHOD_IMPLICIT, TRUE, 1, NULL,
    "stylized-cell.nml", adapt_stylized_tutorial },
  { "cn_variant", stylized, 10, NRT_METHOD_CN, TRUE, 1, NULL,
    "stylized-cell.nml", adapt_stylized },
  { "cn_variant_50ms", stylized, 50, NRT_METHOD_CN, TRUE, 1, NULL,
    "stylized-cell.nml", adapt_stylized },
  { "passive_cable", nrt_case_passive_cable, 1000, NRT_METHOD_IMPLICIT, TRUE, 4, NULL,
    "passive-cable.nml", adapt_cable },
  { "synapse_expsyn", expsyn, 40, NRT_METHOD_IMPLICIT, TRUE, 1, NULL,
    "soma-hh.nml", adapt_expsyn },
  { "synapse_exp2syn", exp2syn, 40, NRT_METHOD_IMPLICIT, TRUE, 1, NULL,
    "soma-hh.nml", adapt_exp2syn },
  { "synapse_alpha", alpha, 40, NRT_METHOD_IMPLICIT, TRUE, 1, NULL,
    "soma-hh.nml", adapt_alpha },
  { "seclamp_soma_hh", seclamp, 10, NRT_METHOD_IMPLICIT, TRUE, 1, NULL,
    "soma-hh.nml", adapt_seclamp },
  { "seclamp_soma_hh_rs1", seclamp_rs1, 10, NRT_METHOD_IMPLICIT, TRUE, 1, NULL,
    "soma-hh.nml", adapt_seclamp_rs1 },
  { "vclamp_squid_axon", vclamp, 12, NRT_METHOD_IMPLICIT, TRUE, 1, NULL,
    "squid-axon.nml", adapt_vclamp },
  { "apcount_soma_hh", apcount, 40, NRT_METHOD_IMPLICIT, TRUE, 1, NULL,
    "soma-hh.nml", adapt_apcount },
};

static gboolean
is_voltage (const char *name)
{
  return g_str_has_suffix (name, ".v");
}

static gboolean
is_state (const char *name)
{
  return g_str_has_suffix (name, "_hh") && !g_str_has_suffix (name, ".il_hh");
}

/* Runs `model` as the case says and compares with NAME.csv (and NAME's space profile). */
static void
compare_case (const Case *c, NrtModel *model, const char *origin)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_strdup_printf ("%s.csv", c->name);
  g_autofree char *file = nrt_reference_path (path);
  g_autoptr (NrtCsv) ref = nrt_csv_read (file);

  nrt_case_set_run (model, c->tstop, c->method, c->table);
  g_autoptr (NrtNetwork) net = nrt_network_compile (model, &error);
  g_assert_no_error (error);
  g_autoptr (NrtSim) sim = nrt_sim_new (net);

  guint nc = ref->n_cols;
  g_assert_cmpstr (ref->names[0], ==, "t");
  for (guint col = 1; col < nc; col++)
    {
      int r = nrt_sim_add_record (sim, ref->names[col], &error);
      g_assert_no_error (error);
      g_assert_cmpint (r, ==, (int) col - 1);
    }

  /* Space profile: v at every node at t = 2, 3, 4 and 5 ms. */
  g_autoptr (NrtCsv) space = NULL;
  int first_space = (int) nc - 1;
  if (c->space != NULL)
    {
      g_autofree char *sp = g_strdup_printf ("%s.csv", c->space);
      g_autofree char *sfile = nrt_reference_path (sp);
      space = nrt_csv_read (sfile);
      g_assert_cmpuint (space->n_rows, ==, 45);
      for (guint k = 0; k < space->n_rows; k++)
        {
          g_autofree char *expr = g_strdup_printf ("axon(%.17g).v", nrt_csv_get (space, k, 0));
          g_assert_cmpint (nrt_sim_add_record (sim, expr, &error), >=, 0);
          g_assert_no_error (error);
        }
    }

  nrt_sim_init (sim);
  guint n_steps = (guint) (ref->n_rows - 1) * c->decimate;
  g_autofree double *maxdiff = g_new0 (double, nc);
  g_autofree double *tt = g_new (double, ref->n_rows);
  g_autofree double *ours = g_new (double, (gsize) ref->n_rows * nc);
  double space_max = 0.0;
  guint row = 0;

  for (guint step = 0;; step++)
    {
      if (step % c->decimate == 0)
        {
          row = step / c->decimate;
          /* the CSV rounds t to 1e-6; both t accumulate dt/2 twice per step */
          g_assert_cmpfloat_with_epsilon (nrt_sim_get_t (sim), nrt_csv_get (ref, row, 0), 2e-6);
          tt[row] = nrt_csv_get (ref, row, 0);
          for (guint col = 1; col < nc; col++)
            {
              double a = nrt_sim_record_value (sim, col - 1), b = nrt_csv_get (ref, row, col);
              ours[(gsize) row * nc + col] = a;
              double dlt = fabs (a - b);
              if (!is_voltage (ref->names[col]) && !is_state (ref->names[col]))
                dlt /= 1.0 + fabs (b);
              if (!(dlt <= maxdiff[col]))
                maxdiff[col] = isnan (dlt) ? INFINITY : dlt;
            }
        }
      if (space != NULL && step % 40 == 0 && step >= 80 && step <= 200)
        {
          guint scol = (step - 80) / 40 + 1;
          for (guint k = 0; k < space->n_rows; k++)
            {
              double dlt = fabs (nrt_sim_record_value (sim, (guint) first_space + k)
                                 - nrt_csv_get (space, k, scol));
              space_max = MAX (space_max, dlt);
            }
        }
      if (step == n_steps)
        break;
      g_assert_false (nrt_sim_reached (sim, c->tstop));
      g_assert_true (nrt_sim_step (sim, &error));
      g_assert_no_error (error);
    }
  g_assert_true (nrt_sim_reached (sim, c->tstop));

  for (guint col = 1; col < nc; col++)
    {
      const char *name = ref->names[col];
      g_test_message ("%s [%s] %s: max |Δ| = %.3g%s", c->name, origin, name, maxdiff[col],
                      is_voltage (name) ? " mV" : is_state (name) ? "" : " (relative)");
      if (is_voltage (name))
        {
          g_assert_cmpfloat (maxdiff[col], <=, V_TOL);
          /* Spikes: 0 mV upward, interpolated, on our trace and on NEURON's. */
          g_autofree double *va = g_new (double, ref->n_rows);
          g_autofree double *vb = g_new (double, ref->n_rows);
          for (guint r = 0; r < ref->n_rows; r++)
            {
              va[r] = ours[(gsize) r * nc + col];
              vb[r] = nrt_csv_get (ref, r, col);
            }
          g_autoptr (GArray) sa = nrt_spike_times (tt, va, ref->n_rows, 0.0);
          g_autoptr (GArray) sb = nrt_spike_times (tt, vb, ref->n_rows, 0.0);
          g_assert_cmpuint (sa->len, ==, sb->len);
          double worst = 0.0;
          for (guint s = 0; s < sa->len; s++)
            worst = MAX (worst, fabs (g_array_index (sa, double, s)
                                      - g_array_index (sb, double, s)));
          g_test_message ("%s [%s] %s: %u spikes, max |Δt| = %.3g ms", c->name, origin, name,
                          sa->len, worst);
          g_assert_cmpfloat (worst, <=, SPIKE_TOL);
        }
      else if (is_state (name))
        g_assert_cmpfloat (maxdiff[col], <=, STATE_TOL);
      else
        g_assert_cmpfloat (maxdiff[col], <=, CUR_TOL);
    }
  if (space != NULL)
    {
      g_test_message ("%s [%s] space profile (45 nodes × 4 times): max |Δv| = %.3g mV",
                      c->name, origin, space_max);
      g_assert_cmpfloat (space_max, <=, V_TOL);
    }
}

static void
test_case_api (gconstpointer data)
{
  const Case *c = data;
  g_autoptr (NrtModel) model = c->build ();
  compare_case (c, model, "api");
}

/* The same case with its base model read from models/ and adapted through the model API. */
static void
test_case_nml (gconstpointer data)
{
  const Case *c = data;
  g_autoptr (GError) error = NULL;
  const char *root = g_getenv ("NRT_SOURCE_ROOT");
  g_autofree char *path = g_build_filename (root ? root : NRT_SOURCE_ROOT, "models", c->nml,
                                            NULL);
  g_autoptr (NrtModel) model = nrt_neuroml_read_file (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (model);
  /* The base models carry exactly one stimulus, the IClamp the case adapts. */
  g_assert_cmpuint (nrt_model_get_data (model)->point_processes->len, ==, 1);
  c->adapt (model);
  compare_case (c, model, c->nml);
}

/* The CellBuilder's d_lambda rule gives NEURON's nseg (stylized_cell.json: 96 in all). */
static void
test_stylized_nseg (void)
{
  static const struct { const char *name; int nseg; } expect[] = {
    { "soma", 1 }, { "ap[0]", 13 }, { "ap[1]", 15 }, { "ap[2]", 23 }, { "bas", 7 },
    { "axon", 37 },
  };
  g_autoptr (NrtModel) model = stylized ();
  g_autoptr (GError) error = NULL;
  for (guint i = 0; i < G_N_ELEMENTS (expect); i++)
    {
      int is = nrt_model_find_section (model, expect[i].name);
      g_assert_cmpint (is, >=, 0);
      g_assert_cmpint (nrt_model_get_section (model, (guint) is)->nseg, ==, expect[i].nseg);
    }
  g_autoptr (NrtNetwork) net = nrt_network_compile (model, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (nrt_network_get_n_segments (net), ==, 96);
  /* 96 segments + one x = 1 node per section + the root node. */
  g_assert_cmpuint (nrt_network_get_n_nodes (net), ==, 96 + 6 + 1);
}

/* Geometry: NEURON's measured example (neuron-gui.md §6.1): L 100, diam 2, Ra 100, nseg 3
 * gives area 209.44 µm², ri 5.305 MΩ for the first half and 10.61 MΩ between nodes. */
static void
test_geometry_cylinder (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NrtModel) m = nrt_model_new ();
  g_assert_cmpint (nrt_model_add_section (m, "dend", NULL, 0, 100, 2, &error), ==, 0);
  g_assert_true (nrt_model_set_section_nseg (m, "dend", 3, &error));
  g_assert_true (nrt_model_set_Ra (m, "dend", 100, &error));
  g_autoptr (NrtNetwork) net = nrt_network_compile (m, &error);
  g_assert_no_error (error);
  double area, ri;
  g_assert_true (nrt_network_segment_geometry (net, 0, 0, &area, &ri));
  g_assert_cmpfloat_with_epsilon (area, 209.44, 0.005);
  g_assert_cmpfloat_with_epsilon (ri, 5.305, 0.0005);
  g_assert_true (nrt_network_segment_geometry (net, 0, 1, &area, &ri));
  g_assert_cmpfloat_with_epsilon (ri, 10.61, 0.005);
  g_assert_false (nrt_network_segment_geometry (net, 0, 3, &area, &ri));
  g_assert_false (nrt_network_segment_geometry (net, 1, 0, &area, &ri));
}

/* Sections with 3-D points: areas and ri integrated along the polyline in float, as
 * treeset.cpp diam_from_list does (the same points as tests/reference/generate.py, which
 * include a zero-length step and a taper). */
static void
test_geometry_pt3d (void)
{
  static const NrtPt3d dend[] = { { 0, 0, 0, 2 }, { 10, 0, 0, 3 }, { 15, 5, 0, 1.5 },
                                  { 30, 5, 2, 2.5 }, { 52.3f, 7, 2, 1 } };
  static const NrtPt3d tuft[] = { { 52.3f, 7, 2, 1 }, { 52.3f, 7, 2, 0.8f },
                                  { 60.1f, 9.7f, 3.3f, 0.6f }, { 61, 10, 3, 0.6f },
                                  { 90.7f, 11, -4, 0.35f } };
  g_autoptr (GError) error = NULL;
  g_autoptr (NrtModel) m = nrt_model_new ();
  g_assert_cmpint (nrt_model_add_section (m, "dend", NULL, 0, 10, 1, &error), ==, 0);
  g_assert_cmpint (nrt_model_add_section (m, "tuft", "dend", 1, 10, 1, &error), ==, 1);
  g_assert_true (nrt_model_set_section_pt3d (m, "dend", dend, G_N_ELEMENTS (dend), &error));
  g_assert_true (nrt_model_set_section_pt3d (m, "tuft", tuft, G_N_ELEMENTS (tuft), &error));
  g_assert_true (nrt_model_set_section_nseg (m, "dend", 4, &error));
  g_assert_true (nrt_model_set_section_nseg (m, "tuft", 5, &error));
  g_assert_true (nrt_model_set_Ra (m, "all", 123.4, &error));
  g_assert_no_error (error);
  g_autoptr (NrtNetwork) net = nrt_network_compile (m, &error);
  g_assert_no_error (error);

  g_autofree char *file = nrt_reference_path ("pt3d_geometry.csv");
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (file, &text, NULL, NULL));
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  guint n = 0;
  double worst = 0;
  for (guint l = 1; lines[l] && *lines[l]; l++, n++)
    {
      g_auto (GStrv) f = g_strsplit (lines[l], ",", -1);
      guint isec = strcmp (f[0], "dend") == 0 ? 0 : 1;
      double area, ri, L = g_ascii_strtod (f[4], NULL);
      g_assert_true (nrt_network_segment_geometry (net, isec, (guint) atoi (f[1]), &area, &ri));
      double ea = fabs (area / g_ascii_strtod (f[2], NULL) - 1);
      double er = fabs (ri / g_ascii_strtod (f[3], NULL) - 1);
      worst = MAX (worst, MAX (ea, er));
      g_assert_cmpfloat (fabs (nrt_model_get_section (m, isec)->L / L - 1), <=, 1e-6);
    }
  g_assert_cmpuint (n, ==, 9);
  g_test_message ("pt3d geometry: max relative |Δ| of area and ri = %.3g", worst);
  g_assert_cmpfloat (worst, <=, 1e-12);
}

/* Passive cable at t = 1000 ms (100 membrane time constants: converged) against
 *  (a) NEURON's node voltages at t = 1000, (b) the exact steady state of the compartmental
 *  discretisation, solved here directly, and (c) the analytic continuous sealed-end cable. */
static void
test_passive_steady_state (void)
{
  const double L = 1000, diam = 2, G = 1e-4, E = -65, Ra = 100, I = 0.1;
  const guint nseg = 101, n = nseg + 2;
  g_autoptr (GError) error = NULL;
  g_autoptr (NrtModel) model = nrt_case_passive_cable ();
  nrt_case_set_run (model, 1000, NRT_METHOD_IMPLICIT, TRUE);
  g_autoptr (NrtNetwork) net = nrt_network_compile (model, &error);
  g_assert_no_error (error);
  g_autoptr (NrtSim) sim = nrt_sim_new (net);
  g_assert_true (nrt_sim_run_until (sim, 1000, &error));
  g_assert_no_error (error);

  g_autofree char *file = nrt_reference_path ("passive_cable_steadystate.csv");
  g_autoptr (NrtCsv) ref = nrt_csv_read (file);
  g_assert_cmpuint (ref->n_rows, ==, n);

  /* (b) Tridiagonal system: half-segment resistors at the ends, whole ones inside, membrane
   * conductance at the nseg interior nodes, I injected at node 0.  µS·mV = nA. */
  double dx = L / nseg;
  double rhalf = 1e-2 * Ra * (dx / 2) / (G_PI * diam * diam / 4);
  double gm = G * G_PI * diam * dx * 1e-2;
  g_autofree double *lo = g_new0 (double, n), *di = g_new0 (double, n);
  g_autofree double *up = g_new0 (double, n), *rhs = g_new0 (double, n);
  for (guint k = 0; k + 1 < n; k++)
    {
      double g = 1.0 / (k == 0 || k == n - 2 ? rhalf : 2 * rhalf);
      di[k] += g;
      di[k + 1] += g;
      up[k] = -g;
      lo[k + 1] = -g;
    }
  for (guint k = 1; k <= nseg; k++)
    di[k] += gm;
  rhs[0] = I;
  for (guint k = 1; k < n; k++)
    {
      double f = lo[k] / di[k - 1];
      di[k] -= f * up[k - 1];
      rhs[k] -= f * rhs[k - 1];
    }
  rhs[n - 1] /= di[n - 1];
  for (int k = (int) n - 2; k >= 0; k--)
    rhs[k] = (rhs[k] - up[k] * rhs[k + 1]) / di[k];

  double lambda = sqrt ((1.0 / G) * diam * 1e-4 / (4 * Ra)) * 1e4;   /* µm */
  double max_nrn = 0, max_disc = 0, max_an = 0, max_vE = 0;
  for (guint k = 0; k < n; k++)
    {
      double x = nrt_csv_get (ref, k, 0);
      int node = nrt_network_get_node (net, "cable", x);
      g_assert_cmpint (node, >=, 0);
      double v = nrt_sim_get_v (sim)[node];
      max_nrn = MAX (max_nrn, fabs (v - nrt_csv_get (ref, k, 1)));
      max_disc = MAX (max_disc, fabs (v - (E + rhs[k])));
      max_an = MAX (max_an, fabs (v - nrt_csv_get (ref, k, 2)));
      max_vE = MAX (max_vE, fabs (nrt_csv_get (ref, k, 2) - E));
    }
  /* The compartmental model is the central-difference discretisation of
   * λ²V'' = V − E; its truncation error is (dx²/12)V'''' = (dx/λ)²/12·(V − E) per node,
   * and the half-segment ends add an error of the same order, so |V_disc − V_analytic| is
   * bounded by (dx/λ)²·max|V − E| (here 1.96e-4 × 25 mV ≈ 5e-3 mV).  A wrong area or ri by
   * even 1 % moves λ by 0.5 % and the voltages by ~0.1 mV, far outside. */
  double an_tol = (dx / lambda) * (dx / lambda) * max_vE;
  g_test_message ("passive cable t=1000: max |Δv| vs NEURON %.3g mV, vs discrete steady state "
                  "%.3g mV, vs analytic %.3g mV (tolerance %.3g)", max_nrn, max_disc, max_an,
                  an_tol);
  g_assert_cmpfloat (max_nrn, <=, V_TOL);
  g_assert_cmpfloat (max_disc, <=, 1e-9);
  g_assert_cmpfloat (max_an, <=, an_tol);
}

static void
test_bad_records (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NrtModel) model = nrt_case_soma_hh ();
  g_autoptr (NrtNetwork) net = nrt_network_compile (model, &error);
  g_autoptr (NrtSim) sim = nrt_sim_new (net);
  const char *bad[] = { "dend(0.5).v", "soma(2).v", "soma(0.5).foo", "soma.v", "IClamp[1].i",
                        "IClamp[0].zz", "soma(0.5).i_pas", "(0.5).v", "soma(x).v" };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_cmpint (nrt_sim_add_record (sim, bad[i], &error), ==, -1);
      g_assert_error (error, NRT_SIM_ERROR, NRT_SIM_ERROR_BAD_RECORD);
      g_clear_error (&error);
    }
  g_assert_cmpuint (nrt_sim_get_n_records (sim), ==, 0);
  g_assert_cmpint (nrt_sim_add_record (sim, "soma(1).m_hh", &error), ==, 0);
  g_assert_cmpint (nrt_sim_add_record (sim, "IClamp[0].amp", &error), ==, 1);
  g_assert_cmpfloat (nrt_sim_record_value (sim, 1), ==, 1.0);
}

static void
test_empty_and_unstable (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NrtModel) empty = nrt_model_new ();
  g_assert_null (nrt_network_compile (empty, &error));
  g_assert_error (error, NRT_SIM_ERROR, NRT_SIM_ERROR_EMPTY_MODEL);
  g_clear_error (&error);

  /* A huge hyperpolarising current drives hh's direct rates to exp overflow (τ = 0, x∞ =
   * 0/0): v becomes NaN, and the step must report it rather than carry on. */
  g_autoptr (NrtModel) model = nrt_case_soma_hh ();
  nrt_case_add_iclamp (model, "soma", 0.5, 0, 1e9, -1e9);
  nrt_case_set_run (model, 10, NRT_METHOD_IMPLICIT, FALSE);
  g_autoptr (NrtNetwork) net = nrt_network_compile (model, &error);
  g_autoptr (NrtSim) sim = nrt_sim_new (net);
  gboolean ok = TRUE;
  for (int i = 0; i < 1000 && ok; i++)
    ok = nrt_sim_step (sim, &error);
  g_assert_false (ok);
  g_assert_error (error, NRT_SIM_ERROR, NRT_SIM_ERROR_UNSTABLE);
}

/* A NetStim edited mid-run, as the session does it (recompile, nrt_sim_transfer_state):
 * NEURON's semantics.  netstim.mod queues the first self-event in INITIAL, so a new start
 * before that event changes nothing until the next initialisation; number is read at each
 * event, so lowering it stops the train at once. */
static NrtSim *
netstim_swap (NrtModel *m, NrtSim *old, GPtrArray *nets, int *record)
{
  GError *error = NULL;
  NrtNetwork *net = nrt_network_compile (m, &error);
  NrtSim *sim;

  g_assert_no_error (error);
  /* A sim borrows its network: the caller frees the networks after the sims. */
  g_ptr_array_add (nets, net);
  sim = nrt_sim_new (net);
  *record = nrt_sim_add_record (sim, "ExpSyn[0].g", &error);
  g_assert_no_error (error);
  if (old != NULL)
    g_assert_true (nrt_sim_transfer_state (sim, old));
  else
    nrt_sim_init (sim);
  return sim;
}

static void
test_netstim_edit_mid_run (void)
{
  g_autoptr (NrtModel) m = nrt_model_new ();
  GError *error = NULL;
  GPtrArray *keep = g_ptr_array_new_with_free_func ((GDestroyNotify) nrt_sim_free);
  GPtrArray *nets = g_ptr_array_new_with_free_func ((GDestroyNotify) nrt_network_free);
  NrtSim *sim, *next;
  int rec;

  nrt_model_add_section (m, "soma", NULL, 0, 10, 10, &error);
  nrt_model_insert_mechanism (m, "soma", "hh", &error);
  nrt_model_add_point_process (m, "ExpSyn", "soma", 0.5, &error);
  nrt_model_set_point_process_param (m, 0, "tau", 2, &error);
  nrt_model_add_netstim (m, 50, 10, 3, 0, &error);
  nrt_model_add_netcon (m, 0, 0, 0.01, 1, 10, &error);
  g_assert_no_error (error);

  /* start 50 → 5 at t = 2: the event queued for 50 stays; nothing arrives by 15. */
  sim = netstim_swap (m, NULL, nets, &rec);
  g_ptr_array_add (keep, sim);
  g_assert_true (nrt_sim_run_until (sim, 2, &error));
  g_assert_true (nrt_model_set_netstim_param (m, 0, "start", 5, &error));
  next = netstim_swap (m, sim, nets, &rec);
  g_ptr_array_add (keep, next);
  g_assert_true (nrt_sim_run_until (next, 15, &error));
  g_assert_cmpfloat (nrt_sim_record_value (next, rec), ==, 0);

  /* After the next initialisation it does: spikes at 5, 15, 25 arrive at 6, 16, 26. */
  sim = netstim_swap (m, NULL, nets, &rec);
  g_ptr_array_add (keep, sim);
  g_assert_true (nrt_sim_run_until (sim, 6.5, &error));
  g_assert_cmpfloat (nrt_sim_record_value (sim, rec), >, 0.005);

  /* number 3 → 1 at 6.5: the spike already queued for 15 is sent (netstim.mod checks ispike
   * >= number after net_event), the third at 25 is not: at 26.5 only the first two events'
   * decay is left, 0.01·(exp(−20.5/2) + exp(−10.5/2)) ≈ 5.3e-5 µS, not a fresh 0.0078. */
  g_assert_true (nrt_model_set_netstim_param (m, 0, "number", 1, &error));
  next = netstim_swap (m, sim, nets, &rec);
  g_ptr_array_add (keep, next);
  g_assert_true (nrt_sim_run_until (next, 16.5, &error));
  g_assert_cmpfloat (nrt_sim_record_value (next, rec), >, 0.005);
  g_assert_true (nrt_sim_run_until (next, 26.5, &error));
  g_assert_cmpfloat_with_epsilon (nrt_sim_record_value (next, rec),
                                  0.01 * (exp (-20.5 / 2) + exp (-10.5 / 2)), 2e-6);
  g_assert_no_error (error);
  g_ptr_array_unref (keep);
  g_ptr_array_unref (nets);
}

/* ---- ChannelBuilder channels ---- */

/* Replaces hh in every section by the ChannelBuilder presets nahh and khh and a NonSpecific
 * leak channel, with that section's hh values: what the ChannelBuilder's "HH sodium channel"
 * and "HH potassium channel" plus a leak give.  q10 (3 at 6.3 °C for hh's own) goes on the
 * two gated channels; 1 is none, as in KSChan. */
static void
hh_to_channels (NrtModel *m, double q10)
{
  GError *error = NULL;
  g_autoptr (NrtChannel) na = nrt_channel_new_hh_na ();
  g_autoptr (NrtChannel) k = nrt_channel_new_hh_k ();
  g_autoptr (NrtChannel) leak = nrt_channel_new ("leak");
  const NrtMechanismInfo *hhi = nrt_mechanism_info (NRT_MECH_HH);

  na->gmax = 0.12;
  k->gmax = 0.036;
  na->q10 = k->q10 = q10;
  na->q10_temperature = k->q10_temperature = 6.3;
  leak->gmax = 0.0003;
  leak->erev = -54.3;
  g_assert_true (nrt_model_add_channel (m, na, &error));
  g_assert_true (nrt_model_add_channel (m, k, &error));
  g_assert_true (nrt_model_add_channel (m, leak, &error));
  for (guint i = 0; i < nrt_model_get_n_sections (m); i++)
    {
      const NrtSection *s = nrt_model_get_section (m, i);
      if (!s->mech[NRT_MECH_HH].inserted)
        continue;
      g_autofree char *name = g_strdup (s->name);
      double p[NRT_MAX_PARAMS];
      memcpy (p, s->mech[NRT_MECH_HH].p, sizeof p);
      g_assert_true (nrt_model_uninsert_mechanism (m, name, "hh", &error));
      g_assert_true (nrt_model_insert_mechanism (m, name, "nahh", &error));
      g_assert_true (nrt_model_insert_mechanism (m, name, "khh", &error));
      g_assert_true (nrt_model_insert_mechanism (m, name, "leak", &error));
      g_assert_true (nrt_model_set_mechanism_param (m, name, "gmax_nahh",
                                                    p[nrt_param_lookup (hhi, "gnabar_hh")], &error));
      g_assert_true (nrt_model_set_mechanism_param (m, name, "gmax_khh",
                                                    p[nrt_param_lookup (hhi, "gkbar_hh")], &error));
      g_assert_true (nrt_model_set_mechanism_param (m, name, "gmax_leak",
                                                    p[nrt_param_lookup (hhi, "gl_hh")], &error));
      g_assert_true (nrt_model_set_mechanism_param (m, name, "e_leak",
                                                    p[nrt_param_lookup (hhi, "el_hh")], &error));
      g_assert_true (nrt_model_set_mechanism_param (m, name, "ena",
                                                    p[nrt_param_lookup (hhi, "ena")], &error));
      g_assert_true (nrt_model_set_mechanism_param (m, name, "ek",
                                                    p[nrt_param_lookup (hhi, "ek")], &error));
      g_assert_no_error (error);
    }
}

/* hh's record names in the references, as the channels call them. */
static char *
channel_record_name (const char *name)
{
  static const char *const map[][2] = {
    { ".m_hh", ".m_nahh" }, { ".h_hh", ".h_nahh" }, { ".n_hh", ".n_khh" },
    { ".il_hh", ".i_leak" },
  };
  for (guint j = 0; j < G_N_ELEMENTS (map); j++)
    if (g_str_has_suffix (name, map[j][0]))
      return g_strdup_printf ("%.*s%s", (int) (strlen (name) - strlen (map[j][0])), name,
                              map[j][1]);
  return g_strdup (name);
}

typedef struct {
  const char *csv;      /* NEURON's reference (hh without tables, or KSChan) */
  BuildFunc   build;
  double      tstop;
  double      celsius;
  double      q10;      /* on nahh and khh */
} ChannelCase;

static void
set_run (NrtModel *m, double tstop, double celsius, gboolean table)
{
  GError *error = NULL;
  NrtRunSettings s;
  nrt_case_set_run (m, tstop, NRT_METHOD_IMPLICIT, table);
  s = nrt_model_get_data (m)->settings;
  s.celsius = celsius;
  g_assert_true (nrt_model_set_settings (m, &s, &error));
  g_assert_no_error (error);
}

/* The channel model against NEURON's trace, and, step by step, against Neurite's own hh
 * without tables (the same model before hh_to_channels). */
static void
test_channel_case (gconstpointer data)
{
  const ChannelCase *c = data;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_strdup_printf ("%s.csv", c->csv);
  g_autofree char *file = nrt_reference_path (path);
  g_autoptr (NrtCsv) ref = nrt_csv_read (file);
  g_autoptr (NrtModel) hh = c->build ();
  g_autoptr (NrtModel) ch = c->build ();

  hh_to_channels (ch, c->q10);
  set_run (hh, c->tstop, c->celsius, FALSE);
  set_run (ch, c->tstop, c->celsius, TRUE);  /* channels never use hh's tables */
  g_autoptr (NrtNetwork) nh = nrt_network_compile (hh, &error);
  g_autoptr (NrtNetwork) nc = nrt_network_compile (ch, &error);
  g_assert_no_error (error);
  g_autoptr (NrtSim) sh = nrt_sim_new (nh);
  g_autoptr (NrtSim) sc = nrt_sim_new (nc);

  guint ncol = ref->n_cols;
  for (guint col = 1; col < ncol; col++)
    {
      g_autofree char *name = channel_record_name (ref->names[col]);
      g_assert_cmpint (nrt_sim_add_record (sc, name, &error), ==, (int) col - 1);
      g_assert_no_error (error);
      g_autofree char *hname = g_strdup (ref->names[col]);
      if (strstr (hname, "nahh") || strstr (hname, "khh"))
        {
          g_free (hname);
          hname = g_strdup (ref->names[col]);
          char *u = strrchr (hname, '_');
          strcpy (u, "_hh");
        }
      g_assert_cmpint (nrt_sim_add_record (sh, hname, &error), ==, (int) col - 1);
      g_assert_no_error (error);
    }
  nrt_sim_init (sh);
  nrt_sim_init (sc);

  g_autofree double *maxdiff = g_new0 (double, ncol);
  double max_dv_hh = 0.0;
  for (guint row = 0; row < ref->n_rows; row++)
    {
      g_assert_cmpfloat_with_epsilon (nrt_sim_get_t (sc), nrt_csv_get (ref, row, 0), 2e-6);
      for (guint col = 1; col < ncol; col++)
        {
          double a = nrt_sim_record_value (sc, col - 1), b = nrt_csv_get (ref, row, col);
          double dlt = fabs (a - b);
          gboolean volt = is_voltage (ref->names[col]);
          gboolean state = !volt && strchr (ref->names[col], '(') != NULL
                           && (strstr (ref->names[col], ").m_") || strstr (ref->names[col], ").h_")
                               || strstr (ref->names[col], ").n_"));
          if (!volt && !state)
            dlt /= 1.0 + fabs (b);
          maxdiff[col] = MAX (maxdiff[col], isnan (dlt) ? INFINITY : dlt);
          if (volt)
            max_dv_hh = MAX (max_dv_hh, fabs (a - nrt_sim_record_value (sh, col - 1)));
        }
      if (row + 1 == ref->n_rows)
        break;
      g_assert_true (nrt_sim_step (sc, &error));
      g_assert_true (nrt_sim_step (sh, &error));
      g_assert_no_error (error);
    }
  g_assert_true (nrt_sim_reached (sc, c->tstop));
  g_test_message ("%s: channels vs Neurite hh without tables: max |Δv| = %.3g mV", c->csv,
                  max_dv_hh);
  g_assert_cmpfloat (max_dv_hh, <=, V_TOL);
  for (guint col = 1; col < ncol; col++)
    {
      const char *name = ref->names[col];
      gboolean volt = is_voltage (name);
      g_test_message ("%s vs NEURON, %s: max |Δ| = %.3g%s", c->csv, name, maxdiff[col],
                      volt ? " mV" : "");
      gboolean state = strstr (name, ").m_") || strstr (name, ").h_") || strstr (name, ").n_");
      g_assert_cmpfloat (maxdiff[col], <=, volt ? V_TOL : state ? STATE_TOL : CUR_TOL);
    }
}

static NrtModel *
stylized_notable (void)
{
  return nrt_case_stylized_cell (1, 0.1, 10);
}

static const ChannelCase channel_cases[] = {
  { "soma_hh_notable", nrt_case_soma_hh, 10, 6.3, 1 },
  { "stylized_cell_notable", stylized_notable, 10, 6.3, 1 },
  { "kschan_soma_hh", nrt_case_soma_hh, 10, 6.3, 1 },
  { "kschan_stylized_cell", stylized_notable, 10, 6.3, 1 },
  /* KSChan has no q10: hh's own at 16.3 °C is the reference for q10 = 3 at 6.3 °C. */
  { "soma_hh_notable_16c", nrt_case_soma_hh, 10, 16.3, 3 },
};

/* Records of channel variables; ina and ik sum hh's and the channels' parts. */
static void
test_channel_records (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NrtModel) m = nrt_case_soma_hh ();
  g_autoptr (NrtChannel) na = nrt_channel_new_hh_na ();
  na->gmax = 0.05;
  g_assert_true (nrt_model_add_channel (m, na, &error));
  g_assert_true (nrt_model_insert_mechanism (m, "soma", "nahh", &error));
  g_assert_no_error (error);
  g_autoptr (NrtNetwork) net = nrt_network_compile (m, &error);
  g_autoptr (NrtSim) sim = nrt_sim_new (net);
  static const char *const good[] = {
    "soma(0.5).m_nahh", "soma(0.5).h_nahh", "soma(0.5).gmax_nahh", "soma(0.5).g_nahh",
    "soma(0.5).i_nahh", "soma(0.5).ina", "soma(0.5).ik", "soma(0.5).m_hh",
  };
  for (guint j = 0; j < G_N_ELEMENTS (good); j++)
    {
      g_assert_cmpint (nrt_sim_add_record (sim, good[j], &error), ==, (int) j);
      g_assert_no_error (error);
    }
  static const char *const bad[] = {
    "soma(0.5).e_nahh", "soma(0.5).n_nahh", "soma(0.5).m_khh", "soma(0.5).gmax_",
    "soma(0.5)._nahh", "soma(0.5).ica",
  };
  for (guint j = 0; j < G_N_ELEMENTS (bad); j++)
    {
      g_assert_cmpint (nrt_sim_add_record (sim, bad[j], &error), ==, -1);
      g_assert_error (error, NRT_SIM_ERROR, NRT_SIM_ERROR_BAD_RECORD);
      g_clear_error (&error);
    }
  /* After finitialize the currents are those of the initial states (g uses the states
   * from before a step's update, so compare at t = 0). */
  nrt_sim_init (sim);
  double mm = nrt_sim_record_value (sim, 0), hh = nrt_sim_record_value (sim, 1);
  double g = nrt_sim_record_value (sim, 3), i = nrt_sim_record_value (sim, 4);
  g_assert_cmpfloat (nrt_sim_record_value (sim, 2), ==, 0.05);
  g_assert_cmpfloat (fabs (g - 0.05 * mm * mm * mm * hh), <=, 1e-15);
  /* i = g·(v − ena); ina = hh's part + the channel's, both driven by the same v − ena. */
  double v = nrt_sim_get_v (sim)[nrt_network_get_node (net, "soma", 0.5)];
  g_assert_cmpfloat (fabs (i - g * (v - 50)), <=, 1e-15);
  double hh_ina = nrt_sim_record_value (sim, 5) - i;
  g_assert_cmpfloat (hh_ina, !=, 0);
  g_assert_cmpfloat (fabs (hh_ina / (v - 50) / g - 0.12 / 0.05), <, 1e-12);
  for (int s = 0; s < 100; s++)
    g_assert_true (nrt_sim_step (sim, &error));
  g_assert_cmpfloat (nrt_sim_record_value (sim, 0), !=, mm);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/validation/api/%s", cases[i].name);
      g_test_add_data_func (path, &cases[i], test_case_api);
      g_autofree char *npath = g_strdup_printf ("/validation/nml/%s", cases[i].name);
      g_test_add_data_func (npath, &cases[i], test_case_nml);
    }
  g_test_add_func ("/validation/stylized-cell-nseg", test_stylized_nseg);
  g_test_add_func ("/validation/geometry-cylinder", test_geometry_cylinder);
  g_test_add_func ("/validation/geometry-pt3d", test_geometry_pt3d);
  g_test_add_func ("/validation/passive-cable-steady-state", test_passive_steady_state);
  g_test_add_func ("/validation/bad-records", test_bad_records);
  g_test_add_func ("/validation/empty-and-unstable", test_empty_and_unstable);
  g_test_add_func ("/validation/netstim-edit-mid-run", test_netstim_edit_mid_run);
  for (guint i = 0; i < G_N_ELEMENTS (channel_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/validation/channel/%s", channel_cases[i].csv);
      g_test_add_data_func (path, &channel_cases[i], test_channel_case);
    }
  g_test_add_func ("/validation/channel/records", test_channel_records);
  return g_test_run ();
}
