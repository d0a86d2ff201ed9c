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

/* mix: density, NonSpecific, gmax 0.003 S/cm², e −70 mV: HH gate h (inf sigmoid, τ 5 ms),
 * then (A <-> B)² with B open and X <-> Y with fractions 0.4 and 1. */
static NrtChannel *
channel_mix (void)
{
  NrtChannel *ch = nrt_channel_new ("mix");
  NrtKsScheme *ks;

  ch->gmax = 0.003;
  ch->erev = -70;
  nrt_channel_add_gate (ch, "h", 1, NRT_GATE_INF_TAU, &rate (NRT_RATE_SIGMOID, 1, 0.1, -60),
                        &rate (NRT_RATE_CONSTANT, 5, 0, 0));
  ks = nrt_channel_add_scheme (ch, 2);
  nrt_ks_scheme_add_state (ks, "A", 0, 0, 0);
  nrt_ks_scheme_add_state (ks, "B", 1, 10, 0);
  nrt_ks_scheme_add_transition (ks, 0, 1, NRT_GATE_ALPHA_BETA, &rate (NRT_RATE_EXP, 0.1, 0.04, -45),
                                &rate (NRT_RATE_EXP, 0.1, -0.04, -45), NRT_ION_NONSPECIFIC, 1);
  ks = nrt_channel_add_scheme (ch, 1);
  nrt_ks_scheme_add_state (ks, "X", 0.4, 0, 10);
  nrt_ks_scheme_add_state (ks, "Y", 1, 10, 10);
  nrt_ks_scheme_add_transition (ks, 0, 1, NRT_GATE_ALPHA_BETA,
                                &rate (NRT_RATE_LINOID, 0.05, 0.1, -50),
                                &rate (NRT_RATE_CONSTANT, 0.08, 0, 0), NRT_ION_NONSPECIFIC, 1);
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
  g_autoptr (NrtChannel) kca = nrt_case_channel_kca ();

  ok (nrt_model_add_channel (m, kca, &error), error);
  ok (nrt_model_insert_mechanism (m, "soma", "kca", &error), error);
  ks_settings (m);
  return m;
}

