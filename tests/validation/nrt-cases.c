/* nrt-cases.c: builds the validation models of ../shared/validation/case_*.py with the model API.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every value here is transcribed from the case scripts (which are plain NEURON), not taken
 * from Neurite's output.
 */
#include <math.h>

#include "nrt-cases.h"

static void
ok (gboolean res, GError *error)
{
  g_assert_no_error (error);
  g_assert_true (res);
}

static void
add_section (NrtModel *m, const char *name, const char *parent, double px, double L,
             double diam)
{
  GError *error = NULL;
  int i = nrt_model_add_section (m, name, parent, px, L, diam, &error);
  g_assert_no_error (error);
  g_assert_cmpint (i, >=, 0);
}

static void
set_param (NrtModel *m, const char *target, const char *param, double value)
{
  GError *error = NULL;
  ok (nrt_model_set_mechanism_param (m, target, param, value, &error), error);
}

static void
insert (NrtModel *m, const char *target, const char *mech)
{
  GError *error = NULL;
  ok (nrt_model_insert_mechanism (m, target, mech, &error), error);
}

static void
set_geometry (NrtModel *m, const char *sec, int nseg, double Ra, double cm)
{
  GError *error = NULL;
  ok (nrt_model_set_section_nseg (m, sec, nseg, &error), error);
  ok (nrt_model_set_Ra (m, sec, Ra, &error), error);
  ok (nrt_model_set_cm (m, sec, cm, &error), error);
}

static int
add_pp (NrtModel *m, const char *type, const char *sec, double x)
{
  GError *error = NULL;
  int i = nrt_model_add_point_process (m, type, sec, x, &error);
  g_assert_no_error (error);
  g_assert_cmpint (i, >=, 0);
  return i;
}

static void
set_pp (NrtModel *m, int pp, const char *param, double value)
{
  GError *error = NULL;
  ok (nrt_model_set_point_process_param (m, (guint) pp, param, value, &error), error);
}

void
nrt_case_add_iclamp (NrtModel *model, const char *section, double x, double del, double dur,
                     double amp)
{
  int pp = add_pp (model, "IClamp", section, x);
  set_pp (model, pp, "del", del);
  set_pp (model, pp, "dur", dur);
  set_pp (model, pp, "amp", amp);
}

void
nrt_case_set_run (NrtModel *model, double tstop, NrtMethod method, gboolean table)
{
  GError *error = NULL;
  NrtRunSettings s = nrt_model_get_data (model)->settings;
  s.tstop = tstop;
  s.dt = 0.025;
  s.v_init = -65;
  s.celsius = 6.3;
  s.method = method;
  s.hh_use_table = table;
  ok (nrt_model_set_settings (model, &s, &error), error);
}

static NrtModel *
hh_soma (void)
{
  NrtModel *m = nrt_model_new ();
  add_section (m, "soma", NULL, 0, 10, 10);
  set_geometry (m, "soma", 1, 35.4, 1);
  insert (m, "soma", "hh");
  return m;
}

NrtModel *
nrt_case_soma_hh (void)
{
  NrtModel *m = hh_soma ();
  nrt_case_add_iclamp (m, "soma", 0.5, 2, 0.1, 1);
  return m;
}

NrtModel *
nrt_case_squid_axon (double amp, const double *xs, guint n_xs)
{
  NrtModel *m = nrt_model_new ();
  add_section (m, "axon", NULL, 0, 20000, 100);
  set_geometry (m, "axon", 43, 35.4, 1);
  insert (m, "axon", "hh");
  for (guint i = 0; i < n_xs; i++)
    nrt_case_add_iclamp (m, "axon", xs[i], 1, 1, amp);
  return m;
}

NrtModel *
nrt_case_stylized_cell (double del, double dur, double amp)
{
  GError *error = NULL;
  NrtModel *m = nrt_model_new ();
  add_section (m, "soma", NULL, 0, 20, 20);
  add_section (m, "ap[0]", "soma", 1, 400, 2);
  add_section (m, "ap[1]", "ap[0]", 1, 300, 1);
  add_section (m, "ap[2]", "ap[0]", 1, 500, 1);
  add_section (m, "bas", "soma", 0, 200, 3);
  add_section (m, "axon", "soma", 0, 800, 1);
  ok (nrt_model_set_Ra (m, "all", 160, &error), error);
  ok (nrt_model_set_cm (m, "all", 1, &error), error);
  /* CellBuilder geometry: d_lambda 0.1 at 100 Hz, after Ra and cm. */
  ok (nrt_model_set_nseg_strategy (m, "all", NRT_NSEG_D_LAMBDA, 0.1, &error), error);
  insert (m, "soma", "hh");
  insert (m, "axon", "hh");
  for (int i = 0; i < 3; i++)
    {
      g_autofree char *ap = g_strdup_printf ("ap[%d]", i);
      insert (m, ap, "hh");
      set_param (m, ap, "gnabar_hh", 0.012);
      set_param (m, ap, "gkbar_hh", 0.0036);
      set_param (m, ap, "el_hh", -64);
    }
  insert (m, "bas", "pas");
  set_param (m, "bas", "e_pas", -65);
  set_param (m, "bas", "g_pas", 0.001);
  nrt_case_add_iclamp (m, "soma", 0.5, del, dur, amp);
  return m;
}

