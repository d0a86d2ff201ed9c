/* test-session.c: NrtSession: the solver thread's runs, stops, live edits and traces, against
 * plain nrt_sim runs and NEURON's reference.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>

#include "nrt-csv.h"
#include "nrt-neuroml.h"
#include "nrt-session-private.h"
#include "nrt-sim-private.h"

#define WAIT_TIMEOUT_S 60

/* ---- helpers ---- */

static gboolean
on_timeout (gpointer data)
{
  g_error ("timed out waiting for the session (%s)", (const char *) data);
  return G_SOURCE_REMOVE;
}

/* Spins the main context until pred holds; a hang fails the test instead of blocking it. */
static void
spin_until (gboolean (*pred) (NrtSession *, double), NrtSession *session, double arg,
            const char *what)
{
  GSource *timeout = g_timeout_source_new_seconds (WAIT_TIMEOUT_S);
  g_source_set_callback (timeout, on_timeout, (gpointer) what, NULL);
  g_source_attach (timeout, NULL);
  while (!pred (session, arg))
    g_main_context_iteration (NULL, TRUE);
  g_source_destroy (timeout);
  g_source_unref (timeout);
}

static gboolean
is_idle (NrtSession *session, double unused)
{
  (void) unused;
  return !nrt_session_get_busy (session);
}

static gboolean
t_past (NrtSession *session, double t)
{
  return nrt_session_get_t (session) > t && nrt_session_get_running (session);
}

static void
wait_idle (NrtSession *session)
{
  spin_until (is_idle, session, 0, "idle");
}

static NrtModel *
load_model (const char *file)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (NRT_SOURCE_ROOT, "models", file, NULL);
  NrtModel *model = nrt_neuroml_read_file (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (model);
  return model;
}

static void
set_settings (NrtModel *model, double tstop, double dt, double points_per_ms)
{
  g_autoptr (GError) error = NULL;
  NrtRunSettings s = nrt_model_get_data (model)->settings;
  if (tstop > 0)
    s.tstop = tstop;
  if (dt > 0)
    s.dt = dt;
  if (points_per_ms > 0)
    s.points_per_ms = points_per_ms;
  g_assert_true (nrt_model_set_settings (model, &s, &error));
  g_assert_no_error (error);
}

static void
set_pp (NrtModel *model, const char *param, double value)
{
  g_autoptr (GError) error = NULL;
  g_assert_true (nrt_model_set_point_process_param (model, 0, param, value, &error));
  g_assert_no_error (error);
}

typedef struct {
  guint64 n;
  double *t, *y;
} Trace;

static void
trace_clear (Trace *tr)
{
  g_free (tr->t);
  g_free (tr->y);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Trace, trace_clear)

static Trace
read_trace (NrtSession *session, int id)
{
  NrtTraceStore *store = nrt_session_get_trace_store (session);
  Trace tr;
  tr.n = nrt_trace_store_get_length (store, (guint) id);
  tr.t = g_new (double, tr.n + 1);
  tr.y = g_new (double, tr.n + 1);
  g_assert_cmpuint (nrt_trace_store_read (store, (guint) id, 0, tr.n, tr.t, tr.y), ==, tr.n);
  return tr;
}

static int
add_trace (NrtSession *session, const char *expr)
{
  g_autoptr (GError) error = NULL;
  int id = nrt_session_add_trace (session, expr, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >=, 0);
  return id;
}

/* A plain nrt_sim run of the model sampled as the session samples (every plot interval). */
static Trace
direct_run (NrtModel *model, const char *expr, double tstop)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NrtNetwork) net = nrt_network_compile (model, &error);
  g_assert_no_error (error);
  g_autoptr (NrtSim) sim = nrt_sim_new (net);
  g_assert_cmpint (nrt_sim_add_record (sim, expr, &error), ==, 0);
  const NrtRunSettings *s = nrt_network_get_settings (net);
  guint n = nrt_session_plot_interval_steps (s->dt, s->points_per_ms);
  GArray *t = g_array_new (FALSE, FALSE, sizeof (double));
  GArray *y = g_array_new (FALSE, FALSE, sizeof (double));

  nrt_sim_init (sim);
  for (;;)
    {
      double tv = nrt_sim_get_t (sim), yv = nrt_sim_record_value (sim, 0);
      g_array_append_val (t, tv);
      g_array_append_val (y, yv);
      if (nrt_sim_reached (sim, tstop))
        break;
      for (guint k = 0; k < n; k++)
        g_assert_true (nrt_sim_step (sim, NULL));
    }
  Trace tr = { t->len, (double *) g_array_free (t, FALSE), (double *) g_array_free (y, FALSE) };
  return tr;
}

