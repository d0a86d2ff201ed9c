/* test-channel-text.c: nrt_channel_describe(), the ChannelBuilder's "Text to stdout": the
 * exact text for the presets, a NonSpecific channel with an inf/tau gate and q10, a point
 * channel with a kinetic scheme (fractional conductance, ligand and inf/tau transitions) and
 * single channels, and GHK currents.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>
#include "nrt-channel.h"

static void
assert_text (const NrtChannel *ch, const char *want)
{
  g_autofree char *got = nrt_channel_describe (ch);
  if (g_strcmp0 (got, want) != 0)
    g_error ("describe(%s):\n%s\nexpected:\n%s", ch->name, got, want);
}

static void
test_presets (void)
{
  g_autoptr (NrtChannel) na = nrt_channel_new_hh_na ();
  g_autoptr (NrtChannel) k = nrt_channel_new_hh_k ();
  g_autoptr (NrtChannel) leak = nrt_channel_new ("leak");

  assert_text (na,
               "nahh Density Mechanism\n"
               "  na ohmic ion current\n"
               "  ina (mA/cm2) = g_nahh * (v - ena)\n"
               "  g = gmax * m^3 * h\n"
               "  Default gmax = 0 (S/cm2)\n"
               "  m' = am*(1 - m) - bm*m\n"
               "    am = 1*(v + 40)*0.1/(1 - exp(-0.1*(v + 40)))\n"
               "    bm = 4*exp(-0.0555556*(v + 65))\n"
               "  h' = ah*(1 - h) - bh*h\n"
               "    ah = 0.07*exp(-0.05*(v + 65))\n"
               "    bh = 1/(1 + exp(-0.1*(v + 35)))\n");
  k->gmax = 0.036;
  assert_text (k,
               "khh Density Mechanism\n"
               "  k ohmic ion current\n"
               "  ik (mA/cm2) = g_khh * (v - ek)\n"
               "  g = gmax * n^4\n"
               "  Default gmax = 0.036 (S/cm2)\n"
               "  n' = an*(1 - n) - bn*n\n"
               "    an = 0.1*(v + 55)*0.1/(1 - exp(-0.1*(v + 55)))\n"
               "    bn = 0.125*exp(-0.0125*(v + 65))\n");
  /* The ChannelBuilder's new channel: the labels of neuron-gui.md §2.1. */
  assert_text (leak,
               "leak Density Mechanism\n"
               "  NonSpecific ohmic ion current\n"
               "  i_leak (mA/cm2) = g_leak * (v - e_leak)\n"
               "  g = gmax\n"
               "  Default gmax = 0 (S/cm2)   e = 0 (mV)\n");
}

static void
test_inf_tau_q10 (void)
{
  g_autoptr (NrtChannel) ih = nrt_channel_new ("ih");

  ih->gmax = 1e-4;
  ih->erev = -30;
  ih->q10 = 4.5;
  ih->q10_temperature = 36;
  nrt_channel_add_gate (ih, "q", 2, NRT_GATE_INF_TAU,
                        &(NrtRate) { NRT_RATE_SIGMOID, 1, 0.125, -81 },
                        &(NrtRate) { NRT_RATE_EXP, 50, -0.0125, 0 });
  nrt_channel_add_gate (ih, "r", 1, NRT_GATE_INF_TAU,
                        &(NrtRate) { NRT_RATE_CONSTANT, 0.3, 0, 0 },
                        &(NrtRate) { NRT_RATE_CONSTANT, 12.5, 0, 0 });
  assert_text (ih,
               "ih Density Mechanism\n"
               "  NonSpecific ohmic ion current\n"
               "  i_ih (mA/cm2) = g_ih * (v - e_ih)\n"
               "  g = gmax * q^2 * r\n"
               "  Default gmax = 0.0001 (S/cm2)   e = -30 (mV)\n"
               "  q10 = 4.5 at 36 degC: rates times 4.5^((celsius - 36)/10)\n"
               "  q' = (qinf - q)/qtau\n"
               "    qinf = 1/(1 + exp(0.125*(v + 81)))\n"
               "    qtau = 50*exp(-0.0125*(v))\n"
               "  r' = (rinf - r)/rtau\n"
               "    rinf = 0.3\n"
               "    rtau = 12.5\n");
}