static NrtModel *
build_mixed (void)
{
  GError *error = NULL;
  NrtModel *m = nrt_case_soma_hh ();
  g_autoptr (NrtChannel) mix = channel_mix ();

  ok (nrt_model_add_channel (m, mix, &error), error);
  ok (nrt_model_insert_mechanism (m, "soma", "mix", &error), error);
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

/* bgk: density, k, gmax 0.005 S/cm²; n² with KSChan's Borg-Graham pair (K 0.2 /ms, vhalf
 * −45 mV, z 3, gam 0.7, tau0 0.5 ms), the one KSChan form that depends on celsius, times a
 * C <-> O scheme whose transition is Borg-Graham inf/τ too. */
static NrtModel *
build_bg (double celsius)
{
  GError *error = NULL;
  NrtModel *m = nrt_case_soma_hh ();
  g_autoptr (NrtChannel) ch = nrt_channel_new ("bgk");
  NrtRate inf = { 0 }, tau = { 0 };
  NrtRunSettings s;
  NrtKsScheme *ks;

  ch->ion = NRT_ION_K;
  ch->gmax = 0.005;
  ch->erev = nrt_ion_default_e (NRT_ION_K);
  nrt_rate_set_bg (&inf, &tau, 0.2, -45, 3, 0.7, 0.5);
  nrt_channel_add_gate (ch, "n", 2, NRT_GATE_INF_TAU, &inf, &tau);
  /* and C <-> O with a Borg-Graham inf/τ transition (K 0.05 /ms, vhalf −30 mV, z 2, gam 0.3,
   * tau0 1 ms) */
  ks = nrt_channel_add_scheme (ch, 1);
  nrt_ks_scheme_add_state (ks, "C", 0, 0, 0);
  nrt_ks_scheme_add_state (ks, "O", 1, 10, 0);
  nrt_rate_set_bg (&inf, &tau, 0.05, -30, 2, 0.3, 1);
  nrt_ks_scheme_add_transition (ks, 0, 1, NRT_GATE_INF_TAU, &inf, &tau, NRT_ION_NONSPECIFIC, 1);
  ok (nrt_model_add_channel (m, ch, &error), error);
  ok (nrt_model_insert_mechanism (m, "soma", "bgk", &error), error);
  ks_settings (m);
  s = nrt_model_get_data (m)->settings;
  s.celsius = celsius;
  ok (nrt_model_set_settings (m, &s, &error), error);
  return m;
}

static NrtModel *
build_bg_6_3 (void)
{
  return build_bg (6.3);
}

static NrtModel *
build_bg_22 (void)
{
  return build_bg (22);
}

/* tabk's tables: hh's m α, β and h inf, τ at 6.3 °C on 21 even points from −100 to 50 mV,
 * computed as generate_ks.py's table_rates() (α_m's removable singularity at −40 mV is its
 * limit, 1 /ms). */
#define TAB_VMIN  -100.0
#define TAB_VMAX  50.0
#define TAB_N     21

static void
table_rates (double am[TAB_N], double bm[TAB_N], double hinf[TAB_N], double htau[TAB_N])
{
  for (int i = 0; i < TAB_N; i++)
    {
      double v = TAB_VMIN + i * (TAB_VMAX - TAB_VMIN) / (TAB_N - 1);
      double ah = 0.07 * exp (-(v + 65) / 20), bh = 1 / (1 + exp (-(v + 35) / 10));

      am[i] = v == -40 ? 1.0 : 0.1 * (v + 40) / (1 - exp (-(v + 40) / 10));
      bm[i] = 4 * exp (-(v + 65) / 18);
      hinf[i] = ah / (ah + bh);
      htau[i] = 1 / (ah + bh);
    }
}

static NrtRate
table_rate (const double *values)
{
  GError *error = NULL;
  g_autoptr (NrtRateFunc) f = nrt_rate_func_new_table (values, TAB_N, TAB_VMIN, TAB_VMAX,
                                                       &error);
  ok (f != NULL, error);
  return nrt_rate_new_func (f);
}

/* tabk: density, k, gmax 0.01 S/cm²; KSChan's table form: m³ with α, β tables and h with
 * inf, τ tables. */
static NrtModel *
build_table (void)
{
  GError *error = NULL;
  NrtModel *m = nrt_case_soma_hh ();
  g_autoptr (NrtChannel) ch = nrt_channel_new ("tabk");
  double t[4][TAB_N];
  NrtRate r[4];

  table_rates (t[0], t[1], t[2], t[3]);
  for (int j = 0; j < 4; j++)
    r[j] = table_rate (t[j]);
  ch->ion = NRT_ION_K;
  ch->gmax = 0.01;
  ch->erev = nrt_ion_default_e (NRT_ION_K);
  nrt_channel_add_gate (ch, "m", 3, NRT_GATE_ALPHA_BETA, &r[0], &r[1]);
  nrt_channel_add_gate (ch, "h", 1, NRT_GATE_INF_TAU, &r[2], &r[3]);
  for (int j = 0; j < 4; j++)
    nrt_rate_clear (&r[j]);
  ok (nrt_model_add_channel (m, ch, &error), error);
  ok (nrt_model_insert_mechanism (m, "soma", "tabk", &error), error);
  ks_settings (m);
  return m;
}

/* The table at and between grid points and clamped outside, as KSChanTable::f. */
static void
test_table_eval (void)
{
  GError *error = NULL;
  const double y[3] = { 1.0, 3.0, -2.0 };
  g_autoptr (NrtRateFunc) f = nrt_rate_func_new_table (y, 3, -10.0, 10.0, &error);
  g_autoptr (NrtRateFunc) bad = NULL;
  NrtRate r;

  g_assert_no_error (error);
  r = nrt_rate_new_func (f);
  g_assert_cmpint (r.form, ==, NRT_RATE_TABLE);
  g_assert_cmpfloat (nrt_rate_eval (&r, -20.0), ==, 1.0);
  g_assert_cmpfloat (nrt_rate_eval (&r, -10.0), ==, 1.0);
  g_assert_cmpfloat (nrt_rate_eval (&r, -5.0), ==, 2.0);
  g_assert_cmpfloat (nrt_rate_eval (&r, 0.0), ==, 3.0);
  g_assert_cmpfloat (nrt_rate_eval (&r, 5.0), ==, 0.5);
  g_assert_cmpfloat (nrt_rate_eval (&r, 10.0), ==, -2.0);
  g_assert_cmpfloat (nrt_rate_eval (&r, 99.0), ==, -2.0);
  nrt_rate_clear (&r);
  bad = nrt_rate_func_new_table (y, 1, -10.0, 10.0, &error);
  g_assert_null (bad);
  g_assert_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_VALUE);
  g_clear_error (&error);
  bad = nrt_rate_func_new_table (y, 3, 10.0, 10.0, &error);
  g_assert_null (bad);
  g_assert_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_VALUE);
  g_clear_error (&error);
}