static void
assert_traces_equal (const Trace *a, const Trace *b)
{
  g_assert_cmpuint (a->n, ==, b->n);
  for (guint64 i = 0; i < a->n; i++)
    {
      g_assert_cmpfloat (a->t[i], ==, b->t[i]);
      g_assert_cmpfloat (a->y[i], ==, b->y[i]);
    }
}

static void
assert_consistent_prefix (const Trace *tr, double dt)
{
  g_assert_cmpuint (tr->n, >, 0);
  g_assert_cmpfloat (tr->t[0], ==, 0.0);
  for (guint64 i = 1; i < tr->n; i++)
    {
      g_assert_cmpfloat (tr->t[i], >, tr->t[i - 1]);
      g_assert_cmpfloat (fabs (tr->t[i] - tr->t[i - 1] - dt), <, 1e-9);
    }
}

static void
count_signal (gpointer instance, gpointer data)
{
  (void) instance;
  (*(guint *) data)++;
}

/* ---- tests ---- */

static void
test_run_matches_sim_and_neuron (void)
{
  g_autoptr (NrtModel) model = load_model ("soma-hh.nml");
  NrtSession *session = nrt_session_new (model);
  guint n_status = 0;
  g_signal_connect (session, "status", G_CALLBACK (count_signal), &n_status);
  g_assert_false (nrt_session_get_running (session));

  int id = add_trace (session, "soma(0.5).v");
  int im = add_trace (session, "soma(0.5).m_hh");
  nrt_session_run (session);
  wait_idle (session);

  g_assert_false (nrt_session_get_running (session));
  g_assert_cmpfloat (fabs (nrt_session_get_t (session) - 10.0), <, 1e-9);
  g_assert_cmpfloat (nrt_session_get_realtime (session), >, 0.0);
  g_assert_cmpuint (n_status, >, 0);

  g_auto (Trace) got = read_trace (session, id);
  g_auto (Trace) want = direct_run (model, "soma(0.5).v", 10.0);
  g_assert_cmpuint (got.n, ==, 401);
  assert_traces_equal (&got, &want);
  g_auto (Trace) gotm = read_trace (session, im);
  g_auto (Trace) wantm = direct_run (model, "soma(0.5).m_hh", 10.0);
  assert_traces_equal (&gotm, &wantm);

  /* And NEURON's trace of the same model (tests/reference/soma_hh.csv). */
  g_autofree char *file = nrt_reference_path ("soma_hh.csv");
  g_autoptr (NrtCsv) ref = nrt_csv_read (file);
  int col = nrt_csv_column (ref, "soma(0.5).v");
  g_assert_cmpint (col, >, 0);
  g_assert_cmpuint (ref->n_rows, ==, got.n);
  double worst = 0.0;
  for (guint r = 0; r < ref->n_rows; r++)
    {
      g_assert_cmpfloat (fabs (got.t[r] - nrt_csv_get (ref, r, 0)), <, 2e-6);
      worst = MAX (worst, fabs (got.y[r] - nrt_csv_get (ref, r, (guint) col)));
    }
  g_test_message ("session vs NEURON soma(0.5).v: max |Δ| = %.3g mV", worst);
  g_assert_cmpfloat (worst, <=, 1e-6);

  /* The frame holds the last v of every node. */
  const NrtNetwork *net = nrt_session_get_network (session);
  guint nn = nrt_network_get_n_nodes (net);
  g_autofree double *v = g_new (double, nn + 1);
  double ft = -1;
  g_assert_cmpuint (nrt_session_read_frame (session, v, nn, &ft), >, 0);
  g_assert_cmpfloat (ft, ==, got.t[got.n - 1]);
  g_assert_cmpfloat (v[nrt_network_get_node (net, "soma", 0.5)], ==, got.y[got.n - 1]);
  g_assert_cmpuint (nrt_session_read_frame (session, v, nn + 1, &ft), ==, 0);

  g_assert_finalize_object (session);
}

