/* nrt-session-private.h: the solver thread's pure decisions, exposed for the tests.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "nrt-session.h"

G_BEGIN_DECLS

/* stdrun.hoc setdt(): Dt = 1/points_per_ms, n = int(Dt/dt), at least 1: the number of fixed
 * steps per plot interval (NEURON's nstep_steprun). */
guint  nrt_session_plot_interval_steps (double dt, double points_per_ms);

/* Movie Run pacing: with the model at t_now (ms) at wall_now (µs, monotonic) and anchored at
 * (t_anchor, wall_anchor), how long (µs) to wait so that model time follows wall time at
 * model_ms_per_second.  0 means go on now; a negative value means the solver is more than
 * NRT_SESSION_PACE_SLACK_US behind, and the caller should re-anchor at (t_now, wall_now)
 * rather than run flat out to catch up. */
#define NRT_SESSION_PACE_SLACK_US 100000
gint64 nrt_session_pace_delay (double model_ms_per_second, double t_anchor, gint64 wall_anchor,
                               double t_now, gint64 wall_now);

G_END_DECLS
