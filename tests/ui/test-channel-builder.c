/* test-channel-builder.c: the ChannelBuilder under Xvfb: the lab's Part 4 built through the
 * window's own functions and run from the main window; live rate plots; a kinetic scheme
 * drawn on the canvas; refusals, undo, and the window following the model; screenshots.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include <adwaita.h>

#include "nrt-channel-builder.h"
#include "nrt-cell-builder-private.h"
#include "nrt-sim.h"
#include "nrt-ui-test.h"
#include "nrt-window-private.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NrtModelData, nrt_model_data_free)

/* ---- helpers ----------------------------------------------------------------------- */

/* The newest ChannelBuilder among main's tools (every Density… opens one more). */
static NrtChannelBuilder *
newest_builder (NrtWindow *main)
{
  GList *tools = nrt_window_list_tools (main);
  NrtChannelBuilder *found = NULL;

  for (GList *l = tools; l != NULL; l = l->next)
    if (NRT_IS_CHANNEL_BUILDER (l->data))
      found = l->data;
  g_list_free (tools);
  g_assert_nonnull (found);
  return found;
}

static guint
n_builders (NrtWindow *main)
{
  GList *tools = nrt_window_list_tools (main);
  guint n = 0;

  for (GList *l = tools; l != NULL; l = l->next)
    n += NRT_IS_CHANNEL_BUILDER (l->data);
  g_list_free (tools);
  return n;
}

/* Build → Channel Builder → Density (or Point), as the menu does. */
static NrtChannelBuilder *
open_builder (NrtWindow *main, const char *kind)
{
  guint before = n_builders (main);

  gtk_widget_activate_action (GTK_WIDGET (main), "win.channel-builder", "s", kind);
  g_assert_cmpuint (n_builders (main), ==, before + 1);
  return newest_builder (main);
}

/* Types text into a field and presses Enter; the field must accept it. */
static void
type_field (NrtChannelBuilder *cb, const char *field, const char *text)
{
  NrtNumberEntry *entry = nrt_channel_builder_get_field (cb, field);

  g_assert_nonnull (entry);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (entry)));
  g_assert_true (nrt_number_entry_commit_text (entry, text));
  g_assert_null (nrt_number_entry_get_error (entry));
}

static void
type_number (NrtChannelBuilder *cb, const char *field, double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  /* %.17g: the value typed is the value meant, to the last bit. */
  type_field (cb, field, g_ascii_formatd (buf, sizeof buf, "%.17g", value));
}

/* Sets a rate of the selected gate or transition as a user does: the form menu, then A, k,
 * d typed in. */
static void
set_rate (NrtChannelBuilder *cb, guint slot, NrtRateForm form, double A, double k, double d)
{
  g_autoptr(GError) e = NULL;
  char name[8];

  g_assert_true (nrt_channel_builder_set_rate_form (cb, slot, form, &e));
  g_assert_no_error (e);
  g_snprintf (name, sizeof name, "rate%u.A", slot);
  type_number (cb, name, A);
  if (form == NRT_RATE_CONSTANT)
    return;
  name[6] = 'k';
  type_number (cb, name, k);
  name[6] = 'd';
  type_number (cb, name, d);
}

static void
spin (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
wait_for_t (NrtSession *session, double t)
{
  gint64 deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;

  /* Not busy: the command was taken and finished, so an earlier run's t cannot fool us. */
  while (nrt_session_get_busy (session) || nrt_session_get_running (session)
         || nrt_session_get_t (session) < t - 1e-9)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (200);
      if (g_get_monotonic_time () > deadline)
        g_error ("run timed out");
    }
}

static void
screenshot (GtkWindow *window, const char *name)
{
  nrt_ui_test_show_and_wait (window);
  nrt_ui_test_save_screenshot (GTK_WIDGET (window), name);
}

/* ---- the lab's Part 4 ---------------------------------------------------------------- */

static void
build_my_na (NrtChannelBuilder *cb)
{
  g_autoptr(GError) e = NULL;

  g_assert_cmpstr (nrt_channel_builder_get_channel_name (cb), ==, "leak");
  g_assert_true (nrt_channel_builder_set_name (cb, "myNa", &e));
  g_assert_true (nrt_channel_builder_set_ion (cb, NRT_ION_NA, &e));
  g_assert_no_error (e);
  type_field (cb, "gmax", "0.12");

  /* m^3 with the hh rates: am linoid, bm exp */
  g_assert_true (nrt_channel_builder_add_gate (cb, &e));
  g_assert_no_error (e);
  g_assert_cmpint (nrt_channel_builder_get_selected_row (cb), ==, 0);
  type_field (cb, "power", "3");
  set_rate (cb, 0, NRT_RATE_LINOID, 1, 0.1, -40);
  set_rate (cb, 1, NRT_RATE_EXP, 4, -1.0 / 18, -65);
  /* h: ah exp, bh sigmoid */
  g_assert_true (nrt_channel_builder_add_gate (cb, &e));
  g_assert_cmpint (nrt_channel_builder_get_selected_row (cb), ==, 1);
  set_rate (cb, 0, NRT_RATE_EXP, 0.07, -0.05, -65);
  set_rate (cb, 1, NRT_RATE_SIGMOID, 1, -0.1, -35);

  g_assert_cmpstr (nrt_channel_builder_get_row_text (cb, 0), ==, "m' = am*(1 - m) - bm*m");
  g_assert_cmpstr (nrt_channel_builder_get_row_text (cb, 1), ==, "h' = ah*(1 - h) - bh*h");
  g_assert_cmpstr (nrt_channel_builder_get_rate_formula (cb, 1), ==, "bh = A/(1 + exp(k*(v - d)))");
}