static void
test_continue_and_single_step (void)
{
  g_autoptr (NrtModel) model = load_model ("soma-hh.nml");
  g_autoptr (NrtSession) session = nrt_session_new (model);
  int id = add_trace (session, "soma(0.5).v");

  /* The session starts initialised: Continue til 5 from there. */
  nrt_session_continue_til (session, 5.0);
  wait_idle (session);
  g_assert_cmpfloat (fabs (nrt_session_get_t (session) - 5.0), <, 1e-9);
  {
    g_auto (Trace) got = read_trace (session, id);
    g_assert_cmpuint (got.n, ==, 201);
    assert_consistent_prefix (&got, 0.025);
  }
  nrt_session_continue_for (session, 2.0);
  wait_idle (session);
  g_assert_cmpfloat (fabs (nrt_session_get_t (session) - 7.0), <, 1e-9);
  {
    g_auto (Trace) got = read_trace (session, id);
    g_auto (Trace) want = direct_run (model, "soma(0.5).v", 7.0);
    assert_traces_equal (&got, &want);
  }

  /* Single Step: one plot interval, one sample. */
  nrt_session_init (session);
  nrt_session_single_step (session);
  wait_idle (session);
  g_assert_cmpfloat (nrt_session_get_t (session), ==, 0.025);
  g_assert_cmpuint (nrt_trace_store_get_length (nrt_session_get_trace_store (session), id), ==, 2);

  /* 10 points/ms: a plot interval is 4 steps, and continue_til stops on its boundary. */
  set_settings (model, 0, 0, 10);
  nrt_session_init (session);
  nrt_session_single_step (session);
  wait_idle (session);
  g_assert_cmpfloat (fabs (nrt_session_get_t (session) - 0.1), <, 1e-12);
  g_assert_cmpuint (nrt_trace_store_get_length (nrt_session_get_trace_store (session), id), ==, 2);
  nrt_session_continue_til (session, 0.33);
  wait_idle (session);
  g_assert_cmpfloat (fabs (nrt_session_get_t (session) - 0.4), <, 1e-12);
  {
    g_auto (Trace) got = read_trace (session, id);
    g_assert_cmpuint (got.n, ==, 5);
    assert_consistent_prefix (&got, 0.1);
  }
}

static guint64 restart_gen;

/* The new run has begun (one generation up) and recorded at least n samples. */
static gboolean
restarted (NrtSession *session, double n)
{
  NrtTraceStore *store = nrt_session_get_trace_store (session);
  return nrt_trace_store_get_generation (store) == restart_gen
         && (double) nrt_trace_store_get_length (store, 0) >= n;
}

static void
test_stop_and_restart (void)
{
  g_autoptr (NrtModel) model = load_model ("soma-hh.nml");
  set_settings (model, 1e8, 0, 0);
  g_autoptr (NrtSession) session = nrt_session_new (model);
  NrtTraceStore *store = nrt_session_get_trace_store (session);
  int id = add_trace (session, "soma(0.5).v");

  nrt_session_run (session);
  spin_until (t_past, session, 20.0, "t > 20");
  guint64 gen = nrt_trace_store_get_generation (store);

  /* Init & Run while running restarts: one new run, not a nested one. */
  restart_gen = gen + 1;
  nrt_session_run (session);
  spin_until (restarted, session, 1000, "restarted");
  nrt_session_stop (session);
  wait_idle (session);
  g_assert_false (nrt_session_get_running (session));
  g_assert_cmpuint (nrt_trace_store_get_generation (store), ==, gen + 1);

  double t = nrt_session_get_t (session);
  g_assert_cmpfloat (t, <, 1e8);
  g_auto (Trace) got = read_trace (session, id);
  assert_consistent_prefix (&got, 0.025);
  g_assert_cmpfloat (got.t[got.n - 1], ==, t);
  g_assert_cmpuint (got.n, ==, (guint64) llround (t / 0.025) + 1);
  g_test_message ("stopped at t = %g ms after %g s", t, nrt_session_get_realtime (session));

  /* The stopped run continues where it stopped. */
  nrt_session_continue_for (session, 1.0);
  wait_idle (session);
  g_assert_cmpfloat (fabs (nrt_session_get_t (session) - (t + 1.0)), <, 1e-6);
  g_assert_cmpuint (nrt_trace_store_get_length (store, id), ==, got.n + 40);
}

/* IClamp amp changed at t = 1.5 ms (paused there), during the pulse: the trace bends from
 * the next step on, exactly as a plain run whose amp is changed between the same steps. */
