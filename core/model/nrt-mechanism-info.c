/* nrt-mechanism-info.c: names, units, defaults and domains of the built-in mechanisms.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Defaults are NEURON 8.2.2's (hh.mod, passive.mod, stim.mod, syn.mod, expsyn.mod,
 * exp2syn.mod, svclmp.mod, vclmp.mod, apcount.mod; see reference/neuron-gui.md §5.4 and §7).  Domains are what the equations
 * allow: conductances ≥ 0, time constants > 0, and wide bounds on potentials so that a typo
 * such as 1e9 mV is caught.
 */
#include "nrt-model.h"

#include <math.h>
#include <string.h>

#define V_MIN (-1000.0)
#define V_MAX 1000.0
#define BIG   1e9

static const NrtParamInfo pas_params[] = {
  { "g_pas", "S/cm2", 0.001, 0.0, BIG },
  { "e_pas", "mV", -70.0, V_MIN, V_MAX },
};

/* ena and ek belong to the na and k ions in NEURON; hh is the only mechanism that uses them
 * here, so they live with it.  Values are NEURON's defaults once hh is inserted. */
static const NrtParamInfo hh_params[] = {
  { "gnabar_hh", "S/cm2", 0.12, 0.0, BIG },
  { "gkbar_hh", "S/cm2", 0.036, 0.0, BIG },
  { "gl_hh", "S/cm2", 0.0003, 0.0, BIG },
  { "el_hh", "mV", -54.3, V_MIN, V_MAX },
  { "ena", "mV", 50.0, V_MIN, V_MAX },
  { "ek", "mV", -77.0, V_MIN, V_MAX },
};

static const NrtMechanismInfo mechanisms[NRT_N_MECH] = {
  [NRT_MECH_PAS] = { "pas", G_N_ELEMENTS (pas_params), pas_params },
  [NRT_MECH_HH] = { "hh", G_N_ELEMENTS (hh_params), hh_params },
};

static const NrtParamInfo iclamp_params[] = {
  { "del", "ms", 0.0, 0.0, BIG },
  { "dur", "ms", 0.0, 0.0, BIG },
  { "amp", "nA", 0.0, -BIG, BIG },
};

static const NrtParamInfo alpha_params[] = {
  { "onset", "ms", 0.0, -BIG, BIG },
  { "tau", "ms", 0.1, 1e-3, 1e6 },
  { "gmax", "uS", 0.0, 0.0, BIG },
  { "e", "mV", 0.0, V_MIN, V_MAX },
};

static const NrtParamInfo expsyn_params[] = {
  { "tau", "ms", 0.1, 1e-9, BIG },
  { "e", "mV", 0.0, V_MIN, V_MAX },
};

static const NrtParamInfo exp2syn_params[] = {
  { "tau1", "ms", 0.1, 1e-9, BIG },
  { "tau2", "ms", 10.0, 1e-9, BIG },
  { "e", "mV", 0.0, V_MIN, V_MAX },
};

/* svclmp.mod PARAMETER block: rs <1e-9, 1e9>, durations <0, 1e9>. */
static const NrtParamInfo seclamp_params[] = {
  { "rs", "megohm", 1.0, 1e-9, 1e9 },
  { "dur1", "ms", 0.0, 0.0, 1e9 },
  { "amp1", "mV", 0.0, V_MIN, V_MAX },
  { "dur2", "ms", 0.0, 0.0, 1e9 },
  { "amp2", "mV", 0.0, V_MIN, V_MAX },
  { "dur3", "ms", 0.0, 0.0, 1e9 },
  { "amp3", "mV", 0.0, V_MIN, V_MAX },
};

/* vclmp.mod PARAMETER block.  NEURON's arrays dur[3] and amp[3] are named dur0..dur2 and
 * amp0..amp2 here (hoc's dur[0] is dur0).  e0, vo0 and vi0 are PARAMETERs in the mod file
 * but INITIAL overwrites them (e0 = 0, vo0 = vi0 = v) and the clamp keeps its own values
 * in the run state, so the values stored here only document NEURON's panel.  fac's mod
 * domain <1,10> excludes its own default 0, which NEURON accepts; the domain here is
 * [0, 10]. */