/* A point channel with a three-state scheme: C <-> O1 voltage gated, O1 + 2 cai <-> O2, and
 * an inf/tau transition; O2 conducts half. */
static NrtChannel *
scheme_channel (void)
{
  NrtChannel *ch = nrt_channel_new ("kca");
  NrtKsScheme *ks;

  ch->kind = NRT_CHANNEL_POINT;
  ch->ion = NRT_ION_K;
  ch->gmax = 0.002;
  ks = nrt_channel_add_scheme (ch, 1);
  nrt_ks_scheme_add_state (ks, "C", 0, 0, 0);
  nrt_ks_scheme_add_state (ks, "O1", 1, 50, 0);
  nrt_ks_scheme_add_state (ks, "O2", 0.5, 100, 0);
  nrt_ks_scheme_add_transition (ks, 0, 1, NRT_GATE_ALPHA_BETA,
                                &(NrtRate) { NRT_RATE_EXP, 0.2, 0.05, -40 },
                                &(NrtRate) { NRT_RATE_LINOID, 0.1, -0.05, 10 }, NRT_ION_NA, 1);
  nrt_ks_scheme_add_transition (ks, 1, 2, NRT_TRANS_LIGAND_INSIDE,
                                &(NrtRate) { NRT_RATE_CONSTANT, 100, 0, 0 },
                                &(NrtRate) { NRT_RATE_CONSTANT, 0.1, 0, 0 }, NRT_ION_CA, 2);
  return ch;
}

static void
test_scheme (void)
{
  g_autoptr (NrtChannel) ch = scheme_channel ();
  NrtKsScheme *ks = ch->schemes->pdata[0];
  g_autoptr (GError) error = NULL;

  g_assert_true (nrt_channel_validate (ch, &error));
  g_assert_no_error (error);
  assert_text (ch,
               "kca Point Process\n"
               "  k ohmic ion current\n"
               "  ik (mA/cm2) = kca.g * (v - ek)*(0.01/area)\n"
               "  g = gmax * (O1 + 0.5*O2)\n"
               "  Default gmax = 0.002 (uS)\n"
               "  (O1 + 0.5*O2): 3 state, 2 transitions\n"
               "    states: C, O1, O2\n"
               "    C <-> O1  aCO1 = 0.2*exp(0.05*(v + 40))  "
               "bCO1 = 0.1*(v - 10)*(-0.05)/(1 - exp(0.05*(v - 10)))\n"
               "    O1 + 2cai <-> O2  aO1O2 = 100*cai^2  bO1O2 = 0.1\n");

  /* Single channels, stoichiometry 1 outside, a power, an inf/tau transition. */
  ch->single = TRUE;
  g_array_index (ks->transitions, NrtKsTransition, 1).type = NRT_TRANS_LIGAND_OUTSIDE;
  g_array_index (ks->transitions, NrtKsTransition, 1).stoichiometry = 1;
  nrt_ks_scheme_add_state (ks, "I", 0, 0, 50);
  nrt_ks_scheme_add_transition (ks, 0, 3, NRT_GATE_INF_TAU,
                                &(NrtRate) { NRT_RATE_SIGMOID, 1, -0.2, -60 },
                                &(NrtRate) { NRT_RATE_CONSTANT, 5, 0, 0 }, NRT_ION_NA, 1);
  g_assert_true (nrt_channel_validate (ch, &error));
  assert_text (ch,
               "kca Point Process (Allow Single Channels)\n"
               "  k ohmic ion current\n"
               "  ik (mA/cm2) = kca.g * (v - ek)*(0.01/area)\n"
               "  g = gmax * (O1 + 0.5*O2)\n"
               "  Default gmax = 0.002 (uS)\n"
               "  (O1 + 0.5*O2): 4 state, 3 transitions\n"
               "    states: C, O1, O2, I\n"
               "    C <-> O1  aCO1 = 0.2*exp(0.05*(v + 40))  "
               "bCO1 = 0.1*(v - 10)*(-0.05)/(1 - exp(0.05*(v - 10)))\n"
               "    O1 + cao <-> O2  aO1O2 = 100*cao  bO1O2 = 0.1\n"
               "    C <-> I  infCI = 1/(1 + exp(-0.2*(v + 60)))  tauCI = 5\n");

  /* Powers, a non-conducting scheme next to an HH gate, a lone open state. */
  ch->single = FALSE;
  ch->kind = NRT_CHANNEL_DENSITY;
  ch->ion = NRT_ION_NONSPECIFIC;
  ks->power = 2;
  ((NrtKsState *) ks->states->pdata[2])->fraction = 0;
  nrt_channel_add_gate (ch, "h", 1, NRT_GATE_ALPHA_BETA,
                        &(NrtRate) { NRT_RATE_CONSTANT, 0.5, 0, 0 },
                        &(NrtRate) { NRT_RATE_CONSTANT, 0.25, 0, 0 });
  {
    g_autofree char *got = nrt_channel_describe (ch);
    g_assert_nonnull (strstr (got, "  g = gmax * h * O1^2\n"));
    g_assert_nonnull (strstr (got, "  O1: 4 state, 3 transitions\n"));
    g_assert_nonnull (strstr (got, "  i_kca (mA/cm2) = g_kca * (v - e_kca)\n"));
  }
  ((NrtKsState *) ks->states->pdata[1])->fraction = 0;
  {
    g_autofree char *got = nrt_channel_describe (ch);
    g_assert_nonnull (strstr (got, "  g = gmax * h * 0^2\n"));
  }
}