static void
test_parameter_edit_bends (void)
{
  g_autoptr (NrtModel) model = load_model ("soma-hh.nml");
  set_pp (model, "del", 1.0);
  set_pp (model, "dur", 2.0);
  set_pp (model, "amp", 0.05);
  g_autoptr (NrtSession) session = nrt_session_new (model);
  NrtTraceStore *store = nrt_session_get_trace_store (session);
  int id = add_trace (session, "soma(0.5).v");
  g_auto (Trace) unedited = direct_run (model, "soma(0.5).v", 10.0);

  nrt_session_init (session);
  nrt_session_continue_til (session, 1.5);
  wait_idle (session);
  guint64 gen = nrt_trace_store_get_generation (store);
  set_pp (model, "amp", 0.5);
  nrt_session_continue_til (session, 10.0);
  wait_idle (session);
  g_assert_cmpuint (nrt_trace_store_get_generation (store), ==, gen);  /* no re-init */

  /* The reference: the plain API, the network's amp changed after step 60. */
  g_autoptr (GError) error = NULL;
  set_pp (model, "amp", 0.05);
  g_autoptr (NrtNetwork) net = nrt_network_compile (model, &error);
  g_assert_no_error (error);
  g_autoptr (NrtSim) sim = nrt_sim_new (net);
  nrt_sim_add_record (sim, "soma(0.5).v", NULL);
  int amp = nrt_param_lookup (nrt_point_process_info (NRT_PP_ICLAMP), "amp");
  nrt_sim_init (sim);
  g_auto (Trace) got = read_trace (session, id);
  g_assert_cmpuint (got.n, ==, 401);
  for (guint i = 0; i < got.n; i++)
    {
      if (i == 60)
        net->pp_param[0][amp] = 0.5;
      g_assert_cmpfloat (got.t[i], ==, nrt_sim_get_t (sim));
      g_assert_cmpfloat (got.y[i], ==, nrt_sim_record_value (sim, 0));
      if (i + 1 < got.n)
        g_assert_true (nrt_sim_step (sim, NULL));
    }
  /* Before the edit it is the unedited run; after it, it bends. */
  g_assert_cmpfloat (got.y[60], ==, unedited.y[60]);
  g_assert_cmpfloat (got.y[61], >, unedited.y[61]);
}

/* An edit while running: the run goes on without re-initialising. */
static void
test_parameter_edit_while_running (void)
{
  g_autoptr (NrtModel) model = load_model ("soma-hh.nml");
  set_settings (model, 1e8, 0, 0);
  g_autoptr (NrtSession) session = nrt_session_new (model);
  NrtTraceStore *store = nrt_session_get_trace_store (session);
  int id = add_trace (session, "soma(0.5).v");
  nrt_session_run (session);
  spin_until (t_past, session, 5.0, "t > 5");
  guint64 gen = nrt_trace_store_get_generation (store);
  double t_edit = nrt_session_get_t (session);
  /* The status lags the worker: the new pulse is put far enough ahead (1.2 million steps)
   * to be still in the future when the edit lands. */
  double del = t_edit + 30000;
  set_pp (model, "amp", 3.0);
  set_pp (model, "del", del);
  spin_until (t_past, session, del + 10, "run goes on");
  nrt_session_stop (session);
  wait_idle (session);
  g_assert_cmpuint (nrt_trace_store_get_generation (store), ==, gen);
  /* The run went on: the newest 400,000 samples (older ones are folded by now) continue the
   * same time axis, and the new pulse fired a spike. */
  guint64 n = nrt_trace_store_get_length (store, id), first = n - 400000;
  g_autofree double *t = g_new (double, 400000);
  g_autofree double *y = g_new (double, 400000);
  g_assert_cmpuint (nrt_trace_store_read (store, id, first, 400000, t, y), ==, 400000);
  double vmax = -100;
  for (guint i = 0; i < 400000; i++)
    {
      g_assert_cmpfloat (fabs (t[i] - (double) (first + i) * 0.025), <, 1e-3);
      if (t[i] >= del)
        vmax = MAX (vmax, y[i]);
    }
  g_assert_cmpfloat (vmax, >, 0.0);
}

static void
test_structural_edit_reinitialises (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NrtModel) model = load_model ("soma-hh.nml");
  g_autoptr (NrtSession) session = nrt_session_new (model);
  NrtTraceStore *store = nrt_session_get_trace_store (session);
  guint n_changed = 0;
  g_signal_connect (session, "network-changed", G_CALLBACK (count_signal), &n_changed);
  int id = add_trace (session, "soma(0.5).v");
  guint nn = nrt_network_get_n_nodes (nrt_session_get_network (session));

  nrt_session_continue_til (session, 3.0);
  wait_idle (session);
  guint64 gen = nrt_trace_store_get_generation (store);
  g_assert_cmpint (nrt_model_add_section (model, "dend", "soma", 1.0, 200, 2, &error), >=, 0);
  g_assert_no_error (error);
  wait_idle (session);
  g_assert_cmpuint (n_changed, ==, 1);
  g_assert_cmpfloat (nrt_session_get_t (session), ==, 0.0);
  g_assert_cmpuint (nrt_trace_store_get_generation (store), ==, gen + 1);
  g_assert_cmpuint (nrt_trace_store_get_length (store, id), ==, 1);
  guint nn2 = nrt_network_get_n_nodes (nrt_session_get_network (session));
  g_assert_cmpuint (nn2, >, nn);
  g_autofree double *v = g_new (double, nn2);
  double t = -1;
  g_assert_cmpuint (nrt_session_read_frame (session, v, nn2, &t), >, 0);
  g_assert_cmpfloat (t, ==, 0.0);
  g_assert_cmpfloat (v[nn2 - 1], ==, -65.0);

  /* While running: the run stops with the new network initialised. */
  set_settings (model, 1e8, 0, 0);
  nrt_session_run (session);
  spin_until (t_past, session, 2.0, "t > 2");
  g_assert_true (nrt_model_set_section_nseg (model, "dend", 5, &error));
  wait_idle (session);
  g_assert_false (nrt_session_get_running (session));
  g_assert_cmpfloat (nrt_session_get_t (session), ==, 0.0);
  g_assert_cmpuint (nrt_trace_store_get_length (store, id), ==, 1);

  /* A trace whose section disappears stops recording; the others go on. */
  int idd = add_trace (session, "dend(0.5).v");
  g_assert_true (nrt_model_remove_section (model, "dend", &error));
  g_assert_no_error (error);
  nrt_session_continue_til (session, 1.0);
  wait_idle (session);
  g_assert_cmpuint (nrt_trace_store_get_length (store, id), ==, 41);
  g_assert_cmpuint (nrt_trace_store_get_length (store, idd), ==, 0);
  g_assert_cmpint (nrt_session_add_trace (session, "dend(0.5).v", &error), ==, -1);
  g_assert_error (error, NRT_SIM_ERROR, NRT_SIM_ERROR_BAD_RECORD);
}