static void
lab_part4 (void)
{
  NrtWindow *main = nrt_window_new (NULL);
  NrtModel *model = nrt_window_get_model (main);
  NrtSession *session;
  NrtChannelBuilder *na, *k, *leak;
  NrtCellBuilder *cell;
  g_autoptr(GError) e = NULL;
  g_autoptr(NrtChannel) expect = nrt_channel_new_hh_na ();
  const char *names[] = { "myNa", "khh", "leak" };
  const double gmax[] = { 0.12, 0.036, 0.0003 };
  g_autofree char *csv = g_build_filename (NRT_SOURCE_ROOT, "tests", "reference",
                                           "kschan_soma_hh.csv", NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  int trace;

  gtk_window_present (GTK_WINDOW (main));

  /* 1. Build → Channel Builder → Density: myNa, typed in. */
  na = open_builder (main, "density");
  g_assert_cmpint (nrt_model_find_channel (model, "leak"), ==, 0);
  build_my_na (na);
  /* It is the HH sodium preset, to the last bit, under its own name. */
  g_free (expect->name);
  expect->name = g_strdup ("myNa");
  expect->gmax = 0.12;
  g_assert_true (nrt_channel_equal (nrt_channel_builder_get_channel (na), expect));
  screenshot (GTK_WINDOW (na), "channel-builder-part4.png");

  /* khh from the preset, and the leak, each in its own window. */
  k = open_builder (main, "density");
  g_assert_true (nrt_channel_builder_apply_preset (k, "k", &e));
  g_assert_no_error (e);
  g_assert_cmpstr (nrt_channel_builder_get_channel_name (k), ==, "khh");
  type_field (k, "gmax", "0.036");
  leak = open_builder (main, "density");
  g_assert_cmpstr (nrt_channel_builder_get_channel_name (leak), ==, "leak");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (nrt_channel_builder_get_plot (leak, 1))));
  type_field (leak, "gmax", "0.0003");
  type_field (leak, "e", "-54.3");
  g_assert_cmpuint (nrt_model_get_data (model)->channels->len, ==, 3);

  /* 2. Insert them in soma through the CellBuilder's Biophysics page. */
  gtk_widget_activate_action (GTK_WIDGET (main), "win.cell-builder", NULL);
  cell = NRT_CELL_BUILDER (_nrt_window_find_tool (main, NRT_TYPE_CELL_BUILDER));
  g_assert_nonnull (cell);
  g_assert_true (nrt_cell_builder_set_geometry_kinds (cell, "soma", NRT_GEO_L | NRT_GEO_DIAM | NRT_GEO_NSEG, &e));
  g_assert_true (nrt_cell_builder_set_geometry_value (cell, "soma", NRT_GEO_L, 0, 10, &e));
  g_assert_true (nrt_cell_builder_set_geometry_value (cell, "soma", NRT_GEO_DIAM, 0, 10, &e));
  g_assert_no_error (e);
  for (int c = 0; c < 3; c++)
    {
      int idx = nrt_model_find_channel (model, names[c]);
      g_assert_cmpint (idx, >=, 0);
      g_assert_true (nrt_cell_builder_set_biophysics_strategy (cell, "soma", NRT_CB_BIO_CHANNEL + idx, TRUE, &e));
      g_assert_true (nrt_cell_builder_set_biophysics_value (cell, "soma", NRT_CB_BIO_CHANNEL + idx, NRT_CB_CHANNEL_GMAX, gmax[c], &e));
      g_assert_no_error (e);
    }
  g_assert_true (nrt_cell_builder_set_biophysics_value (cell, "soma", NRT_CB_BIO_CHANNEL + 2, NRT_CB_CHANNEL_E, -54.3, &e));
  g_assert_no_error (e);
  g_assert_cmpuint (nrt_model_get_section (model, 0)->channels->len, ==, 3);

  /* kschan_soma_hh: IClamp 1 nA for 0.1 ms at 2 ms; 10 ms at dt 0.025, 6.3 °C. */
  {
    int pp = nrt_model_add_point_process (model, "IClamp", "soma", 0.5, &e);
    NrtRunSettings rs = nrt_model_get_data (model)->settings;
    g_assert_cmpint (pp, >=, 0);
    g_assert_true (nrt_model_set_point_process_param (model, pp, "del", 2, &e));
    g_assert_true (nrt_model_set_point_process_param (model, pp, "dur", 0.1, &e));
    g_assert_true (nrt_model_set_point_process_param (model, pp, "amp", 1, &e));
    rs.tstop = 10, rs.dt = 0.025, rs.v_init = -65, rs.celsius = 6.3, rs.points_per_ms = 40;
    rs.method = NRT_METHOD_IMPLICIT;
    g_assert_true (nrt_model_set_settings (model, &rs, &e));
    g_assert_no_error (e);
  }
  g_assert_cmpfloat (nrt_model_get_section (model, 0)->L, ==, 10);
  g_assert_cmpint (nrt_model_get_section (model, 0)->nseg, ==, 1);

  /* 3. Init & Run from the main window. */
  spin ();
  session = nrt_window_get_session (main);
  trace = nrt_session_add_trace (session, "soma(0.5).v", &e);
  g_assert_no_error (e);
  gtk_widget_activate_action (GTK_WIDGET (main), "win.init-run", NULL);
  wait_for_t (session, 10);
  {
    NrtTraceStore *store = nrt_session_get_trace_store (session);
    guint64 n = nrt_trace_store_get_length (store, trace);
    g_autofree double *t = g_new (double, n);
    g_autofree double *v = g_new (double, n);
    g_autoptr(NrtNetwork) net = NULL;
    g_autoptr(NrtSim) sim = NULL;
    double vmax = -INFINITY, dv_ref = 0, dv_sim = 0;
    guint rows = 0;

    g_assert_cmpuint (n, ==, 401);
    g_assert_cmpuint (nrt_trace_store_read (store, trace, 0, n, t, v), ==, n);
    for (guint i = 0; i < n; i++)
      vmax = MAX (vmax, v[i]);
    g_test_message ("Part 4 soma: peak v = %.3f mV", vmax);
    g_assert_cmpfloat (vmax, >, 0);  /* a spike */

    /* The same model stepped directly, as neurite-cli does. */
    net = nrt_network_compile (model, &e);
    g_assert_no_error (e);
    sim = nrt_sim_new (net);
    g_assert_cmpint (nrt_sim_add_record (sim, "soma(0.5).v", &e), ==, 0);
    nrt_sim_init (sim);
    for (guint i = 0; i < n; i++)
      {
        if (i > 0)
          g_assert_true (nrt_sim_step (sim, &e));
        g_assert_cmpfloat (fabs (nrt_sim_get_t (sim) - t[i]), <, 1e-9);
        dv_sim = MAX (dv_sim, fabs (nrt_sim_record_value (sim, 0) - v[i]));
      }
    g_test_message ("Part 4 run vs direct nrt_sim: max |Δv| = %.3g mV", dv_sim);
    g_assert_cmpfloat (dv_sim, <=, 1e-9);

    /* NEURON's KSChan presets on the same soma (tests/reference/generate.py case_kschan). */
    g_assert_true (g_file_get_contents (csv, &text, NULL, &e));
    lines = g_strsplit (text, "\n", -1);
    for (guint r = 1; lines[r] != NULL && lines[r][0] != '\0'; r++, rows++)
      {
        char *end;
        double tr = g_ascii_strtod (lines[r], &end);
        double vr = g_ascii_strtod (end + 1, NULL);
        g_assert_cmpuint (rows, <, n);
        g_assert_cmpfloat (fabs (tr - t[rows]), <, 1e-9);
        dv_ref = MAX (dv_ref, fabs (vr - v[rows]));
      }
    g_assert_cmpuint (rows, ==, n);
    g_test_message ("Part 4 (myNa + khh + leak, built in the ChannelBuilder) vs NEURON KSChan "
                    "(kschan_soma_hh.csv): max |Δv| = %.3g mV", dv_ref);
    g_assert_cmpfloat (dv_ref, <=, 1e-6);
  }

  /* NEURON's Run box: with it on, an accepted edit runs the model again. */
  {
    NrtTraceStore *store = nrt_session_get_trace_store (session);
    guint64 generation = nrt_trace_store_get_generation (store);
    nrt_channel_builder_set_run_on_change (na, TRUE);
    g_assert_true (nrt_channel_builder_get_run_on_change (na));
    type_field (na, "q10", "3");
    {
      gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
      while (nrt_trace_store_get_generation (store) == generation)
        {
          g_main_context_iteration (NULL, FALSE);
          g_usleep (200);
          g_assert_cmpint (g_get_monotonic_time (), <, deadline);
        }
    }
    wait_for_t (session, 10);
    /* a refused edit does not run */
    generation = nrt_trace_store_get_generation (store);
    g_assert_false (nrt_channel_builder_set_name (na, "1x", NULL));
    spin ();
    g_assert_cmpuint (nrt_trace_store_get_generation (store), ==, generation);
  }

  gtk_window_destroy (GTK_WINDOW (main));
}

/* ---- live plots ---------------------------------------------------------------------- */

/* The Table form (KSChan's ftype 7): picked for am it starts from am sampled on 21 points
 * from −100 to 50 mV; values typed into its field redraw the curve at once (at a grid point
 * the curve is the value) and Enter stores them in the channel. */
static void
table_form (void)
{
  NrtWindow *main = nrt_window_new (NULL);
  NrtChannelBuilder *cb;
  g_autoptr(GError) e = NULL;
  GtkEditable *entry;
  g_autoptr(GString) text = g_string_new (NULL);
  const NrtGate *m;
  NrtRate linoid = { NRT_RATE_LINOID, 1, 0.1, -40 };  /* nahh's am */

  gtk_window_present (GTK_WINDOW (main));
  cb = open_builder (main, "density");
  g_assert_true (nrt_channel_builder_apply_preset (cb, "na", &e));
  g_assert_no_error (e);
  nrt_channel_builder_select_row (cb, 0);
  g_assert_true (nrt_channel_builder_set_rate_form (cb, 0, NRT_RATE_TABLE, &e));
  g_assert_no_error (e);
  m = nrt_channel_builder_get_channel (cb)->gates->pdata[0];
  g_assert_cmpint (m->rate[0].form, ==, NRT_RATE_TABLE);
  g_assert_cmpuint (nrt_rate_func_get_n_params (m->rate[0].func), ==, 21);
  /* the curve stays where it was at the grid points */
  g_assert_cmpfloat_with_epsilon (nrt_channel_builder_get_curve_value (cb, "am", -70),
                                  nrt_rate_eval (&linoid, -70), 1e-12);
  entry = nrt_channel_builder_get_expression_entry (cb, 0);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (entry)));
  for (int i = 0; i < 21; i++)
    g_string_append_printf (text, i % 2 ? "%d, " : "%d ", (i * 7) % 5 + i);
  gtk_editable_set_text (entry, text->str);
  for (int i = 0; i < 21; i++)
    g_assert_cmpfloat (nrt_channel_builder_get_curve_value (cb, "am", -100 + 7.5 * i), ==,
                       (i * 7) % 5 + i);
  /* between two grid points: linear (0 at −100, 3 at −92.5 mV) */
  g_assert_cmpfloat_with_epsilon (nrt_channel_builder_get_curve_value (cb, "am", -97), 1.2,
                                  1e-12);
  g_signal_emit_by_name (entry, "activate");
  m = nrt_channel_builder_get_channel (cb)->gates->pdata[0];
  g_assert_cmpint (m->rate[0].form, ==, NRT_RATE_TABLE);
  g_assert_cmpfloat (nrt_rate_eval (&m->rate[0], -25), ==, (10 * 7) % 5 + 10);
  /* a word that is not a number is refused beside the field; the channel keeps its table */
  gtk_editable_set_text (entry, "1, 2, x");
  g_signal_emit_by_name (entry, "activate");
  g_assert_nonnull (nrt_channel_builder_get_rate_expression_error (cb, 0));
  m = nrt_channel_builder_get_channel (cb)->gates->pdata[0];
  g_assert_cmpuint (nrt_rate_func_get_n_params (m->rate[0].func), ==, 21);
  /* Expression starts from the table written out: the curve stays */
  g_assert_true (nrt_channel_builder_set_rate_form (cb, 0, NRT_RATE_EXPRESSION, &e));
  g_assert_no_error (e);
  g_assert_cmpfloat_with_epsilon (nrt_channel_builder_get_curve_value (cb, "am", -25),
                                  (10 * 7) % 5 + 10, 1e-12);
  g_assert_cmpfloat_with_epsilon (nrt_channel_builder_get_curve_value (cb, "am", -97), 1.2,
                                  1e-12);
  gtk_window_destroy (GTK_WINDOW (main));
}

