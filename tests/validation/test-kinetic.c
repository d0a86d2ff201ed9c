/* test-kinetic.c: kinetic schemes, GHK currents, point channels and stochastic single
 * channels of ChannelBuilder channels, against NEURON 8.2.2's KSChan.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The references (ks_*.csv) are written by tests/reference/generate_ks.py, which builds the
 * same channels as KSChan objects the way the ChannelBuilder's hoc file does; the channel
 * definitions below must stay identical to that script's.  The stochastic tests need no
 * NEURON: their expectation is the exact mean of the Markov chain with the step's rates.
 */
#include <math.h>
#include <string.h>

#include "nrt-sim.h"
#include "nrt-cases.h"
#include "nrt-csv.h"

#define V_TOL      1e-6   /* mV */
#define STATE_TOL  1e-8   /* occupancies, absolute */
#define REL_TOL    1e-6   /* currents and conductances, relative to 1 + |value| */
#define SUM_TOL    1e-12  /* Σ occupancies − 1 */

static void
ok (gboolean result, GError *error)
{
  g_assert_no_error (error);
  g_assert_true (result);
}

/* A compound literal, so that its address can be passed. */
#define rate(form, A, k, d) ((NrtRate) { (form), (A), (k), (d) })

/* kca: density, k, ohmic, gmax 0.002 S/cm²; C1 <-> C2 (linoid α, exp β), C2 <-> O (ligand
 * cai, stoichiometry 2: 2000 /ms-mM², 0.1 /ms), O <-> C1 (inf sigmoid, τ exp). */
static NrtChannel *
channel_kca (void)
{
  NrtChannel *ch = nrt_channel_new ("kca");
  NrtKsScheme *ks;

  ch->ion = NRT_ION_K;
  ch->gmax = 0.002;
  ks = nrt_channel_add_scheme (ch, 1);
  nrt_ks_scheme_add_state (ks, "C1", 0, 0, 0);
  nrt_ks_scheme_add_state (ks, "C2", 0, 10, 0);
  nrt_ks_scheme_add_state (ks, "O", 1, 20, 0);
  nrt_ks_scheme_add_transition (ks, 0, 1, NRT_GATE_ALPHA_BETA,
                                &rate (NRT_RATE_LINOID, 0.1, 0.1, -40),
                                &rate (NRT_RATE_EXP, 0.05, -1.0 / 20, -65), NRT_ION_NONSPECIFIC,
                                1);
  nrt_ks_scheme_add_transition (ks, 1, 2, NRT_TRANS_LIGAND_INSIDE,
                                &rate (NRT_RATE_CONSTANT, 2000, 0, 0),
                                &rate (NRT_RATE_CONSTANT, 0.1, 0, 0), NRT_ION_CA, 2);
  nrt_ks_scheme_add_transition (ks, 2, 0, NRT_GATE_INF_TAU,
                                &rate (NRT_RATE_SIGMOID, 1, -0.1, -45),
                                &rate (NRT_RATE_EXP, 5, -0.01, -60), NRT_ION_NONSPECIFIC, 1);
  return ch;
}

/* cag / pca: ca, GHK, m² with α sigmoid(1, −0.1, −30), β exp(0.2, −1/20, −65). */
static NrtChannel *
channel_ghk (const char *name, NrtChannelKind kind, double pmax)
{
  NrtChannel *ch = nrt_channel_new (name);

  ch->kind = kind;
  ch->ion = NRT_ION_CA;
  ch->conductance = NRT_CONDUCTANCE_GHK;
  ch->gmax = pmax;
  nrt_channel_add_gate (ch, "m", 2, NRT_GATE_ALPHA_BETA, &rate (NRT_RATE_SIGMOID, 1, -0.1, -30),
                        &rate (NRT_RATE_EXP, 0.2, -1.0 / 20, -65));
  return ch;
}