/* dt halved at t = 1.5 ms: 2 steps per plot interval from then on, as a plain run with
 * nrt_sim_set_dt at the same step. */
static void
test_dt_change (void)
{
  g_autoptr (NrtModel) model = load_model ("soma-hh.nml");
  g_autoptr (NrtSession) session = nrt_session_new (model);
  int id = add_trace (session, "soma(0.5).v");
  g_auto (Trace) before = direct_run (model, "soma(0.5).v", 1.5);

  nrt_session_continue_til (session, 1.5);
  wait_idle (session);
  set_settings (model, 0, 0.0125, 0);
  nrt_session_continue_til (session, 10.0);
  wait_idle (session);

  g_autoptr (GError) error = NULL;
  g_autoptr (NrtNetwork) net = nrt_network_compile (model, &error);  /* dt 0.0125 */
  g_autoptr (NrtSim) sim = nrt_sim_new (net);
  nrt_sim_add_record (sim, "soma(0.5).v", NULL);
  nrt_sim_set_dt (sim, 0.025);
  nrt_sim_init (sim);
  g_auto (Trace) got = read_trace (session, id);
  g_assert_cmpuint (got.n, ==, 401);
  for (guint i = 0; i < got.n; i++)
    {
      if (i == 60)
        nrt_sim_set_dt (sim, 0.0125);
      g_assert_cmpfloat (got.t[i], ==, nrt_sim_get_t (sim));
      g_assert_cmpfloat (got.y[i], ==, nrt_sim_record_value (sim, 0));
      if (i < 60)
        g_assert_cmpfloat (got.y[i], ==, before.y[i]);
      for (guint k = 0; k < (i < 60 ? 1u : 2u) && i + 1 < got.n; k++)
        g_assert_true (nrt_sim_step (sim, NULL));
    }
}

static void
test_pace (void)
{
  /* setdt()'s n */
  g_assert_cmpuint (nrt_session_plot_interval_steps (0.025, 40), ==, 1);
  g_assert_cmpuint (nrt_session_plot_interval_steps (0.0125, 40), ==, 2);
  g_assert_cmpuint (nrt_session_plot_interval_steps (0.025 / 3, 40), ==, 3);
  g_assert_cmpuint (nrt_session_plot_interval_steps (0.01, 40), ==, 2);
  g_assert_cmpuint (nrt_session_plot_interval_steps (0.1, 40), ==, 1);
  g_assert_cmpuint (nrt_session_plot_interval_steps (0.025, 1), ==, 40);

  /* The pacing rule, with no clock: 10 model ms per second = 100 ms of wall per model ms. */
  g_assert_cmpint (nrt_session_pace_delay (0, 0, 0, 5, 0), ==, 0);
  g_assert_cmpint (nrt_session_pace_delay (10, 0, 1000, 1.0, 1000), ==, 100000);
  g_assert_cmpint (nrt_session_pace_delay (10, 0, 1000, 1.0, 51000), ==, 50000);
  g_assert_cmpint (nrt_session_pace_delay (10, 0, 1000, 1.0, 101000), ==, 0);
  g_assert_cmpint (nrt_session_pace_delay (10, 0, 1000, 1.0, 101000 + 90000), ==, 0);
  g_assert_cmpint (nrt_session_pace_delay (10, 0, 1000, 1.0, 101000 + 100001), <, 0);
  g_assert_cmpint (nrt_session_pace_delay (1000, 2.0, 0, 2.025, 0), ==, 25);

  /* A paced run cannot be faster than the pace (a lower bound only: load makes it slower). */
  g_autoptr (NrtModel) model = load_model ("soma-hh.nml");
  set_settings (model, 5.0, 0, 0);
  g_autoptr (NrtSession) session = nrt_session_new (model);
  nrt_session_set_pace (session, 100.0);
  gint64 t0 = g_get_monotonic_time ();
  nrt_session_run (session);
  wait_idle (session);
  double wall = (double) (g_get_monotonic_time () - t0) / G_USEC_PER_SEC;
  g_test_message ("5 ms at 100 ms/s: %.3f s (realtime %.3f s)", wall,
                  nrt_session_get_realtime (session));
  g_assert_cmpfloat (wall, >=, 0.049);
  g_assert_cmpfloat (nrt_session_get_realtime (session), >=, 0.049);
  g_assert_cmpfloat (nrt_session_get_realtime_factor (session), <, 1.0);

  /* Stop cuts a slow paced run short at once. */
  set_settings (model, 1000.0, 0, 0);
  nrt_session_set_pace (session, 1.0);
  nrt_session_run (session);
  spin_until (t_past, session, 0.0, "paced run started");
  nrt_session_stop (session);
  wait_idle (session);
  g_assert_cmpfloat (nrt_session_get_t (session), <, 1.0);
}