static void
live_plots (void)
{
  NrtWindow *main = nrt_window_new (NULL);
  NrtModel *model = nrt_window_get_model (main);
  NrtChannelBuilder *cb;
  g_autoptr(GError) e = NULL;
  NrtNumberEntry *a;
  const NrtGate *m;
  NrtRate typed = { NRT_RATE_LINOID, 0.2, 0.1, -40 };
  guint before;

  gtk_window_present (GTK_WINDOW (main));
  cb = open_builder (main, "density");
  g_assert_true (nrt_channel_builder_apply_preset (cb, "na", &e));
  g_assert_no_error (e);
  /* NEURON renames to the preset's name. */
  g_assert_cmpstr (nrt_channel_builder_get_channel_name (cb), ==, "nahh");
  g_assert_cmpuint (nrt_channel_builder_get_n_rows (cb), ==, 2);
  nrt_channel_builder_select_row (cb, 0);
  g_assert_false (nrt_channel_builder_get_show_inf_tau (cb));
  g_assert_cmpfloat (nrt_channel_builder_get_curve_value (cb, "am", -40), ==, 1.0);

  /* Typing "0.2" into am's A, without Enter: the α curve moves, the model does not. */
  a = nrt_channel_builder_get_field (cb, "rate0.A");
  before = nrt_channel_builder_get_n_replots (cb);
  gtk_editable_set_text (nrt_number_entry_get_editable (a), "0.");
  gtk_editable_set_text (nrt_number_entry_get_editable (a), "0.2");
  g_assert_cmpuint (nrt_channel_builder_get_n_replots (cb), >=, before + 2);
  /* linoid at x = 0 is A·(1 + x/2) = A */
  g_assert_cmpfloat (nrt_channel_builder_get_curve_value (cb, "am", -40), ==,
                     nrt_rate_eval (&typed, -40));
  g_assert_cmpfloat (nrt_channel_builder_get_curve_value (cb, "am", -40), ==, 0.2);
  for (double v = -100; v <= 50; v += 12.5)
    g_assert_cmpfloat (nrt_channel_builder_get_curve_value (cb, "am", v), ==,
                       nrt_rate_eval (&typed, v));
  m = nrt_channel_builder_get_channel (cb)->gates->pdata[0];
  g_assert_cmpfloat (m->rate[0].A, ==, 1.0);
  /* An edit elsewhere (gmax) leaves what is being typed alone. */
  type_field (cb, "gmax", "0.12");
  g_assert_cmpstr (gtk_editable_get_text (nrt_number_entry_get_editable (a)), ==, "0.2");
  g_assert_cmpfloat (nrt_channel_builder_get_curve_value (cb, "am", -40), ==, 0.2);
  g_assert_true (nrt_model_undo (model, &e));
  /* Half-typed text leaves the curve on the last good value; Enter commits. */
  gtk_editable_set_text (nrt_number_entry_get_editable (a), "0.2e");
  g_assert_cmpfloat (nrt_channel_builder_get_curve_value (cb, "am", -40), ==, 1.0);
  g_assert_true (nrt_number_entry_commit_text (a, "0.2"));
  m = nrt_channel_builder_get_channel (cb)->gates->pdata[0];
  g_assert_cmpfloat (m->rate[0].A, ==, 0.2);
  /* One undo step, and the window shows the model again. */
  g_assert_true (nrt_model_undo (model, &e));
  m = nrt_channel_builder_get_channel (cb)->gates->pdata[0];
  g_assert_cmpfloat (m->rate[0].A, ==, 1.0);
  g_assert_cmpfloat (nrt_number_entry_get_value (a), ==, 1.0);
  g_assert_cmpfloat (nrt_channel_builder_get_curve_value (cb, "am", -40), ==, 1.0);

  /* d typed moves the curve too: linoid(1, 0.1, -30) at -30 is 1. */
  before = nrt_channel_builder_get_n_replots (cb);
  gtk_editable_set_text (nrt_number_entry_get_editable (nrt_channel_builder_get_field (cb, "rate0.d")), "-30");
  g_assert_cmpuint (nrt_channel_builder_get_n_replots (cb), >, before);
  g_assert_cmpfloat (nrt_channel_builder_get_curve_value (cb, "am", -30), ==, 1.0);
  gtk_editable_set_text (nrt_number_entry_get_editable (nrt_channel_builder_get_field (cb, "rate0.d")), "-40");

  /* The bm curve is hh's βm. */
  {
    NrtRate bm = { NRT_RATE_EXP, 4, -1.0 / 18, -65 };
    g_assert_cmpfloat (nrt_channel_builder_get_curve_value (cb, "bm", -65), ==, 4.0);
    g_assert_cmpfloat (nrt_channel_builder_get_curve_value (cb, "bm", 20), ==, nrt_rate_eval (&bm, 20));
  }
  nrt_ui_test_show_and_wait (GTK_WINDOW (cb));
  gtk_window_set_default_size (GTK_WINDOW (cb), 1240, 800);
  screenshot (GTK_WINDOW (cb), "channel-builder-hh.png");

  /* inf/τ: minf and mtau are nrt_gate_inf_tau of the model's gate. */
  nrt_channel_builder_set_show_inf_tau (cb, TRUE);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (nrt_channel_builder_get_plot (cb, 1))));
  g_assert_true (isnan (nrt_channel_builder_get_curve_value (cb, "am", -40)));
  m = nrt_channel_builder_get_channel (cb)->gates->pdata[0];
  for (double v = -100; v <= 50; v += 7.5)
    {
      double inf, tau;
      nrt_gate_inf_tau (m, v, 1.0, &inf, &tau);
      g_assert_cmpfloat (nrt_channel_builder_get_curve_value (cb, "minf", v), ==, inf);
      g_assert_cmpfloat (nrt_channel_builder_get_curve_value (cb, "mtau", v), ==, tau);
    }
  /* the h gate, as inf/τ in the model too: its rates convert to sigmoid and exponential */
  nrt_channel_builder_select_row (cb, 1);
  g_assert_true (nrt_channel_builder_set_rate_type (cb, NRT_GATE_INF_TAU, &e));
  g_assert_no_error (e);
  g_assert_cmpstr (nrt_channel_builder_get_row_text (cb, 1), ==, "h' = (hinf - h)/htau");
  {
    const NrtGate *h = nrt_channel_builder_get_channel (cb)->gates->pdata[1];
    double inf, tau;
    g_assert_cmpint (h->rate[0].form, ==, NRT_RATE_SIGMOID);
    g_assert_cmpint (h->rate[1].form, ==, NRT_RATE_EXP);
    nrt_gate_inf_tau (h, -50, 1.0, &inf, &tau);
    g_assert_cmpfloat (nrt_channel_builder_get_curve_value (cb, "hinf", -50), ==, inf);
    g_assert_cmpfloat (nrt_channel_builder_get_curve_value (cb, "htau", -50), ==, tau);
    g_assert_cmpstr (nrt_number_entry_get_label (nrt_channel_builder_get_field (cb, "rate1.A")), ==, "A (ms)");
    /* inf cannot be exponential (KSChan's menu): refused, nothing changes */
    g_assert_false (nrt_channel_builder_set_rate_form (cb, 0, NRT_RATE_EXP, &e));
    g_assert_nonnull (e);
    g_clear_error (&e);
    g_assert_cmpint (((NrtGate *) nrt_channel_builder_get_channel (cb)->gates->pdata[1])->rate[0].form, ==, NRT_RATE_SIGMOID);
  }
  /* Choosing a form starts it at NEURON's defaults (§2.4). */
  {
    static const struct { NrtRateForm form; double A, k, d; } defaults[] = {
      { NRT_RATE_CONSTANT, 0.1, 0, 0 }, { NRT_RATE_EXP, 0.5, 0.1, -40 },
      { NRT_RATE_LINOID, 0.5, 0.1, -40 }, { NRT_RATE_SIGMOID, 1, 0.1, -40 },
    };
    g_assert_true (nrt_channel_builder_set_rate_type (cb, NRT_GATE_ALPHA_BETA, &e));
    for (guint i = 0; i < G_N_ELEMENTS (defaults); i++)
      {
        const NrtGate *h;
        g_assert_true (nrt_channel_builder_set_rate_form (cb, 1, defaults[i].form, &e));
        g_assert_no_error (e);
        h = nrt_channel_builder_get_channel (cb)->gates->pdata[1];
        g_assert_cmpint (h->rate[1].form, ==, defaults[i].form);
        g_assert_cmpfloat (h->rate[1].A, ==, defaults[i].A);
        g_assert_cmpfloat (nrt_number_entry_get_value (nrt_channel_builder_get_field (cb, "rate1.A")), ==, defaults[i].A);
        if (defaults[i].form != NRT_RATE_CONSTANT)
          {
            g_assert_cmpfloat (h->rate[1].k, ==, defaults[i].k);
            g_assert_cmpfloat (h->rate[1].d, ==, defaults[i].d);
          }
        g_assert_cmpint (gtk_widget_get_visible (GTK_WIDGET (nrt_channel_builder_get_field (cb, "rate1.k"))), ==,
                         defaults[i].form != NRT_RATE_CONSTANT);
      }
    for (guint i = 0; i < G_N_ELEMENTS (defaults) + 1; i++)
      g_assert_true (nrt_model_undo (model, &e));
  }
  g_assert_true (nrt_model_undo (model, &e));
  nrt_channel_builder_select_row (cb, 0);
  nrt_channel_builder_set_show_inf_tau (cb, TRUE);

  /* dark */
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  screenshot (GTK_WINDOW (cb), "channel-builder-dark.png");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);

  gtk_window_destroy (GTK_WINDOW (main));
}

/* ---- Borg-Graham ----------------------------------------------------------------------- */

/* The curves of gate n against nrt_gate_inf_tau_at at the run's celsius, at two voltages. */
static void
assert_bg_curves (NrtChannelBuilder *cb, NrtModel *model, const NrtGate *typed)
{
  const NrtChannel *ch = nrt_channel_builder_get_channel (cb);
  double celsius = nrt_model_get_data (model)->settings.celsius;
  double factor = nrt_channel_rate_factor (ch, celsius);
  const double vs[] = { -60, 10 };

  for (guint i = 0; i < G_N_ELEMENTS (vs); i++)
    {
      double inf, tau;
      nrt_gate_inf_tau_at (typed, vs[i], celsius, factor, &inf, &tau);
      g_assert_cmpfloat (nrt_channel_builder_get_curve_value (cb, "ninf", vs[i]), ==, inf);
      g_assert_cmpfloat (nrt_channel_builder_get_curve_value (cb, "ntau", vs[i]), ==, tau);
      g_test_message ("celsius %g, v %g: ninf %.17g, ntau %.17g ms", celsius, vs[i], inf, tau);
    }
}

/* khh's n made inf/τ, then Borg-Graham inf picked from the menu: τ follows as Borg-Graham τ
 * on the same numbers at KSChan's defaults; K typed (live, then Enter) moves both curves,
 * which equal nrt_gate_inf_tau_at at 6.3 and 22 °C; leaving Borg-Graham inf takes τ back to
 * exponential; α/β refuses Borg-Graham. */
