/* nrt-io-models.c: builds the models of models/ exactly as ../shared/validation's case_*.py do.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "nrt-io-models.h"

#include <math.h>
#include <string.h>

#include "nrt-sim.h"

#define OK(call) G_STMT_START { g_autoptr (GError) e_ = NULL; gboolean ok_ = (call); \
  if (!ok_) g_error ("%s: %s", #call, e_ ? e_->message : "failed"); } G_STMT_END
#define IDX(call) G_STMT_START { g_autoptr (GError) e_ = NULL; int i_ = (call); \
  if (i_ < 0) g_error ("%s: %s", #call, e_ ? e_->message : "failed"); } G_STMT_END

static void
settings (NrtModel *m, double tstop)
{
  NrtRunSettings st = nrt_model_get_data (m)->settings;
  st.tstop = tstop;
  st.dt = 0.025;
  st.v_init = -65;
  st.celsius = 6.3;
  st.points_per_ms = 40;
  st.method = NRT_METHOD_IMPLICIT;
  st.hh_use_table = TRUE;
  OK (nrt_model_set_settings (m, &st, &e_));
}

static void
iclamp (NrtModel *m, const char *sec, double x, double del, double dur, double amp)
{
  int pp;
  g_autoptr (GError) e = NULL;
  pp = nrt_model_add_point_process (m, "IClamp", sec, x, &e);
  g_assert_no_error (e);
  OK (nrt_model_set_point_process_param (m, pp, "del", del, &e_));
  OK (nrt_model_set_point_process_param (m, pp, "dur", dur, &e_));
  OK (nrt_model_set_point_process_param (m, pp, "amp", amp, &e_));
}

static NrtModel *
finish (NrtModel *m)
{
  nrt_model_clear_history (m);
  nrt_model_mark_saved (m);
  return m;
}

/* case_soma_hh.py */
static NrtModel *
build_soma_hh (void)
{
  NrtModel *m = nrt_model_new ();
  OK (nrt_model_set_name (m, "soma_hh", &e_));
  IDX (nrt_model_add_section (m, "soma", NULL, 0, 10, 10, &e_));
  OK (nrt_model_set_Ra (m, "soma", 35.4, &e_));
  OK (nrt_model_set_cm (m, "soma", 1, &e_));
  OK (nrt_model_insert_mechanism (m, "soma", "hh", &e_));
  OK (nrt_model_set_nseg_strategy (m, "soma", NRT_NSEG_FIXED, 1, &e_));
  iclamp (m, "soma", 0.5, 2, 0.1, 1);
  settings (m, 10);
  return finish (m);
}

/* case_squid_axon.py, run A (150 nA at the middle). */
static NrtModel *
build_squid_axon (void)
{
  NrtModel *m = nrt_model_new ();
  OK (nrt_model_set_name (m, "squid_axon", &e_));
  IDX (nrt_model_add_section (m, "axon", NULL, 0, 20000, 100, &e_));
  OK (nrt_model_set_Ra (m, "axon", 35.4, &e_));
  OK (nrt_model_set_cm (m, "axon", 1, &e_));
  OK (nrt_model_insert_mechanism (m, "axon", "hh", &e_));
  OK (nrt_model_set_nseg_strategy (m, "axon", NRT_NSEG_FIXED, 43, &e_));
  iclamp (m, "axon", 0.5, 1, 1, 150);
  settings (m, 50);
  return finish (m);
}

/* case_stylized_cell.py: the CellBuilder tutorial cell, d_lambda 0.1. */
static NrtModel *
build_stylized_cell (void)
{
  NrtModel *m = nrt_model_new ();
  static const struct { const char *name, *parent; double px, L, diam; } secs[] = {
    { "soma", NULL, 0, 20, 20 },
    { "ap[0]", "soma", 1, 400, 2 },
    { "ap[1]", "ap[0]", 1, 300, 1 },
    { "ap[2]", "ap[0]", 1, 500, 1 },
    { "bas", "soma", 0, 200, 3 },
    { "axon", "soma", 0, 800, 1 },
  };
  OK (nrt_model_set_name (m, "stylized_cell", &e_));
  for (guint i = 0; i < G_N_ELEMENTS (secs); i++)
    IDX (nrt_model_add_section (m, secs[i].name, secs[i].parent, secs[i].px, secs[i].L,
                                secs[i].diam, &e_));
  OK (nrt_model_set_Ra (m, "all", 160, &e_));
  OK (nrt_model_set_cm (m, "all", 1, &e_));
  OK (nrt_model_insert_mechanism (m, "soma", "hh", &e_));
  OK (nrt_model_insert_mechanism (m, "axon", "hh", &e_));
  for (int i = 0; i < 3; i++)
    {
      g_autofree char *ap = g_strdup_printf ("ap[%d]", i);
      OK (nrt_model_insert_mechanism (m, ap, "hh", &e_));
      OK (nrt_model_set_mechanism_param (m, ap, "gnabar_hh", 0.012, &e_));
      OK (nrt_model_set_mechanism_param (m, ap, "gkbar_hh", 0.0036, &e_));
      OK (nrt_model_set_mechanism_param (m, ap, "el_hh", -64, &e_));
    }
  OK (nrt_model_insert_mechanism (m, "bas", "pas", &e_));
  OK (nrt_model_set_mechanism_param (m, "bas", "e_pas", -65, &e_));
  OK (nrt_model_set_mechanism_param (m, "bas", "g_pas", 0.001, &e_));
  OK (nrt_model_set_nseg_strategy (m, "all", NRT_NSEG_D_LAMBDA, 0.1, &e_));
  iclamp (m, "soma", 0.5, 1, 0.1, 10);
  settings (m, 10);
  return finish (m);
}