static void
on_error (NrtSession *session, const char *msg, char **out)
{
  (void) session;
  g_free (*out);
  *out = g_strdup (msg);
}

static void
test_error_on_blow_up (void)
{
  g_autoptr (NrtModel) model = load_model ("soma-hh.nml");
  set_pp (model, "del", 0.0);
  set_pp (model, "dur", 1e8);
  set_pp (model, "amp", -1e9);
  /* hh.mod's rates without the table: alpha_h = 0.07 exp(-(v + 65)/20) overflows, and
   * h_inf = alpha/(alpha + beta) becomes inf/inf. */
  NrtRunSettings s = nrt_model_get_data (model)->settings;
  s.hh_use_table = FALSE;
  g_assert_true (nrt_model_set_settings (model, &s, NULL));
  g_autoptr (NrtSession) session = nrt_session_new (model);
  g_autofree char *msg = NULL;
  g_signal_connect (session, "error", G_CALLBACK (on_error), &msg);
  nrt_session_run (session);
  wait_idle (session);
  g_assert_nonnull (msg);
  g_test_message ("error: %s", msg);
  g_assert_false (nrt_session_get_running (session));
  g_assert_cmpfloat (nrt_session_get_t (session), <, 10.0);
}

static void
test_list_recordables (void)
{
  g_autoptr (NrtModel) model = load_model ("stylized-cell.nml");
  g_autoptr (NrtSession) session = nrt_session_new (model);
  g_auto (GStrv) names = nrt_session_list_recordables (session);
  guint n = g_strv_length (names);
  g_test_message ("%u recordables in the stylized cell", n);
  g_assert_true (g_strv_contains ((const char *const *) names, "soma(0.5).v"));
  g_assert_true (g_strv_contains ((const char *const *) names, "soma(0).v"));
  g_assert_true (g_strv_contains ((const char *const *) names, "soma(0.5).m_hh"));
  g_assert_true (g_strv_contains ((const char *const *) names, "soma(0.5).i_membrane"));
  g_assert_true (g_strv_contains ((const char *const *) names, "IClamp[0].i"));
  g_assert_false (g_strv_contains ((const char *const *) names, "IClamp[0].g"));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GError) error = NULL;
      int id = nrt_session_add_trace (session, names[i], &error);
      g_assert_no_error (error);
      g_assert_cmpint (id, >=, 0);
    }

  g_autoptr (NrtModel) soma = load_model ("soma-hh.nml");
  g_autoptr (NrtSession) s2 = nrt_session_new (soma);
  g_auto (GStrv) n2 = nrt_session_list_recordables (s2);
  const char *want[] = { "soma(0).v", "soma(0.5).v", "soma(0.5).m_hh", "soma(0.5).h_hh",
                         "soma(0.5).n_hh", "soma(0.5).ina", "soma(0.5).ik", "soma(0.5).il_hh",
                         "soma(0.5).gna_hh", "soma(0.5).gk_hh", "soma(0.5).i_cap",
                         "soma(0.5).i_membrane", "soma(1).v", "IClamp[0].i", NULL };
  g_assert_cmpstrv (n2, want);
}

/* ChannelBuilder channels in a session: a density kinetic scheme and a point channel are
 * listed with their states; an edit that renames a scheme state or changes a point channel's
 * gmax mid-run carries the run on (states by name) instead of re-initialising. */
