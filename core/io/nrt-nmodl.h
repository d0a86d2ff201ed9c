/* nrt-nmodl.h: a ChannelBuilder channel (nrt-channel.h) as an NMODL .mod file that NEURON's
 * nrnivmodl compiles into a mechanism behaving like the KSChan the ChannelBuilder makes.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The mechanism is SUFFIX <channel name> with RANGE gmax, g, i (and e for a NonSpecific
 * channel), so hoc and Python see gmax_<name>, g_<name>, i_<name>, e_<name> and the gate
 * states <gate>_<name>, as with the ChannelBuilder's channel.  A real ion is used through
 * USEION <ion> READ e<ion> WRITE i<ion>; NonSpecific is NONSPECIFIC_CURRENT i.  The rates
 * are KSChan's (kschan.h) to the bit: Exp clamps its argument to ±700, linoid takes
 * A·(1 + x/2) for |x| ≤ 1e-6; α/β gates become inf = α·f·τ, τ = 1/((α + β)·f) and inf/τ
 * gates inf, τ/f, with f = q10^((celsius − q10_temperature)/10); states advance by
 * METHOD cnexp and g = gmax·Π gate^power multiplies as KSChan does.  Every number is
 * written with %.17g, so it reads back as the same double.
 *
 * Kinetic schemes become a KINETIC block (one STATE per scheme state, `~ A <-> B (kf, kb)`
 * per transition, a CONSERVE per scheme) solved by METHOD sparse, i.e. backward Euler as
 * KSChan steps them; INITIAL starts each scheme in its first state and solves STEADYSTATE
 * sparse, the limit KSChan's single 1e9 ms step approximates.  Ligand transitions read their
 * concentration (USEION ca READ cai …) and multiply [L]^n·A in KSChan's order.  GHK channels
 * are USEION <ion> READ <ion>i, <ion>o WRITE i<ion> with p = pmax·Π… and NEURON's nrn_ghk
 * written out with 8.2.2's FARADAY and R (KSChan's names pmax and p are kept).  Point
 * channels are POINT_PROCESSes with gmax in µS (pmax cm³/s), currents in nA (GHK ×1e6).
 * Stochastic single channels have no NMODL form: the file is the deterministic channel and
 * says so in a comment (Nsingle is accepted and ignored).
 */
#pragma once

#include <glib.h>
#include "nrt-channel.h"
#include "nrt-model.h"

G_BEGIN_DECLS

/* (transfer full) The .mod text of channel, or NULL: NRT_MODEL_ERROR when the channel is
 * invalid (nrt_channel_validate), NRT_IO_ERROR_UNSUPPORTED when a gate's name clashes with a
 * name the file needs (v, g, inf_<gate> …) or an NMODL word. */
char     *nrt_nmodl_write_channel (const NrtChannel *channel, GError **error);
/* The same written atomically to path (temporary file in the same folder, then rename);
 * NRT_IO_ERROR_WRITE on failure. */
gboolean  nrt_nmodl_write_channel_file (const NrtChannel *channel, const char *path,
                                        GError **error);
/* Writes every channel of the model's library to folder/<name>.mod (the folder is created
 * if needed).  Stops at the first failure. */
gboolean  nrt_nmodl_write_model_channels (NrtModel *model, const char *folder, GError **error);

G_END_DECLS