static void
borg_graham (void)
{
  NrtWindow *main = nrt_window_new (NULL);
  NrtModel *model = nrt_window_get_model (main);
  NrtChannelBuilder *cb;
  g_autoptr(GError) e = NULL;
  const NrtGate *n;
  NrtGate typed;
  NrtRunSettings rs;

  gtk_window_present (GTK_WINDOW (main));
  cb = open_builder (main, "density");
  g_assert_true (nrt_channel_builder_apply_preset (cb, "k", &e));
  g_assert_no_error (e);
  nrt_channel_builder_select_row (cb, 0);
  nrt_channel_builder_set_show_inf_tau (cb, TRUE);
  /* not in an α/β gate's menu */
  g_assert_false (nrt_channel_builder_set_rate_form (cb, 0, NRT_RATE_BG_INF, &e));
  g_clear_error (&e);
  g_assert_true (nrt_channel_builder_set_rate_type (cb, NRT_GATE_INF_TAU, &e));
  g_assert_no_error (e);
  g_assert_true (nrt_channel_builder_set_rate_form (cb, 0, NRT_RATE_BG_INF, &e));
  g_assert_no_error (e);
  n = nrt_channel_builder_get_channel (cb)->gates->pdata[0];
  g_assert_cmpint (n->rate[0].form, ==, NRT_RATE_BG_INF);
  g_assert_cmpint (n->rate[1].form, ==, NRT_RATE_BG_TAU);
  g_assert_cmpfloat (n->rate[1].A, ==, 1);
  g_assert_cmpfloat (n->rate[1].d, ==, -20);
  g_assert_cmpfloat (n->rate[1].z, ==, 4);
  g_assert_cmpfloat (n->rate[1].gam, ==, 0.5);
  g_assert_cmpfloat (n->rate[1].tau0, ==, 0.1);
  g_assert_cmpstr (nrt_number_entry_get_label (nrt_channel_builder_get_field (cb, "rate0.K")), ==, "K (/ms)");
  g_assert_cmpstr (nrt_number_entry_get_label (nrt_channel_builder_get_field (cb, "rate0.vhalf")), ==, "vhalf (mV)");
  g_assert_cmpstr (nrt_number_entry_get_label (nrt_channel_builder_get_field (cb, "rate0.z")), ==, "z");
  g_assert_cmpstr (nrt_number_entry_get_label (nrt_channel_builder_get_field (cb, "rate0.gam")), ==, "gam");
  g_assert_cmpstr (nrt_number_entry_get_label (nrt_channel_builder_get_field (cb, "rate0.tau0")), ==, "tau0 (ms)");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (nrt_channel_builder_get_field (cb, "rate0.k"))));
  /* τ shows no numbers of its own */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (nrt_channel_builder_get_field (cb, "rate1.K"))));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (nrt_channel_builder_get_field (cb, "rate1.z"))));
  typed = *n;
  assert_bg_curves (cb, model, &typed);

  /* K typed without Enter: the curves move, the model does not */
  gtk_editable_set_text (nrt_number_entry_get_editable (nrt_channel_builder_get_field (cb, "rate0.K")), "0.25");
  typed.rate[0].A = typed.rate[1].A = 0.25;
  assert_bg_curves (cb, model, &typed);
  n = nrt_channel_builder_get_channel (cb)->gates->pdata[0];
  g_assert_cmpfloat (n->rate[0].A, ==, 1);
  /* Enter: both rates take it */
  type_number (cb, "rate0.K", 0.25);
  type_number (cb, "rate0.gam", 0.7);
  type_number (cb, "rate0.tau0", 0.5);
  n = nrt_channel_builder_get_channel (cb)->gates->pdata[0];
  g_assert_cmpfloat (n->rate[0].A, ==, 0.25);
  g_assert_cmpfloat (n->rate[1].A, ==, 0.25);
  g_assert_cmpfloat (n->rate[1].gam, ==, 0.7);
  g_assert_cmpfloat (n->rate[1].tau0, ==, 0.5);
  n = nrt_channel_builder_get_channel (cb)->gates->pdata[0];
  typed = *n;
  assert_bg_curves (cb, model, &typed);
  nrt_ui_test_show_and_wait (GTK_WINDOW (cb));
  gtk_window_set_default_size (GTK_WINDOW (cb), 1240, 800);
  screenshot (GTK_WINDOW (cb), "channel-builder-borg-graham.png");
  /* KSChan's clamps: gam ≤ 1 */
  nrt_number_entry_commit_text (nrt_channel_builder_get_field (cb, "rate0.gam"), "1.5");
  g_assert_nonnull (nrt_number_entry_get_error (nrt_channel_builder_get_field (cb, "rate0.gam")));
  g_assert_cmpfloat (((const NrtGate *) nrt_channel_builder_get_channel (cb)->gates->pdata[0])->rate[0].gam, ==, 0.7);

  /* the only KSChan form that depends on temperature */
  rs = nrt_model_get_data (model)->settings;
  rs.celsius = 22;
  g_assert_true (nrt_model_set_settings (model, &rs, &e));
  g_assert_no_error (e);
  spin ();
  n = nrt_channel_builder_get_channel (cb)->gates->pdata[0];
  typed = *n;
  assert_bg_curves (cb, model, &typed);

  /* τ cannot leave on its own; inf leaving takes τ to exponential */
  g_assert_false (nrt_channel_builder_set_rate_form (cb, 1, NRT_RATE_CONSTANT, &e));
  g_clear_error (&e);
  g_assert_true (nrt_channel_builder_set_rate_form (cb, 0, NRT_RATE_SIGMOID, &e));
  g_assert_no_error (e);
  n = nrt_channel_builder_get_channel (cb)->gates->pdata[0];
  g_assert_cmpint (n->rate[0].form, ==, NRT_RATE_SIGMOID);
  g_assert_cmpint (n->rate[1].form, ==, NRT_RATE_EXP);
  gtk_window_destroy (GTK_WINDOW (main));
}

/* ---- a kinetic scheme on the canvas -------------------------------------------------- */

static gboolean
gesture (NrtChannelBuilder *cb, double x0, double y0, double x1, double y1, gboolean click,
         GError **error)
{
  return nrt_channel_builder_canvas_gesture (cb, x0, y0, x1, y1, click, error);
}

static void
click_transition (NrtChannelBuilder *cb, guint t)
{
  NrtKsCanvas *canvas = nrt_channel_builder_get_canvas (cb);
  g_autoptr(GError) e = NULL;
  double x, y;
  guint index = 99;

  g_assert_true (nrt_ks_canvas_get_transition_center (canvas, t, &x, &y));
  nrt_channel_builder_set_tool (cb, NRT_KS_TOOL_SELECT);
  g_assert_true (gesture (cb, x, y, x, y, TRUE, &e));
  g_assert_no_error (e);
  g_assert_cmpint (nrt_channel_builder_get_item (cb, &index), ==, NRT_KS_ITEM_TRANSITION);
  g_assert_cmpuint (index, ==, t);
  g_assert_cmpint (nrt_ks_canvas_get_selection (canvas, &index), ==, NRT_KS_ITEM_TRANSITION);
  g_assert_cmpuint (index, ==, t);
}