static NrtChannel *
two_state_channel (const char *name, NrtChannelKind kind, const char *open)
{
  NrtChannel *ch = nrt_channel_new (name);
  NrtKsScheme *ks;

  ch->kind = kind;
  ch->ion = kind == NRT_CHANNEL_DENSITY ? NRT_ION_K : NRT_ION_NONSPECIFIC;
  ch->gmax = kind == NRT_CHANNEL_DENSITY ? 0.005 : 0.001;
  ch->erev = -70;
  ks = nrt_channel_add_scheme (ch, 1);
  nrt_ks_scheme_add_state (ks, "C", 0, 0, 0);
  nrt_ks_scheme_add_state (ks, open, 1, 10, 0);
  nrt_ks_scheme_add_transition (ks, 0, 1, NRT_GATE_ALPHA_BETA,
                                &(NrtRate) { NRT_RATE_EXP, 0.2, 0.05, -40 },
                                &(NrtRate) { NRT_RATE_SIGMOID, 0.4, 0.1, -50 },
                                NRT_ION_NONSPECIFIC, 1);
  return ch;
}

static void
test_channels_carried (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NrtModel) model = load_model ("soma-hh.nml");
  g_autoptr (NrtChannel) kx = two_state_channel ("kx", NRT_CHANNEL_DENSITY, "O");
  g_autoptr (NrtChannel) pc = two_state_channel ("pc", NRT_CHANNEL_POINT, "O");
  g_assert_true (nrt_model_add_channel (model, kx, &error));
  g_assert_true (nrt_model_add_channel (model, pc, &error));
  g_assert_true (nrt_model_insert_mechanism (model, "soma", "kx", &error));
  g_assert_cmpint (nrt_model_add_point_process (model, "pc", "soma", 0.5, &error), ==, 1);
  g_assert_no_error (error);
  g_autoptr (NrtSession) session = nrt_session_new (model);
  NrtTraceStore *store = nrt_session_get_trace_store (session);

  g_auto (GStrv) names = nrt_session_list_recordables (session);
  const char *want[] = { "soma(0.5).C_kx", "soma(0.5).O_kx", "soma(0.5).g_kx",
                         "soma(0.5).i_kx", "pc[0].i", "pc[0].g", "pc[0].C", "pc[0].O" };
  for (guint j = 0; j < G_N_ELEMENTS (want); j++)
    g_assert_true (g_strv_contains ((const char *const *) names, want[j]));
  g_assert_false (g_strv_contains ((const char *const *) names, "soma(0.5).ica"));

  int iv = add_trace (session, "soma(0.5).v");
  int io = add_trace (session, "soma(0.5).O_kx");
  int ipc = add_trace (session, "pc[0].O");
  nrt_session_continue_til (session, 3.0);
  wait_idle (session);
  guint64 gen = nrt_trace_store_get_generation (store);

  /* The point channel's gmax, then kx's O renamed Op: both carried on. */
  g_assert_true (nrt_model_set_point_process_param (model, 1, "gmax", 0.002, &error));
  g_autoptr (NrtChannel) kx2 = two_state_channel ("kx", NRT_CHANNEL_DENSITY, "Op");
  g_assert_true (nrt_model_replace_channel (model, "kx", kx2, &error));
  g_assert_no_error (error);
  wait_idle (session);
  g_assert_cmpfloat (fabs (nrt_session_get_t (session) - 3.0), <, 1e-9);
  int iop = add_trace (session, "soma(0.5).Op_kx");
  nrt_session_continue_til (session, 5.0);
  wait_idle (session);
  g_assert_cmpuint (nrt_trace_store_get_generation (store), ==, gen);
  g_assert_cmpuint (nrt_trace_store_get_length (store, iv), ==, 201);
  g_assert_cmpuint (nrt_trace_store_get_length (store, ipc), ==, 201);
  /* the renamed state's old name stops recording; the new one records after t = 3 */
  g_assert_cmpuint (nrt_trace_store_get_length (store, io), ==, 121);
  g_assert_cmpuint (nrt_trace_store_get_length (store, iop), ==, 80);
  g_auto (Trace) op = read_trace (session, iop);
  for (guint64 i = 0; i < op.n; i++)
    g_assert_true (op.y[i] > 0 && op.y[i] < 1);
}