/* case_passive_cable.py */
static NrtModel *
build_passive_cable (void)
{
  NrtModel *m = nrt_model_new ();
  OK (nrt_model_set_name (m, "passive_cable", &e_));
  IDX (nrt_model_add_section (m, "cable", NULL, 0, 1000, 2, &e_));
  OK (nrt_model_set_Ra (m, "cable", 100, &e_));
  OK (nrt_model_set_cm (m, "cable", 1, &e_));
  OK (nrt_model_insert_mechanism (m, "cable", "pas", &e_));
  OK (nrt_model_set_mechanism_param (m, "cable", "g_pas", 0.0001, &e_));
  OK (nrt_model_set_mechanism_param (m, "cable", "e_pas", -65, &e_));
  OK (nrt_model_set_nseg_strategy (m, "cable", NRT_NSEG_FIXED, 101, &e_));
  iclamp (m, "cable", 0, 0, 1000, 0.1);
  settings (m, 1000);
  return finish (m);
}

NrtModel *
nrt_io_build_kitchen_sink (void)
{
  NrtModel *m = nrt_model_new ();
  NrtRunSettings st;
  static const NrtPt3d pts[] = {
    { 0, 0, 0, 2 }, { 10.5f, 3.25f, 0, 1.75f }, { 20, 7, 1.5f, 1.5f }, { 31, 8, 2, 1.25f },
  };
  int pp;

  OK (nrt_model_set_name (m, "kitchen_sink", &e_));
  OK (nrt_model_set_notes (m, "A model using every feature & some <markup>.", &e_));
  IDX (nrt_model_add_section (m, "soma", NULL, 0, 15, 15, &e_));
  IDX (nrt_model_add_section (m, "dend[0]", "soma", 1, 200.125, 2.5, &e_));
  IDX (nrt_model_add_section (m, "dend[1]", "dend[0]", 0.3, 100, 1, &e_));    /* mid-section */
  IDX (nrt_model_add_section (m, "dend[2]", "dend[0]", 0.7, 150, 1.2, &e_));  /* mid-section */
  IDX (nrt_model_add_section (m, "dend[3]", "dend[0]", 1, 80, 0.8, &e_));
  IDX (nrt_model_add_section (m, "axon", "soma", 0, 500, 1, &e_));
  IDX (nrt_model_add_section (m, "branch", "axon", 0.5, 50, 1, &e_));
  OK (nrt_model_set_section_pt3d (m, "dend[3]", pts, G_N_ELEMENTS (pts), &e_));
  OK (nrt_model_set_Ra (m, "all", 123.4, &e_));
  OK (nrt_model_set_cm (m, "axon", 0.75, &e_));
  OK (nrt_model_insert_mechanism (m, "soma", "hh", &e_));
  OK (nrt_model_insert_mechanism (m, "axon", "hh", &e_));
  OK (nrt_model_set_mechanism_param (m, "axon", "ena", 55.5, &e_));
  OK (nrt_model_set_mechanism_param (m, "axon", "gl_hh", 0.00031, &e_));
  OK (nrt_model_insert_mechanism (m, "all", "pas", &e_));
  OK (nrt_model_set_mechanism_param (m, "dend[0]", "g_pas", 1.0 / 3.0, &e_));
  OK (nrt_model_add_subset (m, "dendrites", &e_));
  for (int i = 0; i < 4; i++)
    {
      g_autofree char *d = g_strdup_printf ("dend[%d]", i);
      OK (nrt_model_subset_add_section (m, "dendrites", d, &e_));
    }
  OK (nrt_model_add_subset (m, "axonal", &e_));
  OK (nrt_model_subset_add_section (m, "axonal", "axon", &e_));
  OK (nrt_model_set_nseg_strategy (m, "dendrites", NRT_NSEG_D_LAMBDA, 0.05, &e_));
  OK (nrt_model_set_nseg_strategy (m, "axon", NRT_NSEG_D_X, 33.3, &e_));
  OK (nrt_model_set_nseg_strategy (m, "soma", NRT_NSEG_FIXED, 3, &e_));
  iclamp (m, "soma", 0.5, 1, 0.5, 0.3);
  iclamp (m, "dend[0]", 0.45, 2, 1, 0.1);
  pp = nrt_model_add_point_process (m, "ExpSyn", "dend[1]", 0.25, NULL);
  OK (nrt_model_set_point_process_param (m, pp, "tau", 2, &e_));
  pp = nrt_model_add_point_process (m, "Exp2Syn", "dend[3]", 0.9, NULL);
  OK (nrt_model_set_point_process_param (m, pp, "tau1", 0.5, &e_));
  OK (nrt_model_set_point_process_param (m, pp, "tau2", 5, &e_));
  pp = nrt_model_add_point_process (m, "AlphaSynapse", "soma", 0.5, NULL);
  OK (nrt_model_set_point_process_param (m, pp, "onset", 5, &e_));
  OK (nrt_model_set_point_process_param (m, pp, "gmax", 0.05, &e_));
  IDX (nrt_model_add_netstim (m, 5, 10, 3, 0, &e_));
  IDX (nrt_model_add_netcon (m, 0, 2, 0.01, 1, 10, &e_));
  IDX (nrt_model_add_netcon (m, 0, 3, 0.02, 2.5, 10, &e_));
  st = nrt_model_get_data (m)->settings;
  st.tstop = 42.5;
  st.dt = 0.0125;
  st.v_init = -70.25;
  st.celsius = 16.3;
  st.points_per_ms = 20;
  st.method = NRT_METHOD_CN;
  st.hh_use_table = FALSE;
  OK (nrt_model_set_settings (m, &st, &e_));
  return finish (m);
}