/* A table is a's, b's, inf's and tau's form only: a scheme's ligand transition refuses it. */
static void
test_table_validate (void)
{
  GError *error = NULL;
  double t[4][TAB_N];
  NrtRate r[2], c = rate (NRT_RATE_CONSTANT, 1, 0, 0);
  g_autoptr (NrtChannel) ch = nrt_channel_new ("tv");
  g_autoptr (NrtChannel) copy = NULL;
  NrtKsScheme *ks;

  table_rates (t[0], t[1], t[2], t[3]);
  r[0] = table_rate (t[0]);
  r[1] = table_rate (t[1]);
  ch->ion = NRT_ION_K;
  ch->gmax = 0.01;
  ch->erev = -77;
  nrt_channel_add_gate (ch, "m", 1, NRT_GATE_ALPHA_BETA, &r[0], &r[1]);
  g_assert_true (nrt_channel_validate (ch, &error));
  g_assert_no_error (error);
  g_assert_false (nrt_channel_has_custom_rates (ch));
  copy = nrt_channel_copy (ch);
  g_assert_true (nrt_channel_equal (ch, copy));
  ks = nrt_channel_add_scheme (ch, 1);
  nrt_ks_scheme_add_state (ks, "C", 0, 0, 0);
  nrt_ks_scheme_add_state (ks, "O", 1, 10, 0);
  nrt_ks_scheme_add_transition (ks, 0, 1, NRT_TRANS_LIGAND_INSIDE, &r[0], &c, NRT_ION_CA, 1);
  g_assert_false (nrt_channel_validate (ch, &error));
  g_assert_error (error, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_VALUE);
  g_clear_error (&error);
  nrt_rate_clear (&r[0]);
  nrt_rate_clear (&r[1]);
}

typedef NrtModel *(*BuildFunc) (void);

typedef void (*ScaleFunc) (NrtModel *m, double factor);

typedef struct {
  const char *csv;
  BuildFunc   build;
  const char *scheme_states[4];  /* records whose sum must stay 1, or NULL */
  ScaleFunc   scale_gmax;        /* multiplies the scheme channel's gmax, or NULL */
} KsCase;

static void
scale_kca (NrtModel *m, double factor)
{
  GError *error = NULL;
  ok (nrt_model_set_mechanism_param (m, "soma", "gmax_kca", 0.002 * factor, &error), error);
}

static void
scale_pk (NrtModel *m, double factor)
{
  GError *error = NULL;
  ok (nrt_model_set_point_process_param (m, 1, "gmax", 0.005 * factor, &error), error);
}

static gboolean
is_state_column (const char *name)
{
  static const char *const states[] = { ".C1_kca", ".C2_kca", ".O_kca", ".m_cag", "pk[0].O",
                                        ".h_mix", ".A_mix", ".B_mix", ".X_mix", ".Y_mix",
                                        "pca[0].m", "pk[0].C", ".n_bgk", ".O_bgk", ".m_tabk",
                                        ".h_tabk" };
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
  { "ks_scheme_soma", build_scheme, { "soma(0.5).C1_kca", "soma(0.5).C2_kca", "soma(0.5).O_kca" },
    scale_kca },
  /* two schemes (one of power 2) after an HH gate; Σ checked on the first scheme */
  { "ks_mixed_soma", build_mixed, { "soma(0.5).A_mix", "soma(0.5).B_mix" }, NULL },
  { "ks_ghk_soma", build_ghk, { NULL }, NULL },
  { "ks_point_soma", build_point, { "pk[0].C", "pk[0].O" }, scale_pk },
  /* Borg-Graham inf/τ at NEURON's default temperature and at 22 °C */
  { "ks_bg_soma_6.3", build_bg_6_3, { NULL }, NULL },
  { "ks_bg_soma_22", build_bg_22, { NULL }, NULL },
  /* KSChan's table form (ftype 7) for α, β, inf and τ */
  { "ks_table_soma", build_table, { NULL }, NULL },
};

/* Where the residual difference of a scheme comes from.  KSChan's initial solve (dt = 1e9)
 * leaves NEURON's occupancies summing to S ≠ 1 by rounding (1 − 8.8e-9 in ks_scheme_soma),
 * and backward Euler, being linear, keeps them S times the normalised ones for the whole run:
 * NEURON's channel behaves as one with gmax·S.  Run Neurite with gmax·S and compare v and the
 * occupancies times S: what is left is the rest of the algorithm. */
static void
test_ks_init_scaled (gconstpointer data)
{
  const KsCase *c = data;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_strdup_printf ("%s.csv", c->csv);
  g_autofree char *file = nrt_reference_path (path);
  g_autoptr (NrtCsv) ref = nrt_csv_read (file);
  g_autoptr (NrtModel) m = c->build ();
  double S = 0.0, max_dv = 0.0, max_ds = 0.0;
  int cols[4];
  guint n = 0;

  for (; n < 4 && c->scheme_states[n] != NULL; n++)
    {
      cols[n] = nrt_csv_column (ref, c->scheme_states[n]);
      g_assert_cmpint (cols[n], >, 0);
      S += nrt_csv_get (ref, 0, (guint) cols[n]);
    }
  c->scale_gmax (m, S);
  g_autoptr (NrtNetwork) net = nrt_network_compile (m, &error);
  g_assert_no_error (error);
  g_autoptr (NrtSim) sim = nrt_sim_new (net);
  g_assert_cmpint (nrt_sim_add_record (sim, "soma(0.5).v", &error), ==, 0);
  for (guint j = 0; j < n; j++)
    g_assert_cmpint (nrt_sim_add_record (sim, c->scheme_states[j], &error), ==, (int) j + 1);
  g_assert_no_error (error);
  int vcol = nrt_csv_column (ref, "soma(0.5).v");
  nrt_sim_init (sim);
  for (guint row = 0; row < ref->n_rows; row++)
    {
      max_dv = MAX (max_dv, fabs (nrt_sim_record_value (sim, 0) - nrt_csv_get (ref, row, (guint) vcol)));
      for (guint j = 0; j < n; j++)
        max_ds = MAX (max_ds, fabs (nrt_sim_record_value (sim, j + 1) * S
                                    - nrt_csv_get (ref, row, (guint) cols[j])));
      if (row + 1 < ref->n_rows)
        g_assert_true (nrt_sim_step (sim, &error));
    }
  g_test_message ("%s: NEURON's occupancy sum S − 1 = %.3g; with gmax·S: max |Δv| = %.3g mV, "
                  "max |S·state − NEURON| = %.3g", c->csv, S - 1, max_dv, max_ds);
  g_assert_cmpfloat (max_dv, <=, 1e-9);
  g_assert_cmpfloat (max_ds, <=, 1e-12);
}

