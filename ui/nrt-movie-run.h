/* nrt-movie-run.h: Tools → Movie Run: an evenly paced run for shape and space plot movies.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * NEURON's Movie Run (reference/neuron-gui.md §3) advances one plot interval
 * (1/points_per_ms ms of model time) every "Seconds per step" (movie_frame_dur_, default
 * 0.01 s, at least 0.001 s).  Here the solver thread paces itself
 * (nrt_session_set_pace): model_ms_per_second = (1/points_per_ms) / seconds_per_step.  The
 * pace is restored to 0 (flat out) when the movie ends or is stopped.
 */
#pragma once

#include <adwaita.h>

#include "nrt-window.h"

G_BEGIN_DECLS

#define NRT_TYPE_MOVIE_RUN (nrt_movie_run_get_type ())
G_DECLARE_FINAL_TYPE (NrtMovieRun, nrt_movie_run, NRT, MOVIE_RUN, AdwWindow)

/* (transfer none) Registered with nrt_window_add_tool(); not shown. */
GtkWindow *nrt_movie_run_new                  (NrtWindow   *main_window);

/* Init & Run, paced. */
void       nrt_movie_run_start                (NrtMovieRun *self);
/* Stop: the session stops after the current step and runs flat out again afterwards. */
void       nrt_movie_run_stop                 (NrtMovieRun *self);
gboolean   nrt_movie_run_get_playing          (NrtMovieRun *self);

/* Seconds per step (≥ 0.001); takes effect at once, mid-movie too.  FALSE when refused. */
gboolean   nrt_movie_run_set_seconds_per_step (NrtMovieRun *self,
                                               double       seconds);
double     nrt_movie_run_get_seconds_per_step (NrtMovieRun *self);
/* The pace the movie asks of the session (model ms per wall-clock second). */
double     nrt_movie_run_get_pace             (NrtMovieRun *self);

/* Layout persistence: writes Seconds per step and the window size into group of kf. */
void       nrt_movie_run_save_state           (GtkWindow   *movie_run,
                                               GKeyFile    *kf,
                                               const char  *group);
/* (transfer none) main_window's Movie Run (made if it has none) with the state in group of
 * kf; a missing or refused value keeps what the window has. */
GtkWindow *nrt_movie_run_new_from_state       (NrtWindow   *main_window,
                                               GKeyFile    *kf,
                                               const char  *group);

G_END_DECLS