static void
kinetic_scheme (void)
{
  NrtWindow *main = nrt_window_new (NULL);
  NrtModel *model = nrt_window_get_model (main);
  NrtChannelBuilder *cb;
  NrtKsCanvas *canvas;
  g_autoptr(GError) e = NULL;
  g_autoptr(NrtChannel) expect = nrt_channel_new ("ksk");
  g_autoptr(NrtModelData) before = NULL;
  NrtKsScheme *ks;
  guint index;

  gtk_window_present (GTK_WINDOW (main));
  cb = open_builder (main, "density");
  canvas = nrt_channel_builder_get_canvas (cb);
  g_assert_true (nrt_channel_builder_set_name (cb, "ksk", &e));
  g_assert_true (nrt_channel_builder_set_ion (cb, NRT_ION_K, &e));
  type_field (cb, "gmax", "0.005");

  /* A new scheme is C ⇄ O, C at (0, 0) and O at (140, 0). */
  g_assert_true (nrt_channel_builder_add_scheme (cb, &e));
  g_assert_no_error (e);
  g_assert_cmpstr (nrt_channel_builder_get_row_text (cb, 0), ==, "O: 2 states, 1 transitions");
  nrt_ui_test_show_and_wait (GTK_WINDOW (cb));

  /* Move O to (280, 0): a drag with the select tool. */
  nrt_channel_builder_set_tool (cb, NRT_KS_TOOL_SELECT);
  g_assert_true (gesture (cb, 140, 0, 283, 2, FALSE, &e));
  g_assert_no_error (e);
  /* Rename C to C1: click it, type the name. */
  g_assert_true (gesture (cb, 0, 0, 0, 0, TRUE, &e));
  g_assert_cmpint (nrt_channel_builder_get_item (cb, &index), ==, NRT_KS_ITEM_STATE);
  g_assert_cmpuint (index, ==, 0);
  g_assert_true (nrt_channel_builder_set_item_name (cb, "C1", &e));
  g_assert_no_error (e);

  /* + C: drag from C1 to an empty place adds a closed state joined to C1. */
  nrt_channel_builder_set_tool (cb, NRT_KS_TOOL_ADD_CLOSED);
  g_assert_true (gesture (cb, 0, 0, 138, 79, FALSE, &e));
  g_assert_no_error (e);
  g_assert_cmpint (nrt_channel_builder_get_item (cb, &index), ==, NRT_KS_ITEM_STATE);
  g_assert_cmpuint (index, ==, 2);
  g_assert_true (nrt_channel_builder_set_item_name (cb, "C2", &e));
  /* Deleting C1 ⇄ O now would leave O alone: refused, nothing changes. */
  nrt_channel_builder_set_tool (cb, NRT_KS_TOOL_DELETE);
  before = nrt_model_data_copy (nrt_model_get_data (model));
  {
    double x, y;
    g_assert_true (nrt_ks_canvas_get_transition_center (canvas, 0, &x, &y));
    g_assert_false (gesture (cb, x, y, x, y, TRUE, &e));
    g_assert_nonnull (e);
    g_test_message ("refused: %s", e->message);
    g_assert_nonnull (nrt_channel_builder_get_error (cb));
    g_clear_error (&e);
    g_assert_true (nrt_model_data_equal (before, nrt_model_get_data (model)));
  }
  /* Connect C2 to O, then delete C1 ⇄ O. */
  nrt_channel_builder_set_tool (cb, NRT_KS_TOOL_CONNECT);
  g_assert_true (gesture (cb, 140, 80, 280, 0, FALSE, &e));
  g_assert_no_error (e);
  nrt_channel_builder_set_tool (cb, NRT_KS_TOOL_DELETE);
  {
    double x, y;
    g_assert_true (nrt_ks_canvas_get_transition_center (canvas, 0, &x, &y));
    g_assert_true (gesture (cb, x, y, x, y, TRUE, &e));
    g_assert_no_error (e);
  }
  /* C2 into line */
  nrt_channel_builder_set_tool (cb, NRT_KS_TOOL_SELECT);
  g_assert_true (gesture (cb, 140, 80, 141, 1, FALSE, &e));
  g_assert_no_error (e);
  g_assert_cmpstr (nrt_channel_builder_get_row_text (cb, 0), ==, "O: 3 states, 2 transitions");

  /* C1 ⇄ C2, voltage-gated: aC1C2 = 0.2·exp(0.05(v + 40)), bC1C2 = 0.1·exp(−0.05(v + 40)) */
  click_transition (cb, 0);
  set_rate (cb, 0, NRT_RATE_EXP, 0.2, 0.05, -40);
  set_rate (cb, 1, NRT_RATE_EXP, 0.1, -0.05, -40);
  g_assert_cmpstr (nrt_channel_builder_get_rate_formula (cb, 0), ==, "aC1C2 = A*exp(k*(v - d))");
  /* C2 ⇄ O, gated by 2 cai: α = 1000·cai², β = 0.1 */
  click_transition (cb, 1);
  g_assert_true (nrt_channel_builder_set_rate_type (cb, NRT_TRANS_LIGAND_INSIDE, &e));
  g_assert_true (nrt_channel_builder_set_ligand (cb, NRT_ION_CA, 2, &e));
  g_assert_no_error (e);
  type_field (cb, "rate0.A", "1000");
  type_field (cb, "rate1.A", "0.1");
  g_assert_cmpstr (nrt_channel_builder_get_rate_formula (cb, 0), ==, "aC2O = A*cai^2");
  g_assert_cmpstr (nrt_number_entry_get_label (nrt_channel_builder_get_field (cb, "rate0.A")), ==, "A (/ms-mM²)");
  {
    g_autofree char *label = NULL;
    const NrtKsScheme *s = nrt_channel_builder_get_channel (cb)->schemes->pdata[0];
    label = nrt_ks_transition_label (&g_array_index (s->transitions, NrtKsTransition, 1));
    g_assert_cmpstr (label, ==, "2cai");
  }
  /* its plotted α is 1000·cai² at the model's cai0 whatever v is; the title says so */
  {
    double cai = nrt_model_get_data (model)->settings.conc_i[NRT_ION_CA];
    g_assert_cmpfloat (fabs (nrt_channel_builder_get_curve_value (cb, "aC2O", -70) - 1000 * cai * cai), <=, 1e-18);
    g_assert_cmpfloat (nrt_channel_builder_get_curve_value (cb, "bC2O", 30), ==, 0.1);
  }

  /* The model's channel is the one built independently here. */
  expect->ion = NRT_ION_K;
  expect->gmax = 0.005;
  ks = nrt_channel_add_scheme (expect, 1);
  nrt_ks_scheme_add_state (ks, "C1", 0, 0, 0);
  nrt_ks_scheme_add_state (ks, "O", 1, 280, 0);
  nrt_ks_scheme_add_state (ks, "C2", 0, 140, 0);
  nrt_ks_scheme_add_transition (ks, 0, 2, NRT_GATE_ALPHA_BETA,
                                &(NrtRate) { NRT_RATE_EXP, 0.2, 0.05, -40 },
                                &(NrtRate) { NRT_RATE_EXP, 0.1, -0.05, -40 }, NRT_ION_CA, 1);
  nrt_ks_scheme_add_transition (ks, 2, 1, NRT_TRANS_LIGAND_INSIDE,
                                &(NrtRate) { NRT_RATE_CONSTANT, 1000, 0, 0 },
                                &(NrtRate) { NRT_RATE_CONSTANT, 0.1, 0, 0 }, NRT_ION_CA, 2);
  g_assert_true (nrt_channel_validate (expect, &e));
  g_assert_no_error (e);
  g_assert_true (nrt_channel_equal (nrt_channel_builder_get_channel (cb), expect));

  /* Clicking where a transition is drawn selects it; a state wins over an arrow.  First
   * through the canvas's own gesture signal, as the pointer reaches the window. */
  {
    double x, y;
    g_assert_true (nrt_ks_canvas_get_transition_center (canvas, 0, &x, &y));
    g_signal_emit_by_name (canvas, "gesture", x, y + 2, x, y + 2, TRUE);
    g_assert_cmpint (nrt_channel_builder_get_item (cb, &index), ==, NRT_KS_ITEM_TRANSITION);
    g_assert_cmpuint (index, ==, 0);
    /* the label above the arrow is part of it */
    g_assert_cmpint (nrt_ks_canvas_pick (canvas, x, y - 12, &index), ==, NRT_KS_ITEM_TRANSITION);
  }
  click_transition (cb, 0);
  click_transition (cb, 1);
  g_assert_cmpint (nrt_ks_canvas_pick (canvas, 140, 0, &index), ==, NRT_KS_ITEM_STATE);
  g_assert_cmpuint (index, ==, 2);
  g_assert_cmpint (nrt_ks_canvas_pick (canvas, 140, 200, &index), ==, NRT_KS_ITEM_NONE);

  gtk_window_set_default_size (GTK_WINDOW (cb), 1240, 800);
  screenshot (GTK_WINDOW (cb), "channel-builder-ks.png");

  /* The Delete key on the selected transition C2 ⇄ O: refused, it would leave O alone.  On
   * the state C1 it goes with its transition; undo brings both back. */
  click_transition (cb, 1);
  g_assert_false (nrt_channel_builder_delete_item (cb, &e));
  g_assert_nonnull (e);
  g_clear_error (&e);
  g_assert_true (nrt_channel_equal (nrt_channel_builder_get_channel (cb), expect));
  nrt_channel_builder_select_item (cb, NRT_KS_ITEM_STATE, 0);
  g_assert_true (nrt_channel_builder_delete_item (cb, &e));
  g_assert_no_error (e);
  g_assert_cmpstr (nrt_channel_builder_get_row_text (cb, 0), ==, "O: 2 states, 1 transitions");
  g_assert_true (nrt_model_undo (model, &e));
  g_assert_true (nrt_channel_equal (nrt_channel_builder_get_channel (cb), expect));

  /* Allow Single Channels is for point processes: refused here. */
  g_assert_false (nrt_channel_builder_set_single (cb, TRUE, &e));
  g_assert_nonnull (e);
  g_clear_error (&e);
  g_assert_true (nrt_channel_equal (nrt_channel_builder_get_channel (cb), expect));

  /* Text: the summary names the scheme's states; the action shows it in a dialog. */
  {
    GList *before_tl = gtk_window_list_toplevels ();
    GList *after_tl;
    guint n0 = g_list_length (before_tl);
    gtk_widget_activate_action (GTK_WIDGET (cb), "chb.text", NULL);
    after_tl = gtk_window_list_toplevels ();
    g_assert_cmpuint (g_list_length (after_tl), ==, n0 + 1);
    for (GList *l = after_tl; l != NULL; l = l->next)
      if (ADW_IS_MESSAGE_DIALOG (l->data))
        {
          g_assert_cmpstr (adw_message_dialog_get_heading (l->data), ==, "ksk");
          screenshot (l->data, "channel-builder-text.png");
          gtk_window_destroy (l->data);
        }
    g_list_free (before_tl);
    g_list_free (after_tl);
  }
  {
    g_autofree char *text = nrt_channel_builder_get_text (cb);
    g_assert_nonnull (text);
    g_assert_nonnull (strstr (text, "ksk"));
    g_assert_nonnull (strstr (text, "C1"));
  }

  /* Clone as a point process: ksk0, its own window, the same gates. */
  {
    GtkWindow *w = nrt_channel_builder_clone (cb, NRT_CHANNEL_POINT, &e);
    NrtChannelBuilder *clone;
    g_assert_no_error (e);
    g_assert_nonnull (w);
    clone = NRT_CHANNEL_BUILDER (w);
    g_assert_true (clone != cb);
    g_assert_cmpstr (nrt_channel_builder_get_channel_name (clone), ==, "ksk0");
    g_assert_cmpint (nrt_channel_builder_get_channel (clone)->kind, ==, NRT_CHANNEL_POINT);
    g_assert_cmpstr (nrt_channel_builder_get_row_text (clone, 0), ==, "O: 3 states, 2 transitions");
    /* Copy gates from: a fresh channel gets ksk's scheme; a second copy would repeat the
     * state names, refused. */
    {
      NrtChannelBuilder *fresh = open_builder (main, "density");
      g_assert_true (nrt_channel_builder_copy_gates_from (fresh, "ksk", &e));
      g_assert_no_error (e);
      g_assert_cmpuint (nrt_channel_builder_get_n_rows (fresh), ==, 1);
      g_assert_false (nrt_channel_builder_copy_gates_from (fresh, "ksk", &e));
      g_assert_nonnull (e);
      g_clear_error (&e);
      g_assert_cmpuint (nrt_channel_builder_get_n_rows (fresh), ==, 1);
      /* Keys on the canvas: Shift+Right moves the selected state five grid steps, Delete
       * removes it, Escape selects nothing. */
      {
        NrtKsCanvas *fc = nrt_channel_builder_get_canvas (fresh);
        const NrtKsScheme *fs;
        GListModel *controllers = gtk_widget_observe_controllers (GTK_WIDGET (fc));
        GtkEventController *keys = NULL;
        gboolean handled = FALSE;
        double x0 = 0, y0 = 0;

        for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
          {
            GtkEventController *c = g_list_model_get_item (controllers, i);
            if (GTK_IS_EVENT_CONTROLLER_KEY (c))
              keys = c;
            g_object_unref (c);
          }
        g_object_unref (controllers);
        g_assert_nonnull (keys);
        nrt_channel_builder_select_item (fresh, NRT_KS_ITEM_STATE, 2);
        g_assert_true (nrt_ks_canvas_get_state_center (fc, 2, &x0, &y0));
        g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_Right, 0, GDK_SHIFT_MASK, &handled);
        g_assert_true (handled);
        fs = nrt_channel_builder_get_channel (fresh)->schemes->pdata[0];
        g_assert_cmpfloat (((NrtKsState *) fs->states->pdata[2])->x, ==, x0 + 5 * NRT_KS_GRID);
        /* C2 is in the middle: deleting it would split the scheme, refused */
        g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_Delete, 0, 0, &handled);
        g_assert_cmpstr (nrt_channel_builder_get_row_text (fresh, 0), ==, "O: 3 states, 2 transitions");
        g_assert_nonnull (nrt_channel_builder_get_error (fresh));
        nrt_channel_builder_select_item (fresh, NRT_KS_ITEM_STATE, 0);
        g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_Delete, 0, 0, &handled);
        g_assert_cmpstr (nrt_channel_builder_get_row_text (fresh, 0), ==, "O: 2 states, 1 transitions");
        /* The slider sets O's fraction once it rests: one step. */
        {
          GtkRange *scale = NULL;
          GtkWidget *stack[64];
          guint top = 0;
          guint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
          guint o;
          g_assert_true (nrt_channel_find_state (nrt_channel_builder_get_channel (fresh), "O", NULL, &o));
          nrt_channel_builder_select_item (fresh, NRT_KS_ITEM_STATE, o);
          stack[top++] = GTK_WIDGET (fresh);
          while (top > 0 && scale == NULL)
            {
              GtkWidget *w = stack[--top];
              if (GTK_IS_SCALE (w))
                scale = GTK_RANGE (w);
              for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL && top < 63; c = gtk_widget_get_next_sibling (c))
                stack[top++] = c;
            }
          g_assert_nonnull (scale);
          gtk_range_set_value (scale, 0.5);
          gtk_range_set_value (scale, 0.75);
          fs = nrt_channel_builder_get_channel (fresh)->schemes->pdata[0];
          g_assert_cmpfloat (((NrtKsState *) fs->states->pdata[o])->fraction, ==, 1);
          while (((NrtKsState *) ((NrtKsScheme *) nrt_channel_builder_get_channel (fresh)->schemes->pdata[0])->states->pdata[o])->fraction != 0.75)
            {
              g_main_context_iteration (NULL, FALSE);
              g_usleep (1000);
              g_assert_cmpint (g_get_monotonic_time (), <, deadline);
            }
          g_assert_cmpstr (nrt_channel_builder_get_row_text (fresh, 0), ==, "0.75*O: 2 states, 1 transitions");
          gtk_window_set_default_size (GTK_WINDOW (fresh), 1240, 800);
          screenshot (GTK_WINDOW (fresh), "channel-builder-state.png");
        }
        g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_Escape, 0, 0, &handled);
        g_assert_cmpint (nrt_channel_builder_get_item (fresh, NULL), ==, NRT_KS_ITEM_NONE);
      }
    }
  }
  gtk_window_destroy (GTK_WINDOW (main));
}