/* nrt_ghk against NEURON's ghk(−65, 5e-5, 2, 2) at 6.3 °C (printed by generate_ks.py). */
static void
test_ghk_value (void)
{
  double x = nrt_ghk (-65, 5e-5, 2, 2, 6.3);
  g_assert_cmpfloat (fabs (x - -2092.9395294715841), <=, 1e-12 * 2092.9395294715841);
}

/* ---- stochastic single channels ---- */

#define SINGLE_GMAX 1e-9  /* µS: the clamp holds v to well under a µV */

/* A passive soma clamped (SEClamp, rs 0.01 MΩ) at −65 mV for 5 ms, then at −40 mV; two "ps"
 * point channels (C <-> O as pk, Allow Single Channels): ps[0] with nsingle stochastic
 * channels, ps[1] deterministic (Nsingle 0). */
static NrtModel *
build_single (double nsingle, guint32 seed, double tstop)
{
  GError *error = NULL;
  NrtModel *m = nrt_model_new ();
  g_autoptr (NrtChannel) ps = channel_pk ();
  NrtRunSettings s;

  g_free (ps->name);
  ps->name = g_strdup ("ps");
  ps->single = TRUE;
  ps->gmax = SINGLE_GMAX;
  ps->erev = -40;
  g_assert_cmpint (nrt_model_add_section (m, "soma", NULL, 0, 10, 10, &error), ==, 0);
  ok (nrt_model_add_channel (m, ps, &error), error);
  g_assert_cmpint (nrt_model_add_point_process (m, "SEClamp", "soma", 0.5, &error), ==, 0);
  ok (nrt_model_set_point_process_param (m, 0, "rs", 0.01, &error), error);
  ok (nrt_model_set_point_process_param (m, 0, "dur1", 5, &error), error);
  ok (nrt_model_set_point_process_param (m, 0, "amp1", -65, &error), error);
  ok (nrt_model_set_point_process_param (m, 0, "dur2", 1000, &error), error);
  ok (nrt_model_set_point_process_param (m, 0, "amp2", -40, &error), error);
  g_assert_cmpint (nrt_model_add_point_process (m, "ps", "soma", 0.5, &error), ==, 1);
  g_assert_cmpint (nrt_model_add_point_process (m, "ps", "soma", 0.5, &error), ==, 2);
  ok (nrt_model_set_point_process_param (m, 1, "Nsingle", nsingle, &error), error);
  ok (nrt_model_set_point_process_param (m, 2, "Nsingle", 0, &error), error);
  nrt_case_set_run (m, tstop, NRT_METHOD_IMPLICIT, FALSE);
  s = nrt_model_get_data (m)->settings;
  s.seed = seed;
  ok (nrt_model_set_settings (m, &s, &error), error);
  return m;
}

typedef struct {
  guint   n;
  double *t, *v, *C, *O, *g, *det;
} SingleTrace;

static void
single_trace_free (SingleTrace *tr)
{
  g_free (tr->t);
  g_free (tr->v);
  g_free (tr->C);
  g_free (tr->O);
  g_free (tr->g);
  g_free (tr->det);
}

