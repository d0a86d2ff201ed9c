/* test-lems-channels.c: channels whose rates are custom LEMS ComponentTypes, and expression
 * rates: they load, simulate as NEURON does with hand-written NMODL, and save back unchanged.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>
#include <glib/gstdio.h>
#include "nrt-neuroml.h"
#include "nrt-nmodl.h"
#include "nrt-model.h"
#include "nrt-sim.h"
#include "nrt-channel.h"
#include "nrt-expr.h"
#include "../validation/nrt-csv.h"

static char *
olm_path (void)
{
  return g_build_filename (NRT_SOURCE_ROOT, "tests", "reference", "lems_channels", "olm.nml",
                           NULL);
}

/* The reference's nseg and run settings (generate_lems_channels.py). */
static void
prepare (NrtModel *m)
{
  g_autoptr (GError) error = NULL;
  NrtRunSettings st = nrt_model_get_data (m)->settings;
  const char *names[] = { "soma_0", "axon_0", "dend_0", "dend_1" };
  const int nseg[] = { 3, 5, 7, 7 };

  for (int i = 0; i < 4; i++)
    {
      g_assert_true (nrt_model_set_section_nseg (m, names[i], nseg[i], &error));
      g_assert_no_error (error);
    }
  st.tstop = 100;
  st.dt = 0.025;
  st.v_init = -67;
  st.celsius = 34;
  st.points_per_ms = 40;
  st.method = NRT_METHOD_IMPLICIT;
  g_assert_true (nrt_model_set_settings (m, &st, &error));
  g_assert_no_error (error);
}

/* max |Δv| (mV) against lems_channels.csv. */
static double
max_dv (NrtModel *m)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = nrt_reference_path ("lems_channels.csv");
  g_autoptr (NrtCsv) ref = nrt_csv_read (path);
  g_autoptr (NrtNetwork) net = nrt_network_compile (m, &error);
  g_assert_no_error (error);
  g_autoptr (NrtSim) sim = nrt_sim_new (net);
  double worst = 0;
  guint n = ref->n_cols - 1;

  for (guint k = 0; k < n; k++)
    {
      g_assert_cmpint (nrt_sim_add_record (sim, ref->names[k + 1], &error), ==, k);
      g_assert_no_error (error);
    }
  nrt_sim_init (sim);
  for (guint row = 0; row < ref->n_rows; row++)
    {
      if (row > 0)
        for (int s = 0; s < 4; s++)
          g_assert_true (nrt_sim_step (sim, &error));
      g_assert_cmpfloat (fabs (nrt_sim_get_t (sim) - nrt_csv_get (ref, row, 0)), <, 1e-9);
      for (guint k = 0; k < n; k++)
        worst = MAX (worst, fabs (nrt_sim_record_value (sim, k) - nrt_csv_get (ref, row, k + 1)));
    }
  return worst;
}

static void
test_olm_vs_neuron (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = olm_path ();
  g_autoptr (NrtModel) m = nrt_neuroml_read_file (path, &error);
  const NrtModelData *d;
  double dv;
  int nav;

  g_assert_no_error (error);
  d = nrt_model_get_data (m);
  nav = nrt_model_find_channel (m, "Nav");
  g_assert_cmpint (nav, >=, 0);
  {
    const NrtChannel *ch = d->channels->pdata[nav];
    const NrtGate *mg = ch->gates->pdata[0];
    const NrtGate *hg = ch->gates->pdata[1];
    g_assert_cmpint (mg->rate[0].form, ==, NRT_RATE_LEMS);
    g_assert_cmpint (mg->rate[1].form, ==, NRT_RATE_EXP);
    g_assert_cmpint (hg->rate[0].form, ==, NRT_RATE_LEMS);
    g_assert_cmpstr (nrt_rate_func_get_text (mg->rate[0].func), ==, "olm_Nav_m_alpha");
    g_assert_cmpuint (nrt_rate_func_get_n_params (mg->rate[0].func), ==, 3);
    /* rate 1 per_ms = 1000 /s, midpoint −38 mV, scale 10 mV in SI */
    g_assert_cmpfloat (nrt_rate_func_get_params (mg->rate[0].func)[0], ==, 1000);
    /* at the midpoint the Case without condition: rate */
    g_assert_cmpfloat (nrt_rate_eval (&mg->rate[0], -38), ==, 1);
    g_assert_cmpfloat_with_epsilon (nrt_rate_eval (&hg->rate[0], -63), 0.07, 1e-15);
  }
  {
    /* NMODL: each LEMS type once as a FUNCTION, called with the parameters in SI */
    g_autofree char *mod = nrt_nmodl_write_channel (d->channels->pdata[nav], &error);
    g_assert_no_error (error);
    g_assert_nonnull (strstr (mod, "FUNCTION lems_olm_Nav_m_alpha(v, p_rate, p_midpoint, p_scale)"));
    g_assert_nonnull (strstr (mod, "lems_olm_Nav_m_alpha(v, 1000, -0.037999999999999999, 0.01)"));
    g_assert_nonnull (strstr (mod, "FUNCTION H("));
  }
  prepare (m);
  dv = max_dv (m);
  g_test_message ("OLM-style cell with custom LEMS rate types vs NEURON (hand-written "
                  "NMODL): max |dv| %.3g mV over 4 sites, 100 ms", dv);
  g_assert_cmpfloat (dv, <=, 1e-3);
}

