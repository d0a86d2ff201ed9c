/* nrt-run-control.h: NEURON's RunControl panel over the main window's live session.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "nrt-number-entry.h"
#include "nrt-window.h"

G_BEGIN_DECLS

#define NRT_TYPE_RUN_CONTROL (nrt_run_control_get_type ())
G_DECLARE_FINAL_TYPE (NrtRunControl, nrt_run_control, NRT, RUN_CONTROL, AdwWindow)

/* (transfer none) A RunControl for main_window's model and session, registered as one of its
 * tools.  Not shown: call gtk_window_present(). */
GtkWindow *nrt_run_control_new (NrtWindow *main_window);

/* NEURON's setdt() (stdrun.hoc): the dt that divides the plot interval 1/points_per_ms,
 * Dt/n with n = max(1, int(Dt/dt)), or dt itself when dt·n·points_per_ms is within 1e-6 of 1. */
double     nrt_run_control_coupled_dt (double dt,
                                       double points_per_ms);

/* For the tests: the fields, by NEURON's variable name ("v_init", "runStopAt", "runStopIn",
 * "t", "tstop", "dt", "steps_per_ms", "realtime"), and the dt note (NULL when hidden). */
NrtNumberEntry *nrt_run_control_get_field   (NrtRunControl *self,
                                             const char    *name);
const char     *nrt_run_control_get_dt_note (NrtRunControl *self);

G_END_DECLS