static void
test_ghk (void)
{
  g_autoptr (NrtChannel) cal = nrt_channel_new ("cal");
  g_autofree char *text = NULL;

  cal->ion = NRT_ION_CA;
  cal->conductance = NRT_CONDUCTANCE_GHK;
  cal->gmax = 2.5e-5;
  nrt_channel_add_gate (cal, "m", 2, NRT_GATE_ALPHA_BETA,
                        &(NrtRate) { NRT_RATE_LINOID, 0.055, 0.263158, -27 },
                        &(NrtRate) { NRT_RATE_EXP, 0.94, -0.0568182, -75 });
  assert_text (cal,
               "cal Density Mechanism\n"
               "  ca Goldman-Hodgkin-Katz ion current\n"
               "  ica (mA/cm2) = p_cal * ghk(v, cai, cao, 2)\n"
               "  p = pmax * m^2\n"
               "  Default pmax = 2.5e-05 (cm/s)\n"
               "  m' = am*(1 - m) - bm*m\n"
               "    am = 0.055*(v + 27)*0.263158/(1 - exp(-0.263158*(v + 27)))\n"
               "    bm = 0.94*exp(-0.0568182*(v + 75))\n");
  cal->kind = NRT_CHANNEL_POINT;
  text = nrt_channel_describe (cal);
  g_assert_nonnull (strstr (text, "cal Point Process\n"
                                  "  ca Goldman-Hodgkin-Katz ion current\n"
                                  "  ica (mA/cm2) = (1e6)*cal.p * ghk(v, cai, cao, 2)*(0.01/area)\n"
                                  "  p = pmax * m^2\n"
                                  "  Default pmax = 2.5e-05 (cm3/s)\n"));
}

static void
test_point_nonspecific (void)
{
  g_autoptr (NrtChannel) leak = nrt_channel_new ("leak");
  g_autofree char *text = NULL;

  leak->kind = NRT_CHANNEL_POINT;
  leak->erev = -70;
  text = nrt_channel_describe (leak);
  g_assert_cmpstr (text, ==,
                   "leak Point Process\n"
                   "  NonSpecific ohmic ion current\n"
                   "  leak.i (nA) = leak.g * (v - leak.e)\n"
                   "  g = gmax\n"
                   "  Default gmax = 0 (uS)   e = -70 (mV)\n");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/io/channel-text/presets", test_presets);
  g_test_add_func ("/io/channel-text/inf-tau-q10", test_inf_tau_q10);
  g_test_add_func ("/io/channel-text/scheme", test_scheme);
  g_test_add_func ("/io/channel-text/ghk", test_ghk);
  g_test_add_func ("/io/channel-text/point-nonspecific", test_point_nonspecific);
  return g_test_run ();
}