static void
test_olm_save_back (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = olm_path ();
  g_autoptr (NrtModel) m = nrt_neuroml_read_file (path, &error);
  g_autofree char *dir = g_dir_make_tmp ("nrt-lc-XXXXXX", NULL);
  g_autofree char *p1 = g_build_filename (dir, "a.nml", NULL);
  g_autofree char *p2 = g_build_filename (dir, "b.nml", NULL);
  g_autofree char *t1 = NULL;
  g_autofree char *t2 = NULL;
  g_autofree char *orig = NULL;
  g_autoptr (NrtModel) back = NULL;
  g_autoptr (NrtModel) back2 = NULL;

  g_assert_no_error (error);
  t1 = nrt_neuroml_write_string (m, &error);
  g_assert_no_error (error);
  /* every ComponentType written back verbatim, once */
  g_assert_true (g_file_get_contents (path, &orig, NULL, NULL));
  for (const char *p = strstr (orig, "<ComponentType"); p; p = strstr (p + 1, "<ComponentType"))
    {
      const char *end = strstr (p, "</ComponentType>");
      g_autofree char *def = g_strndup (p, end + strlen ("</ComponentType>") - p);
      const char *at = strstr (t1, def);
      g_assert_nonnull (at);
      g_assert_null (strstr (at + 1, def));
    }
  g_assert_nonnull (strstr (t1, "<forwardRate type=\"olm_Nav_m_alpha\" rate=\"1000 per_s\" "
                                "midpoint=\"-0.038 V\" scale=\"0.01 V\"/>"));
  g_assert_true (g_file_set_contents (p1, t1, -1, NULL));
  back = nrt_neuroml_read_file (p1, &error);
  g_assert_no_error (error);
  g_assert_true (nrt_model_data_equal (nrt_model_get_data (m), nrt_model_get_data (back)));
  t2 = nrt_neuroml_write_string (back, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (t1, ==, t2);
  g_assert_true (g_file_set_contents (p2, t2, -1, NULL));
  back2 = nrt_neuroml_read_file (p2, &error);
  g_assert_no_error (error);
  prepare (back2);
  g_assert_cmpfloat (max_dv (back2), <=, 1e-3);
  g_remove (p1);
  g_remove (p2);
  g_rmdir (dir);
}

/* The ChannelBuilder's expression form: hh's potassium gate written as expressions gives the
 * KSChan forms' values, survives a NeuroML save and reload exactly, and bad text is refused. */
static void
test_expression_rates (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NrtChannel) khh = nrt_channel_new_hh_k ();
  g_autoptr (NrtChannel) ex = nrt_channel_new ("kexpr");
  g_autoptr (NrtRateFunc) an = nrt_rate_func_new_expression (
    "0.1 * (v + 55) / 10 / (1 - exp(-(v + 55) / 10))", &error);
  g_autoptr (NrtRateFunc) bn = NULL;
  const NrtGate *g0 = khh->gates->pdata[0];
  NrtRate r0, r1;

  g_assert_no_error (error);
  bn = nrt_rate_func_new_expression ("0.125 * exp(-(v + 65) / 80) * 3^((celsius - 6.3) / 10)",
                                     &error);
  g_assert_no_error (error);
  g_assert_true (nrt_rate_func_uses_celsius (bn));
  g_assert_false (nrt_rate_func_uses_celsius (an));
  ex->ion = NRT_ION_K;
  r0 = nrt_rate_new_func (an);
  r1 = nrt_rate_new_func (bn);
  nrt_channel_add_gate (ex, "n", 4, NRT_GATE_ALPHA_BETA, &r0, &r1);
  nrt_rate_clear (&r0);
  nrt_rate_clear (&r1);
  g_assert_true (nrt_channel_validate (ex, &error));
  g_assert_no_error (error);
  for (double v = -100; v <= 50; v += 7.3)
    {
      const NrtGate *g = ex->gates->pdata[0];
      g_assert_cmpfloat (fabs (nrt_rate_eval (&g->rate[0], v) - nrt_rate_eval (&g0->rate[0], v)),
                         <=, 1e-15);
      g_assert_cmpfloat (fabs (nrt_rate_eval (&g->rate[1], v) - nrt_rate_eval (&g0->rate[1], v)),
                         <=, 1e-15);
      g_assert_cmpfloat (fabs (nrt_rate_eval_at (&g->rate[1], v, 16.3)
                               - 3 * nrt_rate_eval (&g0->rate[1], v)), <=, 1e-14);
    }
  {
    g_autoptr (NrtChannel) copy = nrt_channel_copy (ex);
    g_assert_true (nrt_channel_equal (copy, ex));
    g_assert_false (nrt_channel_equal (copy, khh));
  }
  /* a condition is not a rate; unknown names are refused */
  g_assert_null (nrt_rate_func_new_expression ("v .gt. 0", &error));
  g_assert_error (error, NRT_EXPR_ERROR, NRT_EXPR_ERROR_TYPE);
  g_clear_error (&error);
  g_assert_null (nrt_rate_func_new_expression ("w + 1", &error));
  g_assert_error (error, NRT_EXPR_ERROR, NRT_EXPR_ERROR_UNKNOWN_SYMBOL);
  g_clear_error (&error);
  /* through a NeuroML channel file and back */
  {
    const NrtChannel *chans[] = { ex };
    g_autofree char *text = nrt_neuroml_write_channels_string (chans, 1, &error);
    g_autofree char *dir = g_dir_make_tmp ("nrt-lc-XXXXXX", NULL);
    g_autofree char *p = g_build_filename (dir, "k.nml", NULL);
    g_autoptr (GPtrArray) back = NULL;
    g_assert_no_error (error);
    g_assert_nonnull (strstr (text, "extends=\"baseVoltageDepRate\""));
    g_assert_true (g_file_set_contents (p, text, -1, NULL));
    back = nrt_neuroml_read_channels (p, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (back->len, ==, 1);
    g_assert_true (nrt_channel_equal (back->pdata[0], ex));
    g_remove (p);
    g_rmdir (dir);
  }
}

/* A type with a dimension error or a missing parameter is refused with its file and line. */
static void
test_errors (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *orig = NULL;
  g_autofree char *path = olm_path ();
  g_autofree char *dir = g_dir_make_tmp ("nrt-lc-XXXXXX", NULL);
  g_autofree char *p = g_build_filename (dir, "bad.nml", NULL);
  g_autoptr (NrtModel) m = NULL;

  g_assert_true (g_file_get_contents (path, &orig, NULL, NULL));
  {
    /* r = v (a voltage where a rate is needed) */
    g_autoptr (GString) s = g_string_new (orig);
    g_string_replace (s, "value=\"0.07 * exp(-(V + 63) / 20) / TIME_SCALE\"", "value=\"v\"", 1);
    g_assert_true (g_file_set_contents (p, s->str, -1, NULL));
    m = nrt_neuroml_read_file (p, &error);
    g_assert_null (m);
    g_assert_nonnull (error);
    g_test_message ("%s", error->message);
    g_assert_nonnull (strstr (error->message, "bad.nml:"));
    g_clear_error (&error);
  }
  {
    g_autoptr (GString) s = g_string_new (orig);
    g_string_replace (s, " q=\"1.5\"", "", 1);
    g_assert_true (g_file_set_contents (p, s->str, -1, NULL));
    m = nrt_neuroml_read_file (p, &error);
    g_assert_null (m);
    g_test_message ("%s", error->message);
    g_assert_nonnull (strstr (error->message, "bad.nml:"));
    g_assert_nonnull (strstr (error->message, "q"));
    g_clear_error (&error);
  }
  g_remove (p);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/lems-channels/olm-vs-neuron", test_olm_vs_neuron);
  g_test_add_func ("/lems-channels/olm-save-back", test_olm_save_back);
  g_test_add_func ("/lems-channels/expression-rates", test_expression_rates);
  g_test_add_func ("/lems-channels/errors", test_errors);
  return g_test_run ();
}