static void
single_run (double nsingle, guint32 seed, double tstop, SingleTrace *tr)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NrtModel) m = build_single (nsingle, seed, tstop);
  g_autoptr (NrtNetwork) net = nrt_network_compile (m, &error);
  g_assert_no_error (error);
  g_autoptr (NrtSim) sim = nrt_sim_new (net);
  static const char *const recs[] = { "soma(0.5).v", "ps[0].C", "ps[0].O", "ps[0].g",
                                      "ps[1].O" };
  for (guint j = 0; j < G_N_ELEMENTS (recs); j++)
    {
      g_assert_cmpint (nrt_sim_add_record (sim, recs[j], &error), ==, (int) j);
      g_assert_no_error (error);
    }
  guint n = (guint) (tstop / 0.025 + 0.5) + 1;
  *tr = (SingleTrace) { n, g_new (double, n), g_new (double, n), g_new (double, n),
                        g_new (double, n), g_new (double, n), g_new (double, n) };
  nrt_sim_init (sim);
  for (guint i = 0; i < n; i++)
    {
      tr->t[i] = nrt_sim_get_t (sim);
      tr->v[i] = nrt_sim_record_value (sim, 0);
      tr->C[i] = nrt_sim_record_value (sim, 1);
      tr->O[i] = nrt_sim_record_value (sim, 2);
      tr->g[i] = nrt_sim_record_value (sim, 3);
      tr->det[i] = nrt_sim_record_value (sim, 4);
      if (i + 1 < n)
        g_assert_true (nrt_sim_step (sim, &error));
    }
  g_assert_no_error (error);
}

/* The exact expectation of the open fraction: every channel is a two-state Markov chain whose
 * rates are those at the step's new v over the whole step (kssingle's constant rates within a
 * dt), starting from the steady state at v_init. */
static double *
single_expectation (const SingleTrace *tr)
{
  g_autoptr (NrtChannel) ps = channel_pk ();
  const NrtKsTransition *t =
    &g_array_index (((NrtKsScheme *) ps->schemes->pdata[0])->transitions, NrtKsTransition, 0);
  double *p = g_new (double, tr->n), a, b;

  nrt_ks_transition_rates (t, tr->v[0], 0, 1, &a, &b);
  p[0] = a / (a + b);
  for (guint i = 1; i < tr->n; i++)
    {
      nrt_ks_transition_rates (t, tr->v[i], 0, 1, &a, &b);
      double inf = a / (a + b);
      p[i] = inf + (p[i - 1] - inf) * exp (-(a + b) * 0.025);
    }
  return p;
}

static void
test_single_statistics (void)
{
  const double N = 10000, tstop = 30;
  const guint K = 6;  /* windows of 5 ms */
  SingleTrace tr;
  single_run (N, 12345, tstop, &tr);
  g_autofree double *p = single_expectation (&tr);
  double max_z = 0, max_z_det = 0, max_det = 0;
  guint per = (tr.n - 1) / K;

  for (guint i = 0; i < tr.n; i++)
    {
      /* integer populations that sum to Nsingle; g = gmax·(open count) as in KSChan, from
       * the states the step started with (g is computed with the currents) */
      g_assert_cmpfloat (tr.C[i] + tr.O[i], ==, N);
      g_assert_cmpfloat (floor (tr.O[i]), ==, tr.O[i]);
      g_assert_cmpfloat (tr.O[i], >=, 0);
      g_assert_cmpfloat (tr.g[i], ==, SINGLE_GMAX * tr.O[i > 0 ? i - 1 : 0]);
      max_det = MAX (max_det, fabs (tr.det[i] - p[i]));
    }
  /* Each window's mean of O/N has a variance at most the largest binomial p(1 − p)/N of its
   * samples (they are correlated, never more variable than one sample). */
  for (guint w = 0; w < K; w++)
    {
      double mean = 0, mp = 0, mdet = 0, var = 0;
      for (guint i = w * per; i < (w + 1) * per; i++)
        {
          mean += tr.O[i] / N;
          mp += p[i];
          mdet += tr.det[i];
          var = MAX (var, p[i] * (1 - p[i]) / N);
        }
      mean /= per;
      mp /= per;
      mdet /= per;
      double z = fabs (mean - mp) / sqrt (var), zd = fabs (mean - mdet) / sqrt (var);
      g_test_message ("window %u (%g–%g ms): mean open fraction %.5f, exact %.5f, "
                      "deterministic %.5f, σ %.5f: %.2fσ from exact, %.2fσ from deterministic",
                      w, tr.t[w * per], tr.t[(w + 1) * per], mean, mp, mdet, sqrt (var), z, zd);
      max_z = MAX (max_z, z);
      max_z_det = MAX (max_z_det, zd);
      g_assert_cmpfloat (z, <, 5);
      g_assert_cmpfloat (zd, <, 5);
    }
  g_test_message ("Nsingle %g: max %.2fσ from the exact mean, %.2fσ from the deterministic "
                  "(Nsingle 0) trace; deterministic vs exact max |Δ| %.2g", N, max_z, max_z_det,
                  max_det);
  g_assert_cmpfloat (max_det, <, 0.01);
  /* the clamp is fixed: v moved from −65 to −40 */
  g_assert_cmpfloat (fabs (tr.v[tr.n - 1] - -40), <, 1e-3);
  single_trace_free (&tr);
}

/* NEURON's kssingle, one run of the same model (generate_ks.py case_single, its own random
 * numbers): its window means agree with the exact expectation computed from its v (so the
 * expectation describes NEURON's semantics: rates at each step's new v, steady-state start),
 * and with Neurite's run, two independent estimates (σ of the difference ≤ √2·σ). */