/* A point channel with one scheme may allow single channels. */
static void
point_single (void)
{
  NrtWindow *main = nrt_window_new (NULL);
  NrtChannelBuilder *cb;
  g_autoptr(GError) e = NULL;

  gtk_window_present (GTK_WINDOW (main));
  cb = open_builder (main, "point");
  g_assert_cmpint (nrt_channel_builder_get_channel (cb)->kind, ==, NRT_CHANNEL_POINT);
  g_assert_cmpstr (nrt_number_entry_get_label (nrt_channel_builder_get_field (cb, "gmax")), ==, "Default gmax (µS)");
  /* no scheme yet: refused with the reason */
  g_assert_false (nrt_channel_builder_set_single (cb, TRUE, &e));
  g_assert_nonnull (strstr (e->message, "single channels"));
  g_clear_error (&e);
  g_assert_true (nrt_channel_builder_add_scheme (cb, &e));
  g_assert_true (nrt_channel_builder_set_single (cb, TRUE, &e));
  g_assert_no_error (e);
  g_assert_true (nrt_channel_builder_get_channel (cb)->single);
  gtk_window_set_default_size (GTK_WINDOW (cb), 1240, 800);
  screenshot (GTK_WINDOW (cb), "channel-builder-point.png");
  /* a power of 2 is not allowed with single channels */
  g_assert_true (nrt_number_entry_commit_text (nrt_channel_builder_get_field (cb, "scheme-power"), "2"));
  g_assert_nonnull (nrt_number_entry_get_error (nrt_channel_builder_get_field (cb, "scheme-power")));
  g_assert_cmpint (((NrtKsScheme *) nrt_channel_builder_get_channel (cb)->schemes->pdata[0])->power, ==, 1);
  /* Delete Channel from the window's menu: the channel leaves the library, the window closes. */
  gtk_widget_activate_action (GTK_WIDGET (cb), "chb.delete", NULL);
  spin ();
  g_assert_cmpuint (n_builders (main), ==, 0);
  g_assert_cmpuint (nrt_model_get_data (nrt_window_get_model (main))->channels->len, ==, 0);
  gtk_window_destroy (GTK_WINDOW (main));
}

/* ---- refusals, undo, following the model ---------------------------------------------- */

/* The nth (1-based) flat trash button of the gate list under w. */
static GtkWidget *
find_trash (GtkWidget *w, guint nth)
{
  static guint seen;

  if (w != NULL && GTK_IS_WINDOW (w))
    seen = 0;
  if (GTK_IS_BUTTON (w) && g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (w)), "user-trash-symbolic") == 0
      && gtk_widget_has_css_class (w, "flat") && ++seen == nth)
    return w;
  for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *r = find_trash (c, nth);
      if (r != NULL)
        return r;
    }
  return NULL;
}

static GtkWidget *
find_name_row (GtkWidget *w)
{
  if (ADW_IS_ENTRY_ROW (w))
    return w;
  for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *r = find_name_row (c);
      if (r != NULL)
        return r;
    }
  return NULL;
}