/* pk: point, NonSpecific, gmax 0.005 µS, e −80 mV; C <-> O (exp α, sigmoid β). */
static NrtChannel *
channel_pk (void)
{
  NrtChannel *ch = nrt_channel_new ("pk");
  NrtKsScheme *ks;

  ch->kind = NRT_CHANNEL_POINT;
  ch->gmax = 0.005;
  ch->erev = -80;
  ks = nrt_channel_add_scheme (ch, 1);
  nrt_ks_scheme_add_state (ks, "C", 0, 0, 0);
  nrt_ks_scheme_add_state (ks, "O", 1, 10, 0);
  nrt_ks_scheme_add_transition (ks, 0, 1, NRT_GATE_ALPHA_BETA, &rate (NRT_RATE_EXP, 0.2, 0.05, -40),
                                &rate (NRT_RATE_SIGMOID, 0.4, 0.1, -50), NRT_ION_NONSPECIFIC, 1);
  return ch;
}

/* generate_ks.py's run settings: 20 ms, hh without tables, cai0 0.01 mM, cao0 2 mM. */
static void
ks_settings (NrtModel *m)
{
  GError *error = NULL;
  NrtRunSettings s;

  nrt_case_set_run (m, 20, NRT_METHOD_IMPLICIT, FALSE);
  s = nrt_model_get_data (m)->settings;
  s.conc_i[NRT_ION_CA] = 0.01;
  s.conc_o[NRT_ION_CA] = 2;
  ok (nrt_model_set_settings (m, &s, &error), error);
}

static NrtModel *
build_scheme (void)
{
  GError *error = NULL;
  NrtModel *m = nrt_case_soma_hh ();
  g_autoptr (NrtChannel) kca = channel_kca ();

  ok (nrt_model_add_channel (m, kca, &error), error);
  ok (nrt_model_insert_mechanism (m, "soma", "kca", &error), error);
  ks_settings (m);
  return m;
}

static NrtModel *
build_ghk (void)
{
  GError *error = NULL;
  NrtModel *m = nrt_case_soma_hh ();
  g_autoptr (NrtChannel) cag = channel_ghk ("cag", NRT_CHANNEL_DENSITY, 2e-5);

  ok (nrt_model_add_channel (m, cag, &error), error);
  ok (nrt_model_insert_mechanism (m, "soma", "cag", &error), error);
  ks_settings (m);
  return m;
}

static NrtModel *
build_point (void)
{
  GError *error = NULL;
  NrtModel *m = nrt_case_soma_hh ();
  g_autoptr (NrtChannel) pk = channel_pk ();
  g_autoptr (NrtChannel) pca = channel_ghk ("pca", NRT_CHANNEL_POINT, 1e-11);

  ok (nrt_model_add_channel (m, pk, &error), error);
  ok (nrt_model_add_channel (m, pca, &error), error);
  g_assert_cmpint (nrt_model_add_point_process (m, "pk", "soma", 0.5, &error), ==, 1);
  g_assert_cmpint (nrt_model_add_point_process (m, "pca", "soma", 0.5, &error), ==, 2);
  g_assert_no_error (error);
  ks_settings (m);
  return m;
}

typedef NrtModel *(*BuildFunc) (void);

typedef struct {
  const char *csv;
  BuildFunc   build;
  const char *scheme_states[4];  /* records whose sum must stay 1, or NULL */
} KsCase;

static gboolean
is_state_column (const char *name)
{
  static const char *const states[] = { ".C1_kca", ".C2_kca", ".O_kca", ".m_cag", "pk[0].O",
                                        "pca[0].m" };
  for (guint j = 0; j < G_N_ELEMENTS (states); j++)
    if (g_str_has_suffix (name, states[j]))
      return TRUE;
  return FALSE;
}