static void
test_single_vs_neuron (void)
{
  g_autofree char *file = nrt_reference_path ("ks_single_neuron.csv");
  g_autoptr (NrtCsv) ref = nrt_csv_read (file);
  const double N = 10000;
  const guint K = 6;
  SingleTrace tr, nt;

  single_run (N, 12345, 30, &tr);
  g_assert_cmpuint (ref->n_rows, ==, tr.n);
  nt = (SingleTrace) { ref->n_rows, g_new (double, ref->n_rows), g_new (double, ref->n_rows),
                       g_new (double, ref->n_rows), g_new (double, ref->n_rows), NULL, NULL };
  for (guint i = 0; i < nt.n; i++)
    {
      nt.t[i] = nrt_csv_get (ref, i, 0);
      nt.v[i] = nrt_csv_get (ref, i, 1);
      nt.C[i] = nrt_csv_get (ref, i, 2);
      nt.O[i] = nrt_csv_get (ref, i, 3);
      g_assert_cmpfloat (nt.C[i] + nt.O[i], ==, N);
    }
  g_autofree double *p = single_expectation (&nt);
  guint per = (nt.n - 1) / K;
  double max_zn = 0, max_zd = 0;
  for (guint w = 0; w < K; w++)
    {
      double mn = 0, mt = 0, mp = 0, var = 0;
      for (guint i = w * per; i < (w + 1) * per; i++)
        {
          mn += nt.O[i] / N;
          mt += tr.O[i] / N;
          mp += p[i];
          var = MAX (var, p[i] * (1 - p[i]) / N);
        }
      mn /= per;
      mt /= per;
      mp /= per;
      double zn = fabs (mn - mp) / sqrt (var), zd = fabs (mn - mt) / sqrt (2 * var);
      g_test_message ("window %u: NEURON %.5f, exact %.5f, Neurite %.5f: NEURON %.2fσ from "
                      "exact, %.2fσ from Neurite", w, mn, mp, mt, zn, zd);
      max_zn = MAX (max_zn, zn);
      max_zd = MAX (max_zd, zd);
    }
  g_test_message ("NEURON kssingle: max %.2fσ from the exact mean, %.2fσ from Neurite", max_zn,
                  max_zd);
  g_assert_cmpfloat (max_zn, <, 5);
  g_assert_cmpfloat (max_zd, <, 5);
  single_trace_free (&tr);
  single_trace_free (&nt);
}

/* A ligand-gated single channel (cai, 20 /ms-mM at 0.01 mM = 0.2 /ms forward, 0.1 /ms back):
 * kssingle redraws its pending move every step when a scheme has ligands; the open fraction
 * stays at the steady state 2/3 on average. */
static void
test_single_ligand (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NrtModel) m = nrt_model_new ();
  g_autoptr (NrtChannel) ch = nrt_channel_new ("lg");
  const double N = 10000;
  NrtKsScheme *ks;
  NrtRunSettings st;

  ch->kind = NRT_CHANNEL_POINT;
  ch->single = TRUE;
  ch->gmax = 1e-9;
  ks = nrt_channel_add_scheme (ch, 1);
  nrt_ks_scheme_add_state (ks, "C", 0, 0, 0);
  nrt_ks_scheme_add_state (ks, "O", 1, 10, 0);
  nrt_ks_scheme_add_transition (ks, 0, 1, NRT_TRANS_LIGAND_INSIDE,
                                &rate (NRT_RATE_CONSTANT, 20, 0, 0),
                                &rate (NRT_RATE_CONSTANT, 0.1, 0, 0), NRT_ION_CA, 1);
  g_assert_cmpint (nrt_model_add_section (m, "soma", NULL, 0, 10, 10, &error), ==, 0);
  ok (nrt_model_add_channel (m, ch, &error), error);
  g_assert_cmpint (nrt_model_add_point_process (m, "lg", "soma", 0.5, &error), ==, 0);
  ok (nrt_model_set_point_process_param (m, 0, "Nsingle", N, &error), error);
  nrt_case_set_run (m, 30, NRT_METHOD_IMPLICIT, FALSE);
  st = nrt_model_get_data (m)->settings;
  st.conc_i[NRT_ION_CA] = 0.01;
  ok (nrt_model_set_settings (m, &st, &error), error);
  g_autoptr (NrtNetwork) net = nrt_network_compile (m, &error);
  g_assert_no_error (error);
  g_autoptr (NrtSim) sim = nrt_sim_new (net);
  g_assert_cmpint (nrt_sim_add_record (sim, "lg[0].O", &error), ==, 0);
  g_assert_cmpint (nrt_sim_add_record (sim, "lg[0].C", &error), ==, 1);
  nrt_sim_init (sim);
  const double p = 2.0 / 3.0, sigma = sqrt (p * (1 - p) / N);
  double max_z = 0, sum = 0, prev = -1;
  guint n = 0, changes = 0;
  for (guint i = 0; i < 1200; i++)
    {
      double o = nrt_sim_record_value (sim, 0);
      g_assert_cmpfloat (o + nrt_sim_record_value (sim, 1), ==, N);
      changes += prev >= 0 && o != prev;
      prev = o;
      sum += o / N;
      if (++n == 200)
        {
          max_z = MAX (max_z, fabs (sum / n - p) / sigma);
          sum = 0;
          n = 0;
        }
      g_assert_true (nrt_sim_step (sim, &error));
    }
  g_test_message ("ligand-gated, Nsingle %g: window means within %.2fσ of 2/3; the count "
                  "changed in %u of 1200 steps", N, max_z, changes);
  g_assert_cmpfloat (max_z, <, 5);
  g_assert_cmpuint (changes, >, 1000);
}