static void
refusals (void)
{
  NrtWindow *main = nrt_window_new (NULL);
  NrtModel *model = nrt_window_get_model (main);
  NrtChannelBuilder *cb;
  g_autoptr(GError) e = NULL;
  g_autoptr(NrtModelData) before = NULL;
  NrtNumberEntry *gmax;

  gtk_window_present (GTK_WINDOW (main));
  cb = open_builder (main, "density");
  nrt_ui_test_show_and_wait (GTK_WINDOW (cb));
  before = nrt_model_data_copy (nrt_model_get_data (model));

  /* a bad name */
  g_assert_false (nrt_channel_builder_set_name (cb, "2bad", &e));
  g_assert_error (e, NRT_MODEL_ERROR, NRT_MODEL_ERROR_INVALID_NAME);
  g_clear_error (&e);
  g_assert_nonnull (nrt_channel_builder_get_error (cb));
  g_assert_true (nrt_model_data_equal (before, nrt_model_get_data (model)));
  g_assert_cmpstr (nrt_channel_builder_get_channel_name (cb), ==, "leak");
  screenshot (GTK_WINDOW (cb), "channel-builder-refused.png");
  /* a later good edit puts the model's name back into the row */
  type_field (cb, "e", "-70");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find_name_row (GTK_WIDGET (cb)))), ==, "leak");
  g_assert_null (nrt_channel_builder_get_error (cb));
  g_assert_true (nrt_model_undo (model, &e));
  /* the name of a built-in */
  g_assert_false (nrt_channel_builder_set_name (cb, "hh", &e));
  g_clear_error (&e);
  /* GHK for a NonSpecific current */
  g_assert_false (nrt_channel_builder_set_conductance (cb, NRT_CONDUCTANCE_GHK, &e));
  g_assert_nonnull (e);
  g_test_message ("refused: %s", e->message);
  g_clear_error (&e);
  g_assert_nonnull (strstr (nrt_channel_builder_get_error (cb), "NonSpecific"));
  g_assert_true (nrt_model_data_equal (before, nrt_model_get_data (model)));
  /* GHK with an ion: pmax in cm/s; back to NonSpecific makes it ohmic again */
  g_assert_true (nrt_channel_builder_set_ion (cb, NRT_ION_CA, &e));
  g_assert_true (nrt_channel_builder_set_conductance (cb, NRT_CONDUCTANCE_GHK, &e));
  g_assert_no_error (e);
  g_assert_cmpstr (nrt_number_entry_get_label (nrt_channel_builder_get_field (cb, "gmax")), ==, "Default pmax (cm/s)");
  g_assert_false (gtk_widget_get_visible (gtk_widget_get_parent (GTK_WIDGET (nrt_channel_builder_get_field (cb, "e")))));
  g_assert_true (nrt_channel_builder_set_ion (cb, NRT_ION_NONSPECIFIC, &e));
  g_assert_cmpint (nrt_channel_builder_get_channel (cb)->conductance, ==, NRT_CONDUCTANCE_OHMIC);
  g_assert_cmpstr (nrt_number_entry_get_label (nrt_channel_builder_get_field (cb, "gmax")), ==, "Default gmax (S/cm²)");
  g_assert_true (nrt_model_undo (model, &e));
  g_assert_true (nrt_model_undo (model, &e));
  g_assert_true (nrt_model_undo (model, &e));
  g_assert_no_error (e);
  g_assert_true (nrt_model_data_equal (before, nrt_model_get_data (model)));
  /* single channels on a density channel */
  g_assert_false (nrt_channel_builder_set_single (cb, TRUE, &e));
  g_assert_nonnull (e);
  g_clear_error (&e);
  g_assert_true (nrt_model_data_equal (before, nrt_model_get_data (model)));
  /* a negative gmax never reaches the model; a fractional power neither */
  gmax = nrt_channel_builder_get_field (cb, "gmax");
  g_assert_false (nrt_number_entry_commit_text (gmax, "-1"));
  g_assert_nonnull (nrt_number_entry_get_error (gmax));
  g_assert_true (nrt_channel_builder_add_gate (cb, &e));
  g_assert_true (nrt_number_entry_commit_text (nrt_channel_builder_get_field (cb, "power"), "2.5"));
  g_assert_nonnull (nrt_number_entry_get_error (nrt_channel_builder_get_field (cb, "power")));
  g_assert_cmpint (((NrtGate *) nrt_channel_builder_get_channel (cb)->gates->pdata[0])->power, ==, 1);
  /* two gates of one name */
  g_assert_true (nrt_channel_builder_add_gate (cb, &e));
  g_assert_false (nrt_channel_builder_set_item_name (cb, "m", &e));
  g_clear_error (&e);
  /* the second row's trash button removes the h gate (the row goes while it is clicked) */
  {
    GtkWidget *trash = find_trash (GTK_WIDGET (cb), 2);
    g_assert_nonnull (trash);
    g_signal_emit_by_name (trash, "clicked");
    g_assert_cmpuint (nrt_channel_builder_get_n_rows (cb), ==, 1);
    g_assert_cmpstr (nrt_channel_builder_get_row_text (cb, 0), ==, "m' = am*(1 - m) - bm*m");
    g_assert_true (nrt_model_undo (model, &e));
  }
  g_assert_true (nrt_model_undo (model, &e));
  g_assert_true (nrt_model_undo (model, &e));
  g_assert_true (nrt_model_data_equal (before, nrt_model_get_data (model)));
  g_assert_cmpuint (nrt_channel_builder_get_n_rows (cb), ==, 0);

  /* Undo from the main window: the builder shows the model's value again. */
  g_assert_true (nrt_number_entry_commit_text (gmax, "0.5"));
  g_assert_cmpfloat (nrt_channel_builder_get_channel (cb)->gmax, ==, 0.5);
  gtk_widget_activate_action (GTK_WIDGET (main), "win.undo", NULL);
  g_assert_cmpfloat (nrt_channel_builder_get_channel (cb)->gmax, ==, 0);
  g_assert_cmpfloat (nrt_number_entry_get_value (gmax), ==, 0);
  g_assert_true (nrt_model_data_equal (before, nrt_model_get_data (model)));

  /* A rename undone: the window follows its channel back to the old name. */
  g_assert_true (nrt_channel_builder_set_name (cb, "myK", &e));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (cb)), ==, "myK — Channel Builder");
  gtk_widget_activate_action (GTK_WIDGET (main), "win.undo", NULL);
  g_assert_cmpstr (nrt_channel_builder_get_channel_name (cb), ==, "leak");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (cb)), ==, "leak — Channel Builder");
  gtk_widget_activate_action (GTK_WIDGET (main), "win.redo", NULL);
  g_assert_cmpstr (nrt_channel_builder_get_channel_name (cb), ==, "myK");

  /* The same channel opens in the same window; a second Density… is a new channel. */
  g_assert_true (nrt_channel_builder_open (main, "myK") == GTK_WINDOW (cb));
  {
    NrtChannelBuilder *other = open_builder (main, "density");
    g_assert_true (other != cb);
    g_assert_cmpstr (nrt_channel_builder_get_channel_name (other), ==, "leak");
    /* Edit Channel from the main window, and Open Channel from a builder, find it again */
    gtk_widget_activate_action (GTK_WIDGET (main), "win.edit-channel", "s", "leak");
    gtk_widget_activate_action (GTK_WIDGET (cb), "chb.open-channel", "s", "leak");
    g_assert_cmpuint (n_builders (main), ==, 2);
    g_assert_null (nrt_channel_builder_open (main, "nonesuch"));
  }

  /* Removing the channel closes its window. */
  {
    NrtChannelBuilder *watch = cb;
    g_object_add_weak_pointer (G_OBJECT (cb), (gpointer *) &watch);
    g_assert_true (nrt_model_remove_channel (model, "myK", &e));
    g_assert_no_error (e);
    spin ();
    g_assert_null (watch);
    g_assert_cmpuint (n_builders (main), ==, 1);
    /* Undo brings myK back (with no window); undoing the second Density… takes its channel
     * out of the library, and its window closes too. */
    g_assert_true (nrt_model_undo (model, &e));
    g_assert_cmpint (nrt_model_find_channel (model, "myK"), >=, 0);
    g_assert_true (nrt_model_undo (model, &e));
    g_assert_no_error (e);
    spin ();
    g_assert_cmpint (nrt_model_find_channel (model, "leak"), <, 0);
    g_assert_cmpuint (n_builders (main), ==, 0);
  }
  gtk_window_destroy (GTK_WINDOW (main));
}

/* ---- the Adjust tool ------------------------------------------------------------------- */

static void
count_changed (NrtModel *model, gpointer change, guint *n)
{
  (*n)++;
}

static double
rel (double got, double want)
{
  return fabs (got - want) / fabs (want);
}

/* The plotted value of the selected gate's rate slot at v, from the model's channel. */
static double
model_curve (NrtChannelBuilder *cb, NrtModel *model, guint slot, double v)
{
  const NrtChannel *ch = nrt_channel_builder_get_channel (cb);
  const NrtGate *m = ch->gates->pdata[0];
  double celsius = nrt_model_get_data (model)->settings.celsius;
  double a, b;

  nrt_gate_alpha_beta_at (m, v, celsius, nrt_channel_rate_factor (ch, celsius), &a, &b);
  return slot == 0 ? a : b;
}