static void
test_dispose_while_running (void)
{
  g_autoptr (NrtModel) model = load_model ("soma-hh.nml");
  set_settings (model, 1e9, 0, 0);
  NrtSession *session = nrt_session_new (model);
  add_trace (session, "soma(0.5).v");
  nrt_session_run (session);
  spin_until (t_past, session, 1.0, "running");
  g_assert_finalize_object (session);
  /* status deliveries still queued for the dead session are harmless */
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* Frames of a chosen range variable: m_hh of every segment equals the direct run's record,
 * NaN at zero-area nodes and where hh is not inserted; back to v on request. */
static void
test_frame_variable (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NrtModel) model = load_model ("stylized-cell.nml");
  NrtSession *session = nrt_session_new (model);

  g_assert_false (nrt_session_set_frame_variable (session, "no_such_var", &error));
  g_assert_error (error, NRT_SIM_ERROR, NRT_SIM_ERROR_BAD_RECORD);
  g_clear_error (&error);
  g_assert_true (nrt_session_set_frame_variable (session, "m_hh", &error));
  g_assert_no_error (error);
  nrt_session_continue_til (session, 3.0);
  wait_idle (session);

  const NrtNetwork *net = nrt_session_get_network (session);
  guint nn = nrt_network_get_n_nodes (net);
  g_autofree double *f = g_new (double, nn);
  double ft = -1;
  g_assert_cmpuint (nrt_session_read_frame (session, f, nn, &ft), >, 0);
  g_assert_cmpfloat (fabs (ft - 3.0), <, 1e-9);

  /* The same run directly, every node checked against a record of sec(x).m_hh. */
  g_autoptr (NrtNetwork) net2 = nrt_network_compile (model, &error);
  g_autoptr (NrtSim) sim = nrt_sim_new (net2);
  nrt_sim_init (sim);
  g_assert_true (nrt_sim_run_until (sim, 3.0, &error));
  guint n_nan = 0, n_val = 0;
  for (guint node = 0; node < nn; node++)
    {
      guint sec;
      double x;
      g_assert_true (nrt_network_node_location (net2, node, &sec, &x));
      const NrtSection *s = nrt_model_get_section (model, sec);
      if (x == 0.0 || x == 1.0 || !s->mech[NRT_MECH_HH].inserted)
        {
          g_assert_true (isnan (f[node]));
          n_nan++;
          continue;
        }
      g_autofree char *expr = g_strdup_printf ("%s(%.17g).m_hh", s->name, x);
      int r = nrt_sim_add_record (sim, expr, &error);
      g_assert_no_error (error);
      g_assert_cmpfloat (f[node], ==, nrt_sim_record_value (sim, (guint) r));
      n_val++;
    }
  g_assert_cmpuint (n_val, >, 0);
  g_assert_cmpuint (n_nan, >, 0);

  /* i_membrane at a segment equals the record; v is back on request. */
  g_assert_true (nrt_session_set_frame_variable (session, "i_membrane", &error));
  nrt_session_single_step (session);
  wait_idle (session);
  g_assert_true (nrt_sim_step (sim, &error));
  g_assert_cmpuint (nrt_session_read_frame (session, f, nn, &ft), >, 0);
  int r = nrt_sim_add_record (sim, "soma(0.5).i_membrane", &error);
  g_assert_no_error (error);
  double want = nrt_sim_record_value (sim, (guint) r);
  g_assert_cmpfloat (fabs (f[nrt_network_get_node (net2, "soma", 0.5)] - want), <=,
                     1e-12 * (1 + fabs (want)));
  g_assert_true (nrt_session_set_frame_variable (session, "v", &error));
  nrt_session_single_step (session);
  wait_idle (session);
  g_assert_true (nrt_sim_step (sim, &error));
  g_assert_cmpuint (nrt_session_read_frame (session, f, nn, &ft), >, 0);
  g_assert_cmpmem (f, nn * sizeof (double), nrt_sim_get_v (sim), nn * sizeof (double));

  g_assert_finalize_object (session);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/session/run-matches-sim-and-neuron", test_run_matches_sim_and_neuron);
  g_test_add_func ("/core/session/continue-and-single-step", test_continue_and_single_step);
  g_test_add_func ("/core/session/stop-and-restart", test_stop_and_restart);
  g_test_add_func ("/core/session/parameter-edit-bends", test_parameter_edit_bends);
  g_test_add_func ("/core/session/parameter-edit-while-running",
                   test_parameter_edit_while_running);
  g_test_add_func ("/core/session/structural-edit-reinitialises",
                   test_structural_edit_reinitialises);
  g_test_add_func ("/core/session/dt-change", test_dt_change);
  g_test_add_func ("/core/session/pace", test_pace);
  g_test_add_func ("/core/session/error-on-blow-up", test_error_on_blow_up);
  g_test_add_func ("/core/session/list-recordables", test_list_recordables);
  g_test_add_func ("/core/session/channels-carried", test_channels_carried);
  g_test_add_func ("/core/session/frame-variable", test_frame_variable);
  g_test_add_func ("/core/session/dispose-while-running", test_dispose_while_running);
  return g_test_run ();
}
