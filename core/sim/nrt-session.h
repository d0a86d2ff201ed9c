/* nrt-session.h: the live simulation: a solver thread fed by a command queue.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * NrtSession belongs to the main thread.  It watches its NrtModel: every change is compiled
 * (a pure function) into a new NrtNetwork that is handed to the worker, which swaps it in at
 * the next step boundary and carries the state over by position when the layout is the same
 * (a parameter or stimulus edit), so a running simulation bends at once.  When the layout
 * differs (a structural edit) the worker re-initialises.  The worker never touches the model
 * or GTK.
 *
 * The worker writes traces into an NrtTraceStore and the latest voltage of every node into a
 * double-buffered frame; status (t, running, real-time factor, errors) comes back to the main
 * context on which the session was created, through ::status and ::error.
 */
#pragma once

#include <glib-object.h>

#include "nrt-model.h"
#include "nrt-sim.h"
#include "nrt-trace-store.h"

G_BEGIN_DECLS

#define NRT_TYPE_SESSION (nrt_session_get_type ())
G_DECLARE_FINAL_TYPE (NrtSession, nrt_session, NRT, SESSION, GObject)

/* (transfer full) A session on model; it starts initialised (t = 0) and stopped. */
NrtSession *nrt_session_new (NrtModel *model);
/* (transfer none) */
NrtModel   *nrt_session_get_model (NrtSession *self);

/* ---- commands: each is queued and returns at once ---- */

/* finitialize(v_init): t = 0, traces emptied (a new run). */
void nrt_session_init (NrtSession *self);
/* Init & Run: init, then run to tstop.  While running, restarts instead of nesting. */
void nrt_session_run (NrtSession *self);
/* Continue til t_stop (ms) and Continue for duration (ms), as RunControl's buttons. */
void nrt_session_continue_til (NrtSession *self, double t_stop);
void nrt_session_continue_for (NrtSession *self, double duration);
/* One plot interval (1/points_per_ms of model time), as NEURON's steprun(). */
void nrt_session_single_step (NrtSession *self);
/* Stops after the current step. */
void nrt_session_stop (NrtSession *self);
/* Model milliseconds per wall-clock second; 0 runs as fast as possible (the default).
 * Movie Run uses it. */
void nrt_session_set_pace (NrtSession *self, double model_ms_per_second);

/* ---- traces ---- */

/* Records expr (as nrt_sim_add_record: "soma(0.5).v", "IClamp[0].i") at every plot interval
 * from now on, across recompiles.  Returns a trace id of the session's trace store, or -1 with
 * error when expr names nothing in the model. */
int  nrt_session_add_trace (NrtSession *self, const char *expr, GError **error);
void nrt_session_remove_trace (NrtSession *self, guint trace);
/* (transfer none) */
NrtTraceStore *nrt_session_get_trace_store (NrtSession *self);

/* Every recordable expression of the current model (for "Plot what?"): v, states and
 * currents at the centre of every segment and at section ends, and every point-process
 * variable.  (transfer full) NULL-terminated. */
char **nrt_session_list_recordables (NrtSession *self);

/* ---- status, read on the main thread ---- */

double   nrt_session_get_t (NrtSession *self);
gboolean nrt_session_get_running (NrtSession *self);
/* Model time per wall time over the last run chunk (ms of model per ms of wall clock). */
double   nrt_session_get_realtime_factor (NrtSession *self);
/* Wall-clock seconds of the current or last run (RunControl's Real Time). */
double   nrt_session_get_realtime (NrtSession *self);
/* TRUE while a run goes on or a command queued on this thread has not been taken by the
 * worker yet (as far as the last delivered status says).  Waiters (tests, scripts) spin the
 * main context until it is FALSE; ::status is emitted when it becomes so. */
gboolean nrt_session_get_busy (NrtSession *self);

/* ---- the frame: v at every node, for shape and space plots ---- */

/* Copies the latest published frame into v (n_nodes values, in the order of
 * nrt_network_get_node()) and returns its serial number, which changes whenever a newer
 * frame is published; *t is the frame's time.  Returns 0 (v untouched) when no frame exists
 * yet, or when the frame has another node count than n_nodes (a structural edit is on its
 * way to the worker: wait for the next frame).  Lock-free: the worker publishes a frame at
 * most every 5 ms of wall clock during a run, and at the end of every command. */
guint64 nrt_session_read_frame (NrtSession *self, double *v, guint n_nodes, double *t);
/* What frames hold from the next published frame on: v (the default) or another range
 * variable of nrt_node_variable_lookup() (m_hh, h_hh, n_hh, ina, ik, il_hh, gna_hh, gk_hh,
 * the hh and pas parameters, i_pas, i_cap, i_membrane), NaN at nodes where it does not
 * exist (zero-area nodes, sections without the mechanism).  The frame after this call's
 * command is taken publishes the new variable; nrt_session_read_frame reads it as it reads
 * v.  FALSE with NRT_SIM_ERROR_BAD_RECORD for an unknown name (the frame is unchanged). */
gboolean nrt_session_set_frame_variable (NrtSession *self, const char *var, GError **error);
/* (transfer none) The network the worker is running now (main thread's view: the last one
 * compiled).  Valid until the next ::network-changed. */
const NrtNetwork *nrt_session_get_network (NrtSession *self);

/* Properties (read-only, notify on change): "t", "running", "realtime-factor", "realtime";
 * "model" (construct-only).  The session must be used on the thread of the main context it
 * was created in.
 *
 * Signals (emitted on the main context the session was created in):
 *   ::status ()               t, running or the real-time factor changed
 *   ::error (const char *msg) the run stopped on an error (a numerical blow-up)
 *   ::network-changed ()      a new network was compiled (node layout may differ)
 */

G_END_DECLS