const NrtIoExample nrt_io_examples[] = {
  { "soma-hh.nml", build_soma_hh },
  { "squid-axon.nml", build_squid_axon },
  { "stylized-cell.nml", build_stylized_cell },
  { "passive-cable.nml", build_passive_cable },
  { NULL, NULL },
};

GArray *
nrt_io_spike_times (NrtModel *m, const char *record)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NrtNetwork) net = NULL;
  g_autoptr (NrtSim) sim = NULL;
  GArray *spikes = g_array_new (FALSE, FALSE, sizeof (double));
  double tstop = nrt_model_get_data (m)->settings.tstop;
  double t0, v0;
  int rec;

  net = nrt_network_compile (m, &error);
  g_assert_no_error (error);
  sim = nrt_sim_new (net);
  rec = nrt_sim_add_record (sim, record, &error);
  g_assert_no_error (error);
  nrt_sim_init (sim);
  t0 = nrt_sim_get_t (sim);
  v0 = nrt_sim_record_value (sim, rec);
  while (!nrt_sim_reached (sim, tstop))
    {
      double t1, v1;
      g_assert_true (nrt_sim_step (sim, &error));
      g_assert_no_error (error);
      t1 = nrt_sim_get_t (sim);
      v1 = nrt_sim_record_value (sim, rec);
      g_assert_true (isfinite (v1));
      if (v0 < 0 && v1 >= 0)
        {
          double ts = t0 + (0 - v0) * (t1 - t0) / (v1 - v0);
          g_array_append_val (spikes, ts);
        }
      t0 = t1;
      v0 = v1;
    }
  return spikes;
}

GArray *
nrt_io_reference_spikes (const char *name)
{
  g_autofree char *path = g_build_filename (NRT_SOURCE_ROOT, "tests", "reference",
                                            "nml_examples.json", NULL);
  g_autofree char *text = NULL;
  g_autofree char *key = g_strdup_printf ("\"%s\"", name);
  GArray *out = g_array_new (FALSE, FALSE, sizeof (double));
  const char *p;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  p = strstr (text, key);
  g_assert_nonnull (p);
  p = strstr (p, "\"spike_times_ms\"");
  g_assert_nonnull (p);
  p = strchr (p, '[') + 1;
  while (*p != ']')
    {
      char *end;
      double v = g_ascii_strtod (p, &end);
      if (end == p)
        {
          p++;
          continue;
        }
      g_array_append_val (out, v);
      p = end;
    }
  return out;
}