static void
test_ks_case (gconstpointer data)
{
  const KsCase *c = data;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_strdup_printf ("%s.csv", c->csv);
  g_autofree char *file = nrt_reference_path (path);
  g_autoptr (NrtCsv) ref = nrt_csv_read (file);
  g_autoptr (NrtModel) m = c->build ();
  g_autoptr (NrtNetwork) net = nrt_network_compile (m, &error);
  g_assert_no_error (error);
  g_autoptr (NrtSim) sim = nrt_sim_new (net);
  int sum_rec[4];
  guint n_sum = 0;

  for (guint col = 1; col < ref->n_cols; col++)
    {
      g_assert_cmpint (nrt_sim_add_record (sim, ref->names[col], &error), ==, (int) col - 1);
      g_assert_no_error (error);
    }
  for (; n_sum < 4 && c->scheme_states[n_sum] != NULL; n_sum++)
    {
      g_autofree char *expr = g_strdup (c->scheme_states[n_sum]);
      sum_rec[n_sum] = nrt_sim_add_record (sim, expr, &error);
      g_assert_no_error (error);
    }
  nrt_sim_init (sim);

  g_autofree double *maxdiff = g_new0 (double, ref->n_cols);
  double max_sum = 0.0;
  for (guint row = 0; row < ref->n_rows; row++)
    {
      g_assert_cmpfloat_with_epsilon (nrt_sim_get_t (sim), nrt_csv_get (ref, row, 0), 2e-6);
      for (guint col = 1; col < ref->n_cols; col++)
        {
          const char *name = ref->names[col];
          double a = nrt_sim_record_value (sim, col - 1), b = nrt_csv_get (ref, row, col);
          double dlt = fabs (a - b);
          if (!g_str_has_suffix (name, ".v") && !is_state_column (name))
            dlt /= 1.0 + fabs (b);
          maxdiff[col] = MAX (maxdiff[col], isnan (dlt) ? INFINITY : dlt);
        }
      if (n_sum > 0)
        {
          double sum = 0.0;
          for (guint j = 0; j < n_sum; j++)
            sum += nrt_sim_record_value (sim, (guint) sum_rec[j]);
          max_sum = MAX (max_sum, fabs (sum - 1.0));
        }
      if (row + 1 == ref->n_rows)
        break;
      g_assert_true (nrt_sim_step (sim, &error));
      g_assert_no_error (error);
    }
  for (guint col = 1; col < ref->n_cols; col++)
    {
      const char *name = ref->names[col];
      gboolean volt = g_str_has_suffix (name, ".v");
      g_test_message ("%s vs NEURON KSChan, %s: max |Δ| = %.3g%s", c->csv, name, maxdiff[col],
                      volt ? " mV" : is_state_column (name) ? "" : " (relative)");
      g_assert_cmpfloat (maxdiff[col], <=, volt ? V_TOL : is_state_column (name) ? STATE_TOL
                                                                                : REL_TOL);
    }
  if (n_sum > 0)
    {
      g_test_message ("%s: max |Σ occupancies − 1| = %.3g", c->csv, max_sum);
      g_assert_cmpfloat (max_sum, <=, SUM_TOL);
    }
}

static const KsCase ks_cases[] = {
  { "ks_scheme_soma", build_scheme, { "soma(0.5).C1_kca", "soma(0.5).C2_kca", "soma(0.5).O_kca" } },
  { "ks_ghk_soma", build_ghk, { NULL } },
  { "ks_point_soma", build_point, { "pk[0].C", "pk[0].O" } },
};

/* nrt_ghk against NEURON's ghk(−65, 5e-5, 2, 2) at 6.3 °C (printed by generate_ks.py). */
static void
test_ghk_value (void)
{
  double x = nrt_ghk (-65, 5e-5, 2, 2, 6.3);
  g_assert_cmpfloat (fabs (x - -2092.9395294715841), <=, 1e-12 * 2092.9395294715841);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (ks_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/kinetic/neuron/%s", ks_cases[i].csv);
      g_test_add_data_func (path, &ks_cases[i], test_ks_case);
    }
  g_test_add_func ("/kinetic/ghk-value", test_ghk_value);
  return g_test_run ();
}