static void
test_single_seed (void)
{
  SingleTrace a, b, c, one;
  single_run (1000, 7, 20, &a);
  single_run (1000, 7, 20, &b);
  single_run (1000, 8, 20, &c);
  guint differ = 0;
  for (guint i = 0; i < a.n; i++)
    {
      g_assert_cmpfloat (a.O[i], ==, b.O[i]);
      g_assert_cmpfloat (a.v[i], ==, b.v[i]);
      differ += a.O[i] != c.O[i];
    }
  g_test_message ("seed 7 vs 8: %u of %u steps differ", differ, a.n);
  g_assert_cmpuint (differ, >, a.n / 2);
  /* One channel: open or closed, g ∈ {0, gmax}; it does switch. */
  single_run (1, 3, 20, &one);
  guint switches = 0;
  for (guint i = 0; i < one.n; i++)
    {
      g_assert_true (one.O[i] == 0 || one.O[i] == 1);
      g_assert_cmpfloat (one.C[i] + one.O[i], ==, 1);
      switches += i > 0 && one.O[i] != one.O[i - 1];
    }
  g_test_message ("one channel: %u switches in 20 ms", switches);
  g_assert_cmpuint (switches, >, 0);
  single_trace_free (&a);
  single_trace_free (&b);
  single_trace_free (&c);
  single_trace_free (&one);
}

/* ---- live edits: nrt_sim_transfer_state with channel states ---- */

static NrtSim *
new_sim (NrtModel *m, NrtNetwork **net, const char *const *recs)
{
  g_autoptr (GError) error = NULL;
  *net = nrt_network_compile (m, &error);
  g_assert_no_error (error);
  NrtSim *sim = nrt_sim_new (*net);
  for (guint j = 0; recs[j] != NULL; j++)
    {
      g_assert_cmpint (nrt_sim_add_record (sim, recs[j], &error), ==, (int) j);
      g_assert_no_error (error);
    }
  return sim;
}

static void
steps (NrtSim *sim, guint n)
{
  g_autoptr (GError) error = NULL;
  for (guint i = 0; i < n; i++)
    g_assert_true (nrt_sim_step (sim, &error));
  g_assert_no_error (error);
}

/* A scheme carried across edits: unchanged structure continues exactly; a renamed state makes
 * the scheme restart at its steady state at the current v (occupancies still sum to 1); a new
 * HH gate starts at inf(v). */