static void
adjust (void)
{
  NrtWindow *main = nrt_window_new (NULL);
  NrtModel *model = nrt_window_get_model (main);
  NrtChannelBuilder *cb;
  g_autoptr(GError) e = NULL;
  g_autoptr(NrtChannel) old = NULL;
  g_autoptr(NrtChannel) moved = NULL;
  const NrtGate *m;
  guint changes = 0;
  gulong id;

  gtk_window_present (GTK_WINDOW (main));
  cb = open_builder (main, "density");
  g_assert_true (nrt_channel_builder_apply_preset (cb, "na", &e));
  g_assert_no_error (e);
  nrt_channel_builder_select_row (cb, 0);
  nrt_channel_builder_set_adjust (cb, TRUE);
  g_assert_true (nrt_channel_builder_get_adjust (cb));
  old = nrt_channel_copy (nrt_channel_builder_get_channel (cb));
  id = g_signal_connect (model, "changed", G_CALLBACK (count_changed), &changes);

  /* αm (linoid 1, 0.1, −40): its mark dragged from (−40, αm(−40)) to (−20, 2.5) moves d to
   * −20 and solves A so that αm(−20) = 2.5, in one change. */
  g_assert_true (nrt_channel_builder_adjust_drag (cb, 0, -40,
                                                  nrt_channel_builder_get_curve_value (cb, "am", -40),
                                                  -20, 2.5, &e));
  g_assert_no_error (e);
  g_assert_cmpuint (changes, ==, 1);
  m = nrt_channel_builder_get_channel (cb)->gates->pdata[0];
  g_assert_cmpint (m->rate[0].form, ==, NRT_RATE_LINOID);
  g_assert_cmpfloat (m->rate[0].d, ==, -20);
  g_assert_cmpfloat (m->rate[0].k, ==, 0.1);
  g_assert_cmpfloat (rel (model_curve (cb, model, 0, -20), 2.5), <, 1e-9);
  g_assert_cmpfloat (rel (nrt_channel_builder_get_curve_value (cb, "am", -20), 2.5), <, 1e-9);
  g_test_message ("mark drag: A = %.17g, am(-20) = %.17g", m->rate[0].A,
                  model_curve (cb, model, 0, -20));
  /* The fields show the new values; β is untouched. */
  g_assert_cmpfloat (nrt_number_entry_get_value (nrt_channel_builder_get_field (cb, "rate0.d")), ==, -20);
  g_assert_cmpfloat (nrt_number_entry_get_value (nrt_channel_builder_get_field (cb, "rate0.A")), ==,
                     m->rate[0].A);
  g_assert_cmpfloat (m->rate[1].A, ==, 4);
  moved = nrt_channel_copy (nrt_channel_builder_get_channel (cb));

  /* One undo step restores the old channel exactly. */
  g_assert_true (nrt_model_undo (model, &e));
  g_assert_true (nrt_channel_equal (nrt_channel_builder_get_channel (cb), old));
  g_assert_cmpfloat (nrt_number_entry_get_value (nrt_channel_builder_get_field (cb, "rate0.d")), ==, -40);
  g_assert_true (nrt_model_redo (model, &e));
  g_assert_true (nrt_channel_equal (nrt_channel_builder_get_channel (cb), moved));

  /* Mid-drag the curve and the fields follow the pointer, the model does not; Escape puts
   * everything back. */
  changes = 0;
  g_assert_true (nrt_channel_builder_adjust_press (cb, 0, -20, 2.5, &e));
  g_assert_true (nrt_channel_builder_get_adjusting (cb));
  nrt_channel_builder_adjust_motion (cb, -10, 3.0);
  g_assert_cmpfloat (nrt_number_entry_get_value (nrt_channel_builder_get_field (cb, "rate0.d")), ==, -10);
  g_assert_cmpfloat (rel (nrt_channel_builder_get_curve_value (cb, "am", -10), 3.0), <, 1e-9);
  g_assert_cmpuint (changes, ==, 0);
  nrt_channel_builder_adjust_cancel (cb);
  g_assert_false (nrt_channel_builder_get_adjusting (cb));
  g_assert_cmpfloat (nrt_number_entry_get_value (nrt_channel_builder_get_field (cb, "rate0.d")), ==, -20);
  g_assert_cmpfloat (rel (nrt_channel_builder_get_curve_value (cb, "am", -20), 2.5), <, 1e-9);
  g_assert_true (nrt_channel_equal (nrt_channel_builder_get_channel (cb), moved));
  g_assert_cmpuint (changes, ==, 0);

  /* βm (exp 4, −1/18, −65) dragged off its mark, at −30 up to 1.5: k is solved, A and d
   * stay. */
  changes = 0;
  g_assert_true (nrt_channel_builder_adjust_drag (cb, 1, -30,
                                                  nrt_channel_builder_get_curve_value (cb, "bm", -30),
                                                  -30, 1.5, &e));
  g_assert_cmpuint (changes, ==, 1);
  m = nrt_channel_builder_get_channel (cb)->gates->pdata[0];
  g_assert_cmpfloat (m->rate[1].A, ==, 4);
  g_assert_cmpfloat (m->rate[1].d, ==, -65);
  g_assert_cmpfloat (m->rate[1].k, !=, -1.0 / 18);
  g_assert_cmpfloat (rel (model_curve (cb, model, 1, -30), 1.5), <, 1e-9);
  g_assert_cmpfloat (rel (nrt_channel_builder_get_curve_value (cb, "bm", -30), 1.5), <, 1e-9);
  g_assert_cmpfloat (nrt_number_entry_get_value (nrt_channel_builder_get_field (cb, "rate1.k")), ==,
                     m->rate[1].k);
  g_test_message ("curve drag: k = %.17g, bm(-30) = %.17g", m->rate[1].k,
                  model_curve (cb, model, 1, -30));
  g_assert_true (nrt_model_undo (model, &e));
  g_assert_true (nrt_channel_equal (nrt_channel_builder_get_channel (cb), moved));

  /* A negative rate is refused: A clamps at 0. */
  changes = 0;
  g_assert_true (nrt_channel_builder_adjust_drag (cb, 0, -20, 2.5, -20, -1.0, &e));
  m = nrt_channel_builder_get_channel (cb)->gates->pdata[0];
  g_assert_cmpfloat (m->rate[0].A, ==, 0.0);
  g_assert_cmpuint (changes, ==, 1);
  g_assert_true (nrt_model_undo (model, &e));

  /* An α/β gate does not adjust in the inf, τ view (the hint says so). */
  nrt_channel_builder_set_show_inf_tau (cb, TRUE);
  changes = 0;
  g_assert_false (nrt_channel_builder_adjust_drag (cb, 0, -20, 0.5, -10, 0.5, &e));
  g_assert_nonnull (e);
  g_clear_error (&e);
  g_assert_cmpuint (changes, ==, 0);
  nrt_channel_builder_set_show_inf_tau (cb, FALSE);
  nrt_channel_builder_adjust_cancel (cb);  /* no drag: nothing happens */
  g_assert_cmpuint (changes, ==, 0);
  g_assert_true (nrt_channel_equal (nrt_channel_builder_get_channel (cb), moved));
  g_signal_handler_disconnect (model, id);

  gtk_window_set_default_size (GTK_WINDOW (cb), 1240, 800);
  screenshot (GTK_WINDOW (cb), "channel-builder-adjust.png");

  /* The pointer path, in pixels: am's mark (at −20, 2.5) pressed and dragged to where
   * (−10, 3) is drawn moves d there, to within a pixel (about 0.2 mV). */
  {
    double x0, y0, x1, y1;

    g_assert_true (nrt_channel_builder_adjust_data_to_px (cb, 0, -20, 2.5, &x0, &y0));
    g_assert_true (nrt_channel_builder_adjust_data_to_px (cb, 0, -10, 3.0, &x1, &y1));
    g_assert_cmpfloat (x1 - x0, >, 20);  /* the plot is drawn and wide */
    /* nothing under the pointer at (40 mV, 25 /ms): refused, nothing changes */
    g_assert_true (nrt_channel_builder_adjust_data_to_px (cb, 0, 40, 25, &x1, &y1));
    g_assert_false (nrt_channel_builder_adjust_drag_px (cb, 0, x1, y1, x1 + 10, y1, &e));
    g_clear_error (&e);
    g_assert_true (nrt_channel_equal (nrt_channel_builder_get_channel (cb), moved));
    g_assert_true (nrt_channel_builder_adjust_data_to_px (cb, 0, -10, 3.0, &x1, &y1));
    changes = 0;
    id = g_signal_connect (model, "changed", G_CALLBACK (count_changed), &changes);
    g_assert_true (nrt_channel_builder_adjust_drag_px (cb, 0, x0 + 2, y0 - 2, x1, y1, &e));
    g_assert_no_error (e);
    g_signal_handler_disconnect (model, id);
    g_assert_cmpuint (changes, ==, 1);
    m = nrt_channel_builder_get_channel (cb)->gates->pdata[0];
    g_test_message ("pixel drag: d = %.6g mV, am(d) = %.6g /ms", m->rate[0].d,
                    model_curve (cb, model, 0, m->rate[0].d));
    g_assert_cmpfloat (fabs (m->rate[0].d - -10), <, 0.5);
    g_assert_cmpfloat (fabs (model_curve (cb, model, 0, m->rate[0].d) - 3.0), <, 0.1);
    g_assert_cmpfloat (m->rate[0].k, ==, 0.1);
    g_assert_cmpfloat (m->rate[1].k, ==, -1.0 / 18);
    /* off the mark, on bm at −80: k is solved, A and d stay */
    g_assert_true (nrt_channel_builder_adjust_data_to_px (cb, 0, -80, model_curve (cb, model, 1, -80),
                                                          &x0, &y0));
    g_assert_true (nrt_channel_builder_adjust_drag_px (cb, 0, x0, y0 + 3, x0, y0 + 40, &e));
    g_assert_no_error (e);
    m = nrt_channel_builder_get_channel (cb)->gates->pdata[0];
    g_assert_cmpfloat (m->rate[1].A, ==, 4);
    g_assert_cmpfloat (m->rate[1].d, ==, -65);
    g_assert_cmpfloat (m->rate[1].k, >, -1.0 / 18);  /* pulled down: flatter */
    g_assert_true (nrt_model_undo (model, &e));
    g_assert_true (nrt_model_undo (model, &e));
    g_assert_true (nrt_channel_equal (nrt_channel_builder_get_channel (cb), moved));
  }

  /* Borg-Graham (inf/τ gate, inf/τ view): the inf mark moves vhalf, a drag on τ solves K;
   * inf and τ keep one parameter vector. */
  {
    g_autoptr(NrtChannel) bg = NULL;
    const NrtChannel *ch;
    const NrtGate *n;
    double celsius = nrt_model_get_data (model)->settings.celsius;
    double inf, tau, y;

    g_assert_true (nrt_channel_builder_apply_preset (cb, "k", &e));
    g_assert_no_error (e);
    nrt_channel_builder_select_row (cb, 0);
    nrt_channel_builder_set_show_inf_tau (cb, TRUE);
    g_assert_true (nrt_channel_builder_set_rate_type (cb, NRT_GATE_INF_TAU, &e));
    g_assert_true (nrt_channel_builder_set_rate_form (cb, 0, NRT_RATE_BG_INF, &e));
    g_assert_no_error (e);
    bg = nrt_channel_copy (nrt_channel_builder_get_channel (cb));
    /* an inf/τ gate does not adjust in the α, β view */
    nrt_channel_builder_set_show_inf_tau (cb, FALSE);
    g_assert_false (nrt_channel_builder_adjust_drag (cb, 0, -20, 0.5, -35, 0.5, &e));
    g_clear_error (&e);
    nrt_channel_builder_set_show_inf_tau (cb, TRUE);

    g_assert_true (nrt_channel_builder_adjust_drag (cb, 0, -20, 0.5, -35, 0.5, &e));
    g_assert_no_error (e);
    ch = nrt_channel_builder_get_channel (cb);
    n = ch->gates->pdata[0];
    g_assert_cmpfloat (n->rate[0].d, ==, -35);
    g_assert_cmpfloat (n->rate[1].d, ==, -35);
    g_assert_cmpfloat (n->rate[0].z, ==, 4);
    g_assert_cmpfloat (nrt_number_entry_get_value (nrt_channel_builder_get_field (cb, "rate0.vhalf")), ==, -35);

    y = nrt_channel_builder_get_curve_value (cb, "ntau", -50);
    g_assert_true (nrt_channel_builder_adjust_drag (cb, 1, -50, y, -50, 2.0 * y, &e));
    g_assert_no_error (e);
    ch = nrt_channel_builder_get_channel (cb);
    n = ch->gates->pdata[0];
    nrt_gate_inf_tau_at (n, -50, celsius, nrt_channel_rate_factor (ch, celsius), &inf, &tau);
    g_test_message ("Borg-Graham: K = %.17g, ntau(-50) = %.17g (target %.17g)", n->rate[0].A,
                    tau, 2.0 * y);
    g_assert_cmpfloat (rel (tau, 2.0 * y), <, 1e-9);
    g_assert_cmpfloat (n->rate[0].A, ==, n->rate[1].A);
    g_assert_cmpfloat (n->rate[0].d, ==, -35);
    g_assert_cmpfloat (nrt_number_entry_get_value (nrt_channel_builder_get_field (cb, "rate0.K")), ==,
                       n->rate[0].A);
    g_assert_true (nrt_model_undo (model, &e));
    g_assert_true (nrt_model_undo (model, &e));
    g_assert_true (nrt_channel_equal (nrt_channel_builder_get_channel (cb), bg));
  }
  gtk_window_destroy (GTK_WINDOW (cb));
  gtk_window_destroy (GTK_WINDOW (main));
}

int
main (int argc, char **argv)
{
  nrt_ui_test_init (&argc, &argv);
  NRT_UI_ADD_TRAPPED ("/ui/channel-builder/part4", lab_part4);
  NRT_UI_ADD_TRAPPED ("/ui/channel-builder/live-plots", live_plots);
  NRT_UI_ADD_TRAPPED ("/ui/channel-builder/table-form", table_form);
  NRT_UI_ADD_TRAPPED ("/ui/channel-builder/kinetic-scheme", kinetic_scheme);
  NRT_UI_ADD_TRAPPED ("/ui/channel-builder/point-single", point_single);
  NRT_UI_ADD_TRAPPED ("/ui/channel-builder/refusals", refusals);
  NRT_UI_ADD_TRAPPED ("/ui/channel-builder/borg-graham", borg_graham);
  NRT_UI_ADD_TRAPPED ("/ui/channel-builder/adjust", adjust);
  return g_test_run ();
}