static const NrtParamInfo vclamp_params[] = {
  { "dur0", "ms", 0.0, 0.0, 1e9 },
  { "dur1", "ms", 0.0, 0.0, 1e9 },
  { "dur2", "ms", 0.0, 0.0, 1e9 },
  { "amp0", "mV", 0.0, V_MIN, V_MAX },
  { "amp1", "mV", 0.0, V_MIN, V_MAX },
  { "amp2", "mV", 0.0, V_MIN, V_MAX },
  { "gain", "", 1e5, 0.0, 1e9 },
  { "rstim", "megohm", 1.0, 1e-9, 1e9 },
  { "tau1", "ms", 0.001, 0.0, 1e9 },
  { "tau2", "ms", 0.0, 0.0, 1e9 },
  { "e0", "mV", 0.0, V_MIN, V_MAX },
  { "vo0", "mV", 0.0, V_MIN, V_MAX },
  { "vi0", "mV", 0.0, V_MIN, V_MAX },
  { "fac", "", 0.0, 0.0, 10.0 },
};

/* apcount.mod: thresh.  Its n and time are PARAMETERs in the mod file only so that hoc can
 * reset them; here they are run state, recorded as APCount[i].n and APCount[i].time. */
static const NrtParamInfo apcount_params[] = {
  { "thresh", "mV", -20.0, V_MIN, V_MAX },
};

/* A ChannelBuilder point channel (KSChan(1)): gmax (µS; pmax for GHK, cm³/s), e (mV,
 * NonSpecific channels only) and Nsingle (single-channel channels only). */
static const NrtParamInfo channel_params[] = {
  { "gmax", "uS", 0.0, 0.0, 1e9 },
  { "e", "mV", 0.0, V_MIN, V_MAX },
  { "Nsingle", "", 1.0, 0.0, 1e9 },
};
G_STATIC_ASSERT (G_N_ELEMENTS (channel_params) == NRT_PCHAN_N_PARAMS);

static const NrtMechanismInfo point_processes[NRT_N_PP] = {
  [NRT_PP_ICLAMP] = { "IClamp", G_N_ELEMENTS (iclamp_params), iclamp_params },
  [NRT_PP_ALPHA_SYNAPSE] = { "AlphaSynapse", G_N_ELEMENTS (alpha_params), alpha_params },
  [NRT_PP_EXPSYN] = { "ExpSyn", G_N_ELEMENTS (expsyn_params), expsyn_params },
  [NRT_PP_EXP2SYN] = { "Exp2Syn", G_N_ELEMENTS (exp2syn_params), exp2syn_params },
  [NRT_PP_SECLAMP] = { "SEClamp", G_N_ELEMENTS (seclamp_params), seclamp_params },
  [NRT_PP_VCLAMP] = { "VClamp", G_N_ELEMENTS (vclamp_params), vclamp_params },
  [NRT_PP_APCOUNT] = { "APCount", G_N_ELEMENTS (apcount_params), apcount_params },
  /* Named after its channel in the model; "channel" is never looked up. */
  [NRT_PP_CHANNEL] = { "channel", G_N_ELEMENTS (channel_params), channel_params },
};

G_STATIC_ASSERT (G_N_ELEMENTS (hh_params) <= NRT_MAX_PARAMS);
G_STATIC_ASSERT (G_N_ELEMENTS (vclamp_params) <= NRT_MAX_PARAMS);

const NrtMechanismInfo *
nrt_mechanism_info (NrtMechType type)
{
  g_return_val_if_fail (type < NRT_N_MECH, NULL);
  return &mechanisms[type];
}

const NrtMechanismInfo *
nrt_point_process_info (NrtPointProcessType type)
{
  g_return_val_if_fail (type < NRT_N_PP, NULL);
  return &point_processes[type];
}

int
nrt_mechanism_lookup (const char *name)
{
  g_return_val_if_fail (name != NULL, -1);
  for (int i = 0; i < NRT_N_MECH; i++)
    if (strcmp (mechanisms[i].name, name) == 0)
      return i;
  return -1;
}

int
nrt_point_process_lookup (const char *name)
{
  g_return_val_if_fail (name != NULL, -1);
  for (int i = 0; i < NRT_PP_CHANNEL; i++)
    if (strcmp (point_processes[i].name, name) == 0)
      return i;
  return -1;
}

int
nrt_param_lookup (const NrtMechanismInfo *info, const char *param)
{
  g_return_val_if_fail (info != NULL && param != NULL, -1);
  for (guint i = 0; i < info->n_params; i++)
    if (strcmp (info->params[i].name, param) == 0)
      return (int) i;
  return -1;
}

gboolean
nrt_point_process_is_membrane_current (NrtPointProcessType type)
{
  return type == NRT_PP_ALPHA_SYNAPSE || type == NRT_PP_EXPSYN || type == NRT_PP_EXP2SYN;
}