static void
test_transfer_scheme (void)
{
  g_autoptr (GError) error = NULL;
  static const char *const recs[] = { "soma(0.5).C1_kca", "soma(0.5).C2_kca",
                                      "soma(0.5).O_kca", "soma(0.5).v", NULL };
  static const char *const recs2[] = { "soma(0.5).C1_kca", "soma(0.5).C2_kca",
                                       "soma(0.5).Op_kca", "soma(0.5).v", "soma(0.5).w_kca",
                                       NULL };
  g_autoptr (NrtModel) m = build_scheme ();
  NrtNetwork *n1, *n2, *n3, *n4;
  NrtSim *a = new_sim (m, &n1, recs), *b = new_sim (m, &n2, recs);

  nrt_sim_init (a);
  steps (a, 100);
  /* the same network: b continues a's run exactly */
  g_assert_true (nrt_sim_transfer_state (b, a));
  steps (a, 100);
  steps (b, 100);
  for (guint j = 0; j < 4; j++)
    g_assert_cmpfloat (nrt_sim_record_value (a, j), ==, nrt_sim_record_value (b, j));

  /* O renamed Op and an HH gate w added (w^1 with constant rates, so g changes) */
  g_autoptr (NrtChannel) kca = nrt_case_channel_kca ();
  NrtKsScheme *ks = kca->schemes->pdata[0];
  g_free (((NrtKsState *) ks->states->pdata[2])->name);
  ((NrtKsState *) ks->states->pdata[2])->name = g_strdup ("Op");
  nrt_channel_add_gate (kca, "w", 1, NRT_GATE_ALPHA_BETA, &rate (NRT_RATE_CONSTANT, 0.3, 0, 0),
                        &rate (NRT_RATE_CONSTANT, 0.1, 0, 0));
  ok (nrt_model_replace_channel (m, "kca", kca, &error), error);
  NrtSim *c = new_sim (m, &n3, recs2);
  g_assert_true (nrt_sim_transfer_state (c, b));
  double v = nrt_sim_record_value (c, 3);
  g_assert_cmpfloat (v, ==, nrt_sim_record_value (b, 3));
  g_assert_cmpfloat (fabs (nrt_sim_record_value (c, 4) - 0.75), <=, 1e-15);
  double sum = nrt_sim_record_value (c, 0) + nrt_sim_record_value (c, 1)
               + nrt_sim_record_value (c, 2);
  g_assert_cmpfloat (fabs (sum - 1), <=, SUM_TOL);
  g_assert_cmpfloat (nrt_sim_record_value (c, 0), !=, nrt_sim_record_value (b, 0));
  /* ... which is the steady state at v: a run initialised at v holds the same values */
  NrtRunSettings st = nrt_model_get_data (m)->settings;
  st.v_init = v;
  ok (nrt_model_set_settings (m, &st, &error), error);
  NrtSim *d = new_sim (m, &n4, recs2);
  nrt_sim_init (d);
  for (guint j = 0; j < 3; j++)
    g_assert_cmpfloat (fabs (nrt_sim_record_value (c, j) - nrt_sim_record_value (d, j)), <=,
                       1e-15);
  steps (c, 100);
  sum = nrt_sim_record_value (c, 0) + nrt_sim_record_value (c, 1) + nrt_sim_record_value (c, 2);
  g_assert_cmpfloat (fabs (sum - 1), <=, SUM_TOL);
  nrt_sim_free (a);
  nrt_sim_free (b);
  nrt_sim_free (c);
  nrt_sim_free (d);
  nrt_network_free (n1);
  nrt_network_free (n2);
  nrt_network_free (n3);
  nrt_network_free (n4);
}

/* Stochastic instances across edits: an unrelated edit continues the same random run; a new
 * Nsingle places that many channels. */
static void
test_transfer_single (void)
{
  g_autoptr (GError) error = NULL;
  static const char *const recs[] = { "ps[0].C", "ps[0].O", "ps[1].O", NULL };
  g_autoptr (NrtModel) m = build_single (1000, 5, 20);
  NrtNetwork *n1, *n2, *n3;
  NrtSim *a = new_sim (m, &n1, recs);

  nrt_sim_init (a);
  steps (a, 300);
  ok (nrt_model_set_point_process_param (m, 0, "rs", 0.02, &error), error);
  NrtSim *b = new_sim (m, &n2, recs);
  g_assert_true (nrt_sim_transfer_state (b, a));
  /* rs is only the clamp's: the channels' random run goes on as it would have */
  for (guint i = 0; i < 200; i++)
    {
      steps (a, 1);
      steps (b, 1);
      g_assert_cmpfloat (nrt_sim_record_value (a, 1), ==, nrt_sim_record_value (b, 1));
    }
  ok (nrt_model_set_point_process_param (m, 1, "Nsingle", 500, &error), error);
  NrtSim *c = new_sim (m, &n3, recs);
  g_assert_true (nrt_sim_transfer_state (c, b));
  g_assert_cmpfloat (nrt_sim_record_value (c, 0) + nrt_sim_record_value (c, 1), ==, 500);
  steps (c, 100);
  g_assert_cmpfloat (nrt_sim_record_value (c, 0) + nrt_sim_record_value (c, 1), ==, 500);
  nrt_sim_free (a);
  nrt_sim_free (b);
  nrt_sim_free (c);
  nrt_network_free (n1);
  nrt_network_free (n2);
  nrt_network_free (n3);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (ks_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/kinetic/neuron/%s", ks_cases[i].csv);
      g_test_add_data_func (path, &ks_cases[i], test_ks_case);
      if (ks_cases[i].scale_gmax != NULL)
        {
          g_autofree char *spath = g_strdup_printf ("/kinetic/neuron/%s-init-scaled",
                                                    ks_cases[i].csv);
          g_test_add_data_func (spath, &ks_cases[i], test_ks_init_scaled);
        }
    }
  g_test_add_func ("/kinetic/ghk-value", test_ghk_value);
  g_test_add_func ("/kinetic/table/eval", test_table_eval);
  g_test_add_func ("/kinetic/table/validate", test_table_validate);
  g_test_add_func ("/kinetic/single/statistics", test_single_statistics);
  g_test_add_func ("/kinetic/single/neuron", test_single_vs_neuron);
  g_test_add_func ("/kinetic/single/ligand", test_single_ligand);
  g_test_add_func ("/kinetic/single/seed", test_single_seed);
  g_test_add_func ("/kinetic/transfer/scheme", test_transfer_scheme);
  g_test_add_func ("/kinetic/transfer/single", test_transfer_single);
  return g_test_run ();
}