NrtModel *
nrt_case_passive_cable (void)
{
  NrtModel *m = nrt_model_new ();
  add_section (m, "cable", NULL, 0, 1000, 2);
  set_geometry (m, "cable", 101, 100, 1);
  insert (m, "cable", "pas");
  set_param (m, "cable", "g_pas", 1e-4);
  set_param (m, "cable", "e_pas", -65);
  nrt_case_add_iclamp (m, "cable", 0, 0, 1000, 0.1);
  return m;
}

void
nrt_case_set_iclamp (NrtModel *model, guint index, const char *section, double x, double del,
                     double dur, double amp)
{
  GError *error = NULL;
  ok (nrt_model_move_point_process (model, index, section, x, &error), error);
  set_pp (model, (int) index, "del", del);
  set_pp (model, (int) index, "dur", dur);
  set_pp (model, (int) index, "amp", amp);
}

NrtModel *
nrt_case_synapse (NrtPointProcessType type)
{
  NrtModel *m = hh_soma ();
  nrt_case_add_synapse (m, type);
  return m;
}

void
nrt_case_add_synapse (NrtModel *m, NrtPointProcessType type)
{
  GError *error = NULL;
  int pp;

  switch (type)
    {
    case NRT_PP_ALPHA_SYNAPSE:
      pp = add_pp (m, "AlphaSynapse", "soma", 0.5);
      set_pp (m, pp, "onset", 5);
      set_pp (m, pp, "tau", 0.1);
      set_pp (m, pp, "gmax", 0.05);
      set_pp (m, pp, "e", 0);
      return;
    case NRT_PP_EXPSYN:
      pp = add_pp (m, "ExpSyn", "soma", 0.5);
      set_pp (m, pp, "tau", 2);
      set_pp (m, pp, "e", 0);
      break;
    case NRT_PP_EXP2SYN:
      pp = add_pp (m, "Exp2Syn", "soma", 0.5);
      set_pp (m, pp, "tau1", 0.5);
      set_pp (m, pp, "tau2", 5);
      set_pp (m, pp, "e", 0);
      break;
    case NRT_PP_ICLAMP:
    case NRT_N_PP:
    default:
      g_assert_not_reached ();
    }
  /* NetStim start 5, number 3, interval 10, noise 0 → NetCon weight 0.01 µS, delay 1. */
  int ns = nrt_model_add_netstim (m, 5, 10, 3, 0, &error);
  g_assert_no_error (error);
  int nc = nrt_model_add_netcon (m, (guint) ns, (guint) pp, 0.01, 1, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpint (nc, >=, 0);
}

NrtModel *
nrt_case_synthetic_tree (void)
{
  NrtModel *m = nrt_model_new ();
  for (int i = 0; i < 125; i++)
    {
      g_autofree char *name = g_strdup_printf ("dend[%d]", i);
      g_autofree char *parent = i > 0 ? g_strdup_printf ("dend[%d]", (i - 1) / 2) : NULL;
      int depth = 0;
      for (int j = i; j > 0; j = (j - 1) / 2)
        depth++;
      add_section (m, name, parent, 1, 200, 4 * pow (0.8, depth));
      set_geometry (m, name, 16, 100, 1);
    }
  insert (m, "all", "hh");
  nrt_case_add_iclamp (m, "dend[0]", 0.5, 1, 1, 2);
  return m;
}

/* A compound literal, so that its address can be passed. */
#define rate(form, A, k, d) ((NrtRate) { (form), (A), (k), (d) })

/* kca: density, k, ohmic, gmax 0.002 S/cm²; C1 <-> C2 (linoid α, exp β), C2 <-> O (ligand
 * cai, stoichiometry 2: 2000 /ms-mM², 0.1 /ms), O <-> C1 (inf sigmoid, τ exp). */
NrtChannel *
nrt_case_channel_kca (void)
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
